package export

import (
	"strings"
)

var kindPod = gk("", "Pod")

// serviceAccountVolumePrefix starts the name of the projected volume that
// the ServiceAccount admission plugin adds to every Pod that mounts a token.
const serviceAccountVolumePrefix = "kube-api-access-"

// podRules remove what admission plugins and the scheduler write into a Pod
// that was created bare (not from a controller's template, whose Pods are
// skipped as owned). Defaults that the target cluster writes the same
// (enableServiceLinks: true, dnsPolicy, restartPolicy, schedulerName,
// terminationGracePeriodSeconds, ...) stay: they re-apply unchanged and
// say what the Pod does.
func podRules() []Rule {
	pod := kinds(kindPod)
	const tokenWhy = "added by the ServiceAccount admission plugin under a generated name; the target cluster adds its own when the Pod is created"
	rules := []Rule{
		{ID: "pod-token-volume", Kinds: pod, Path: Path{"spec", "volumes", "*"}, When: tokenVolume, Why: tokenWhy},
		{ID: "pod-default-tolerations", Kinds: pod, Path: Path{"spec", "tolerations", "*"}, When: defaultToleration,
			Why: "added by the DefaultTolerationSeconds admission plugin; the target cluster adds them with its own default"},
		{ID: "pod-priority", Kinds: pod, Path: Path{"spec", "priority"},
			Why: "computed by the Priority admission plugin from `priorityClassName`; the target cluster refuses a Pod whose value differs from its class"},
		{ID: "pod-node-name", Kinds: pod, Path: Path{"spec", "nodeName"}, When: scheduled,
			Why: "a node of the source cluster chosen by the scheduler; applied elsewhere the Pod would wait for a node that does not exist"},
	}
	for _, c := range []struct{ id, field string }{
		{"pod-token-mount-init", "initContainers"}, {"pod-token-mount", "containers"}, {"pod-token-mount-ephemeral", "ephemeralContainers"},
	} {
		rules = append(rules, Rule{ID: c.id, Kinds: pod, Path: Path{"spec", c.field, "*", "volumeMounts", "*"}, When: tokenMount,
			Why: "the mount of the token volume, " + tokenWhy})
	}
	return rules
}

var tokenVolume = Condition{Doc: "the element named `" + serviceAccountVolumePrefix + "*` that is a projected volume",
	Value: func(v any) bool {
		m, ok := v.(map[string]any)
		name, _ := m["name"].(string)
		_, projected := m["projected"]
		return ok && strings.HasPrefix(name, serviceAccountVolumePrefix) && projected
	}}

var tokenMount = Condition{Doc: "the element named `" + serviceAccountVolumePrefix + "*`",
	Value: func(v any) bool {
		m, ok := v.(map[string]any)
		name, _ := m["name"].(string)
		return ok && strings.HasPrefix(name, serviceAccountVolumePrefix)
	}}

// defaultToleration matches the two tolerations DefaultTolerationSeconds adds.
var defaultToleration = Condition{Doc: "the elements `node.kubernetes.io/not-ready` and `unreachable`, `Exists`, `NoExecute`, `tolerationSeconds: 300`",
	Value: func(v any) bool {
		m, ok := v.(map[string]any)
		if !ok || len(m) != 4 || m["operator"] != "Exists" || m["effect"] != "NoExecute" {
			return false
		}
		switch s := m["tolerationSeconds"].(type) {
		case int64:
			ok = s == 300
		case float64:
			ok = s == 300
		default:
			ok = false
		}
		return ok && (m["key"] == "node.kubernetes.io/not-ready" || m["key"] == "node.kubernetes.io/unreachable")
	}}

// scheduled holds when no field manager owns spec.nodeName: the scheduler
// binds a Pod through pods/binding, which records no manager, whereas a
// nodeName the user wrote is owned by the manager that wrote it. Without
// managedFields nothing can be told, and the field stays.
var scheduled = Condition{Doc: "when `managedFields` show that no field manager owns it (the scheduler's binding set it, not the user)",
	Object: func(obj map[string]any) bool {
		entries, _ := lookup(obj, "metadata", "managedFields")
		list, _ := entries.([]any)
		if len(list) == 0 {
			return false // without managedFields, who set it cannot be told
		}
		for _, e := range list {
			m, _ := e.(map[string]any)
			fields, _ := m["fieldsV1"].(map[string]any)
			if _, owned := lookup(fields, "f:spec", "f:nodeName"); owned {
				return false
			}
		}
		return true
	}}
