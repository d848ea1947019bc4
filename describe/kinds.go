package describe

import (
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// kindSummary is what kubectl's own describers put first for the kinds
// users read most, computed from the object alone: a Pod's containers, a
// Deployment's replica counts, a Node's capacity and allocatable. The
// fields stay in the tree below; this is the part read at a glance.
func kindSummary(obj *unstructured.Unstructured, now time.Time) []Section {
	gvk := obj.GroupVersionKind()
	switch {
	case gvk.Group == "" && gvk.Kind == "Pod":
		return podSummary(obj.Object, now)
	case gvk.Group == "apps" && gvk.Kind == "Deployment":
		return deploymentSummary(obj.Object)
	case gvk.Group == "" && gvk.Kind == "Node":
		return nodeSummary(obj.Object)
	}
	return nil
}

// podSummary is the containers of a pod (init containers first) with
// their image, state, readiness, restarts and last termination.
func podSummary(pod map[string]any, now time.Time) []Section {
	statuses := map[string]map[string]any{}
	for _, key := range []string{"initContainerStatuses", "containerStatuses"} {
		list, _, _ := unstructured.NestedSlice(pod, "status", key)
		for _, s := range list {
			if m, ok := s.(map[string]any); ok {
				statuses[key[:4]+"/"+str(m, "name")] = m
			}
		}
	}
	var rows [][]string
	for _, key := range []string{"initContainers", "containers"} {
		list, _, _ := unstructured.NestedSlice(pod, "spec", key)
		for _, c := range list {
			m, _ := c.(map[string]any)
			if m == nil {
				continue
			}
			st := statuses[key[:4]+"/"+str(m, "name")]
			name := str(m, "name")
			if key == "initContainers" {
				name += " (init)"
			}
			rows = append(rows, append([]string{name, str(m, "image")}, containerState(st, now)...))
		}
	}
	node, _, _ := unstructured.NestedString(pod, "spec", "nodeName")
	phase, _, _ := unstructured.NestedString(pod, "status", "phase")
	return []Section{
		{Title: "Pod", Lines: []string{"Node:    " + orNone(node), "Status:  " + orNone(phase)}},
		{Title: "Containers", Lines: table([]string{"Name", "Image", "State", "Ready", "Restarts", "Last Termination"}, rows)},
	}
}

// containerState is the state, ready, restarts and last termination of a
// container status (nil: not reported yet).
func containerState(st map[string]any, now time.Time) []string {
	if st == nil {
		return []string{"<not reported>", "false", "0", "<none>"}
	}
	state := "<unknown>"
	if s, ok := st["state"].(map[string]any); ok {
		for _, k := range []string{"running", "waiting", "terminated"} {
			if m, ok := s[k].(map[string]any); ok {
				state = title(k)
				if r := str(m, "reason"); r != "" {
					state += " (" + r + ")"
				}
				if t := firstTime(m, "startedAt"); k == "running" && !t.IsZero() {
					state += " for " + age(now, t)
				}
			}
		}
	}
	last := "<none>"
	if m, ok, _ := unstructured.NestedMap(st, "lastState", "terminated"); ok {
		last = fmt.Sprintf("%s (exit code %v)", orNone(str(m, "reason")), m["exitCode"])
		if t := firstTime(m, "finishedAt"); !t.IsZero() {
			last += ", " + age(now, t) + " ago"
		}
	}
	return []string{state, fmt.Sprint(st["ready"] == true), fmt.Sprint(int64Of(st["restartCount"])), last}
}

// deploymentSummary is kubectl's Replicas line and the rollout strategy.
func deploymentSummary(d map[string]any) []Section {
	n := func(path ...string) int64 { v, _, _ := unstructured.NestedFieldNoCopy(d, path...); return int64Of(v) }
	desired, ok, _ := unstructured.NestedFieldNoCopy(d, "spec", "replicas")
	want := int64(1)
	if ok {
		want = int64Of(desired)
	}
	strategy, _, _ := unstructured.NestedString(d, "spec", "strategy", "type")
	return []Section{{Title: "Deployment", Lines: []string{
		fmt.Sprintf("Replicas:  %d desired | %d updated | %d total | %d available | %d unavailable",
			want, n("status", "updatedReplicas"), n("status", "replicas"), n("status", "availableReplicas"), n("status", "unavailableReplicas")),
		"Strategy:  " + orNone(strategy),
	}}}
}

// nodeSummary is a node's capacity and allocatable, side by side.
func nodeSummary(node map[string]any) []Section {
	capacity, _, _ := unstructured.NestedStringMap(node, "status", "capacity")
	allocatable, _, _ := unstructured.NestedStringMap(node, "status", "allocatable")
	var rows [][]string
	for _, k := range sortedKeys(capacity) {
		rows = append(rows, []string{k, capacity[k], orNone(allocatable[k])})
	}
	if len(rows) == 0 {
		return []Section{{Title: "Resources"}}
	}
	return []Section{{Title: "Resources", Lines: table([]string{"Resource", "Capacity", "Allocatable"}, rows)}}
}

// joinNonEmpty joins the non-empty strings with sep.
func joinNonEmpty(sep string, ss ...string) string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, sep)
}
