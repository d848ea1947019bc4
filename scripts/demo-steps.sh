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

say "Searching the content of every object: which object, which field, what matched"
run grep -i hello --all-types -n demo

say "What uses a Secret, and through which field (and what the Deployment uses)"
run refs secret/demo-credentials -n demo
run refs deployment.apps/demo-web -n demo

say "The schema of any type: kubectl explain's lines, and in '+' lines what it leaves out"
run explain services.spec.ports.protocol
say "... which types have a field of that name, and where"
run explain --find widgetClass
say "... a manifest to start from, and what differs between two versions of a CRD"
run explain gadgets --skeleton
run explain gadgets --diff v1 v2

say "Exporting clean objects that re-apply to another cluster"
run export --all-types -n demo
say "... and what export removes or skips, and why (the rules are data)"
run export --rules

say "Drift: what changed in the cluster since an export (exit 1: there is drift)"
"$KDX" export --all-types -n demo --dir "$KDX_STATE/demo-tree" -q
"$KDX" patch configmap demo-settings -n demo --type merge -p '{"data":{"greeting":"bonjour"}}' >/dev/null
printf '\033[36m$ kdx diff --all-types -n demo --dir demo-tree\033[0m\n'
"$KDX" diff --all-types -n demo --dir "$KDX_STATE/demo-tree"
rc=$?
echo "(exit $rc, as expected)"
[ $rc -eq 1 ] || failures=$((failures + 1))
"$KDX" patch configmap demo-settings -n demo --type merge -p '{"data":{"greeting":"hello"}}' >/dev/null

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

say "Waiting until an expression over several fields holds, watching (kubectl's wait takes one field)"
printf '\033[36m$ kdx wait gadget/sprocket -n demo --for '"'"'object.spec.size >= 9 && object.status.phase == "Ready"'"'"'\033[0m\n'
"$KDX" wait gadget/sprocket -n demo --for 'object.spec.size >= 9 && object.status.phase == "Ready"' --timeout 30s &
waiter=$!
sleep 1
"$KDX" patch gadget sprocket -n demo --subresource status --type merge -p '{"status":{"phase":"Ready"}}' >/dev/null
wait $waiter || failures=$((failures + 1))
say "... and when it times out, what each object still waited on is like (exit 1)"
printf '\033[36m$ kdx wait gadgets -n demo --all --for '"'"'object.status.phase == "Ready"'"'"' --timeout 2s\033[0m\n'
"$KDX" wait gadgets -n demo --all --for 'object.status.phase == "Ready"' --timeout 2s
rc=$?
echo "(exit $rc, as expected)"
[ $rc -eq 1 ] || failures=$((failures + 1))

say "What a Deployment owns, made by the controllers (ownerReferences of every type, CRDs included)"
"$KDX" create -f - -n demo >/dev/null <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
YAML
for _ in $(seq 30); do  # the controllers make the ReplicaSet, then the Pods
  [ "$("$KDX" tree deployment.apps/web -n demo 2>/dev/null | grep -c 'pod/')" -eq 2 ] && break
  sleep 0.5
done
run tree deployment.apps/web -n demo

say "Describing any object, custom ones too: fields as a tree, conditions, events (oldest first)"
uid=$("$KDX" get gadget sprocket -n demo -o jsonpath='{.metadata.uid}')
"$KDX" apply -f - >/dev/null <<YAML || failures=$((failures + 1))
apiVersion: events.k8s.io/v1
kind: Event
metadata: {name: sprocket-resized, namespace: demo}
eventTime: "$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)"
type: Normal
reason: Resized
note: size changed to 9 by the demo
action: Resize
reportingController: gadget-controller
reportingInstance: gadget-controller-0
regarding: {apiVersion: multi.example.org/v2, kind: Gadget, name: sprocket, namespace: demo, uid: "$uid"}
YAML
run describe gadget sprocket -n demo

say "Why a namespace stays Terminating: what holds it, who should remove it, what to fix"
"$KDX" apply -f - >/dev/null <<'YAML' || failures=$((failures + 1))
apiVersion: v1
kind: Namespace
metadata: {name: demo-stuck}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: held, namespace: demo-stuck, finalizers: [cleanup.example.org/protect]}
YAML
"$KDX" delete namespace demo-stuck --wait=false >/dev/null || failures=$((failures + 1))
for _ in $(seq 20); do  # until the namespace controller has written its conditions
  "$KDX" get namespace demo-stuck -o jsonpath='{.status.conditions[*].type}' 2>/dev/null | grep -q NamespaceFinalizersRemaining && break
  sleep 0.5
done
run describe namespace demo-stuck --show-events=false
say "... its controller is gone for good (there is none here): remove the finalizer, and the namespace goes"
run patch configmap held -n demo-stuck --type merge -p '{"metadata":{"finalizers":null}}'

say "A fleet: a second control plane (context b) beside the first (context admin)"
KUBECONFIG_A=$KUBECONFIG
eval "$(make -s up KDX_STATE="$KDX_STATE-b" KDX_CP_NAME=b)" || { echo "second control plane failed to start" >&2; exit 1; }
cp "$KUBECONFIG" "$KDX_STATE/fleet-b.kubeconfig"   # kept when b is stopped below
export KUBECONFIG="$KUBECONFIG_A:$KDX_STATE/fleet-b.kubeconfig"
"$KDX" --context b create -f - >/dev/null <<'YAML'
apiVersion: v1
kind: Namespace
metadata:
  name: demo
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: only-in-b
  namespace: demo
data:
  cluster: b
YAML
say "One query over both clusters: a CONTEXT column, rows grouped by context"
run get configmaps -n demo --context admin,b
say "... as JSON lines, each object as the server returned it, with its context beside it"
run get configmaps -n demo --context admin,b -o jsonl --field-selector metadata.name=only-in-b
say "One watch over both clusters, for two seconds: each cluster resumes on its own"
run watch configmaps -n demo --context admin,b --timeout 2s
say "One wait over both clusters: each line names its context"
run wait namespace/demo --for 'object.status.phase == "Active" && !has(object.metadata.deletionTimestamp)' --context admin,b
say "The API surface of both side by side: b has none of the demo CRDs"
run api-resources --context admin,b --api-group multi.example.org
run api-resources --context admin,b --count -n demo --api-group ''
say "One cluster down while the other answers: one line for b, the rest in full, exit 1"
make -s down KDX_STATE="$KDX_STATE-b" >/dev/null 2>&1
printf '\033[36m$ kdx get configmaps -n demo --context admin,b\033[0m\n'
"$KDX" get configmaps -n demo --context admin,b --request-timeout 5s
rc=$?
echo "(exit $rc, as expected)"
[ $rc -eq 1 ] || failures=$((failures + 1))
export KUBECONFIG=$KUBECONFIG_A
