package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kdxproject/kdx/internal/testenv"
)

// minimalCRD is a CRD of kind Thing (plural things, namespaced, any
// fields) in group.
func minimalCRD(group string) string {
	return fmt.Sprintf(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: things.%[1]s}
spec:
  group: %[1]s
  scope: Namespaced
  names: {plural: things, singular: thing, kind: Thing}
  versions:
  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
`, group)
}

// TestE2EDescribeFinalizerOwners: with groups served under a finalizer's
// domain (g0.D, g1.D) but not D itself, describe says that kdx does not
// know the finalizer's controller, with its domain, and names none of those
// groups; a finalizer whose domain is exactly a served group names it. The
// same for a namespace's own finalizer (issue 26.7).
func TestE2EDescribeFinalizerOwners(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := env.Namespace(t)
	domain := ns + ".kdx.example.com"
	owner := ns + ".owner.example.com"
	for _, g := range []string{"g0." + domain, "g1." + domain, owner} {
		env.Apply(t, minimalCRD(g))
		deleteCRDAtEnd(t, env, "things."+g)
	}
	env.Apply(t, fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata: {name: held, namespace: %s, finalizers: [example.com/x, %s/y, %s/z]}
`, ns, domain, owner))
	release := func(what string) {
		if p := env.RunKubectl(t, "patch", what, "-n", ns, "--type=merge", "-p", `{"metadata":{"finalizers":null}}`); p.ExitCode != 0 {
			t.Errorf("kubectl patch %s: %s", what, p.Stderr)
		}
	}
	if r := env.RunKubectl(t, "delete", "configmap", "held", "-n", ns, "--wait=false"); r.ExitCode != 0 {
		t.Fatalf("kubectl delete: %s", r.Stderr)
	}
	r := describeUntil(t, env, time.Minute, []string{"configmap", "held", "-n", ns, "--show-events=false"}, "Deletion:")
	release("configmap/held")
	for _, line := range []string{`example\.com/x +unknown to kdx \(domain example\.com, not a served API group\)`,
		regexp.QuoteMeta(domain) + `/y +unknown to kdx \(domain ` + regexp.QuoteMeta(domain) + `, not a served API group\)`,
		regexp.QuoteMeta(owner) + `/z +the controller of API group ` + regexp.QuoteMeta(owner)} {
		if !regexp.MustCompile(`(?m)^    ` + line + `$`).MatchString(r.Stdout) {
			t.Errorf("describe: no line %s in:\n%s", line, r.Stdout)
		}
	}
	wantContains(t, "describe a ConfigMap held by finalizers", r.Stdout,
		"Finalizer example.com/x: its controller is unknown to kdx (domain example.com, not a served API group): find what added it",
		"Finalizer "+owner+"/z is removed by the controller of API group "+owner+": check that it runs")
	if strings.Contains(r.Stdout, "g0.") || strings.Contains(r.Stdout, "g1.") {
		t.Errorf("describe names a group under the finalizer's domain as its controller:\n%s", r.Stdout)
	}

	// A namespace with a finalizer of its own.
	gone := env.Namespace(t)
	if p := env.RunKubectl(t, "patch", "namespace", gone, "--type=merge", "-p", `{"metadata":{"finalizers":["example.com/never"]}}`); p.ExitCode != 0 {
		t.Fatalf("kubectl patch namespace: %s", p.Stderr)
	}
	if d := env.RunKubectl(t, "delete", "namespace", gone, "--wait=false"); d.ExitCode != 0 {
		t.Fatalf("kubectl delete namespace: %s", d.Stderr)
	}
	nsOut := describeUntil(t, env, time.Minute, []string{"namespace", gone, "--show-events=false"}, "Deletion:")
	if p := env.RunKubectl(t, "patch", "namespace", gone, "--type=merge", "-p", `{"metadata":{"finalizers":null}}`); p.ExitCode != 0 {
		t.Errorf("kubectl patch namespace: %s", p.Stderr)
	}
	wantContains(t, "describe a namespace held by its finalizer", nsOut.Stdout,
		"    example.com/never  unknown to kdx (domain example.com, not a served API group)\n",
		"Finalizer example.com/never: its controller is unknown to kdx (domain example.com, not a served API group)")
	if strings.Contains(nsOut.Stdout, "the controller of ") && !strings.Contains(nsOut.Stdout, "the namespace controller of ") {
		t.Errorf("describe names a controller for example.com/never:\n%s", nsOut.Stdout)
	}
	waitGone(t, env, "namespace/"+gone)
}

