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
run export -n demo

say "Watching several kinds at once while objects change"
run watch gadgets,configmaps -n demo --watch-only --timeout 3s
