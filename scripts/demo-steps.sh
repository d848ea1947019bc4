# The demo's steps, sourced by demo.sh with run/say defined and KUBECONFIG set.
say "Versions of kdx and of the server"
run version

say "Every resource the server serves, built-in and custom (kubectl's columns)"
run api-resources --api-group multi.example.org
say "... with the number of objects of each (beyond kubectl)"
run api-resources --count --api-group multi.example.org

say "Reading custom objects without generated types: the server's printer columns"
run get gadgets -n demo
run get gd.v1.multi.example.org -n demo -o name
run get widgetclasses

say "Everything that exists, really (not just kubectl's 'all' category)"
run get --all-types -n demo

say "Exporting clean objects that re-apply to another cluster"
run export --all-types -n demo
say "... and what export removes or skips, and why (the rules are data)"
run export --rules

say "Watching several kinds at once while objects change (kubectl refuses this)"
printf '\033[36m$ kdx watch gadgets,configmaps -n demo --watch-only --output-watch-events --timeout 8s\033[0m\n'
"$KDX" watch gadgets,configmaps -n demo --watch-only --output-watch-events --timeout 8s &
watcher=$!
sleep 2
"$KDX" create -f - -n demo >/dev/null 2>&1 <<'YAML' || true
apiVersion: v1
kind: ConfigMap
metadata:
  name: demo-watch
data:
  step: "1"
YAML
"$KDX" patch gadget sprocket -n demo --type merge -p '{"spec":{"size":9}}' >/dev/null
"$KDX" patch configmap demo-watch -n demo --type merge -p '{"data":{"step":"2"}}' >/dev/null
"$KDX" delete configmap demo-watch -n demo >/dev/null
wait $watcher || failures=$((failures + 1))