// eventsSection is the text from "Events:" to the end, each line without
// its trailing blanks (kubectl pads a last empty cell; kdx trims).
func eventsSection(out string) string {
	i := strings.LastIndex(out, "\nEvents:")
	if i < 0 {
		return ""
	}
	lines := strings.Split(strings.TrimRight(out[i+1:], "\n"), "\n")
	for j, l := range lines {
		lines[j] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// TestE2EDescribeEventsAsKubectl: events recorded through core/v1 (a
// source component, no reporting controller: read back through
// events.k8s.io as deprecatedSource), with a field path, repeated, and one
// recorded through events.k8s.io, print as kubectl describe prints them,
// From column, underline, escapes and all; a ConfigMap's binaryData is
// byte counts, as kubectl shows them (issues 26.8, 26.13, 27.9).
func TestE2EDescribeEventsAsKubectl(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	objs := env.Apply(t, fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata: {name: evented, namespace: %s}
data: {k: v}
binaryData: {blob: AAEC/w==}
`, ns))
	uid := objs[0].GetUID()
	env.Apply(t, fmt.Sprintf(`apiVersion: events.k8s.io/v1
kind: Event
metadata: {name: evented.new, namespace: %[1]s}
eventTime: "2021-03-01T10:00:00.000000Z"
type: Normal
reason: Created
note: recorded through events.k8s.io
action: Create
reportingController: new-controller
reportingInstance: new-1
regarding: {apiVersion: v1, kind: ConfigMap, name: evented, namespace: %[1]s, uid: %[2]s}
---
apiVersion: v1
kind: Event
metadata: {name: evented.legacy, namespace: %[1]s}
type: Normal
reason: Synced
message: "  synced it  "
source: {component: legacy-controller, host: node-1}
count: 3
firstTimestamp: "2021-03-01T11:00:00Z"
lastTimestamp: "2021-03-02T11:00:00Z"
involvedObject: {apiVersion: v1, kind: ConfigMap, name: evented, namespace: %[1]s, uid: %[2]s, fieldPath: "data{k}"}
---
apiVersion: v1
kind: Event
metadata: {name: evented.escaped, namespace: %[1]s}
type: Warning
reason: "\e[31mRed"
message: "turns \e]0;title\e\\ the\rtitle"
source: {component: "x\e[2Jy"}
firstTimestamp: "2021-03-03T11:00:00Z"
lastTimestamp: "2021-03-03T11:00:00Z"
count: 1
involvedObject: {apiVersion: v1, kind: ConfigMap, name: evented, namespace: %[1]s, uid: %[2]s}
`, ns, uid))
	kdx := env.Kdx(t, "describe", "configmap", "evented", "-n", ns)
	kubectl := env.RunKubectl(t, "describe", "configmap", "evented", "-n", ns)
	if kdx.ExitCode != 0 || kubectl.ExitCode != 0 {
		t.Fatalf("exit %d (kubectl %d): %s%s", kdx.ExitCode, kubectl.ExitCode, kdx.Stderr, kubectl.Stderr)
	}
	got, want := eventsSection(kdx.Stdout), eventsSection(kubectl.Stdout)
	if got != want || !strings.Contains(want, "legacy-controller") {
		t.Errorf("events differ from kubectl's\nkdx:\n%s\nkubectl:\n%s", got, want)
	}
	wantContains(t, "describe events", got, "legacy-controller  data{k}: synced it", "^[[31mRed", `the\rtitle`)
	if lines := strings.Split(got, "\n"); len(lines) < 3 || strings.Join(strings.Fields(lines[2]), " ") != "---- ------ ---- ---- -------" {
		t.Errorf("events: the rule is not kubectl's:\n%s", got)
	}
	wantContains(t, "kubectl's binaryData", kubectl.Stdout, "BinaryData\n====\nblob: 4 bytes\n")
	wantContains(t, "kdx's binaryData", kdx.Stdout, "BinaryData:\n  blob:  4 bytes\n")
	if strings.Contains(kdx.Stdout, "AAEC") {
		t.Errorf("binaryData printed as base64:\n%s", kdx.Stdout)
	}
}

// TestE2EDescribeTerminatingCRD: a CRD whose object has a finalizer no
// controller removes stays Terminating; describe says so and names the
// object and its finalizer; once it is removed, the CRD goes (issue 26.8).
func TestE2EDescribeTerminatingCRD(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := env.Namespace(t)
	group := ns + ".crd.example.com"
	crd := "things." + group
	env.Apply(t, minimalCRD(group))
	deleteCRDAtEnd(t, env, crd)
	env.Apply(t, fmt.Sprintf(`apiVersion: %s/v1
kind: Thing
metadata: {name: held, namespace: %s, finalizers: [example.com/never]}
---
apiVersion: %[1]s/v1
kind: Thing
metadata: {name: free, namespace: %[2]s}
`, group, ns))
	if r := env.RunKubectl(t, "delete", "crd", crd, "--wait=false"); r.ExitCode != 0 {
		t.Fatalf("kubectl delete crd: %s", r.Stderr)
	}
	r := describeUntil(t, env, 2*time.Minute, []string{"crd", crd}, "  Terminating: kube-apiserver deletes every object of the type",
		"  Objects of the type still there:\n    "+crd+" (1):\n      "+ns+"/held  deleting  finalizers: [example.com/never]\n")
	wantContains(t, "describe a Terminating CRD", r.Stdout,
		"customresourcecleanup.apiextensions.k8s.io  kube-apiserver (apiextensions), once the custom objects are deleted",
		"Objects wait for finalizer example.com/never, whose controller is unknown to kdx (domain example.com, not a served API group)")
	if r.ExitCode != 0 {
		t.Errorf("exit %d: %s", r.ExitCode, r.Stderr)
	}
	if p := env.RunKubectl(t, "patch", "things."+group, "held", "-n", ns, "--type=merge", "-p", `{"metadata":{"finalizers":null}}`); p.ExitCode != 0 {
		t.Fatalf("kubectl patch: %s", p.Stderr)
	}
	waitGone(t, env, "crd/"+crd)
}
