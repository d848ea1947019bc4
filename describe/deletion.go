package describe

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Deletion is why an object with a deletionTimestamp is still there.
type Deletion struct {
	// Since is the deletionTimestamp.
	Since time.Time
	// Finalizers are metadata.finalizers, and for a namespace also
	// spec.finalizers, each with who likely removes it.
	Finalizers []Finalizer
	// Namespace is set for a Terminating namespace.
	Namespace *Terminating

	groups []string // the served API groups, to name finalizers' owners
}

// Finalizer is one finalizer and who is expected to remove it.
type Finalizer struct {
	Name, Owner string
}

// Terminating is what holds a namespace in Terminating.
type Terminating struct {
	// Conditions are the namespace's deletion conditions that are True.
	Conditions []Condition
	// APIServices are the unavailable APIServices: discovery of their
	// group fails, so the namespace controller cannot delete its content.
	APIServices []APIService
	// Remaining are the objects still in the namespace, by type.
	Remaining []Remaining
	// Unread names the types that could not be listed ("" when all were).
	Unread string
}

// APIService is an unavailable APIService.
type APIService struct {
	Name, Service, Reason, Message string
}

// Remaining are the objects of one type still in a namespace.
type Remaining struct {
	// Type is "plural.group".
	Type string
	// Objects are the names of the objects, each with its finalizers.
	Objects []RemainingObject
}

// RemainingObject is an object left in a namespace.
type RemainingObject struct {
	Name       string
	Finalizers []string
	Deleting   bool
}

// NewDeletion is the deletion state of obj, nil when it is not being
// deleted; groups are the API groups the server serves, to name the
// controller of a finalizer's domain.
func NewDeletion(obj *unstructured.Unstructured, groups []string) *Deletion {
	del := obj.GetDeletionTimestamp()
	if del == nil {
		return nil
	}
	d := &Deletion{Since: del.Time, groups: groups}
	for _, f := range obj.GetFinalizers() {
		d.Finalizers = append(d.Finalizers, Finalizer{Name: f, Owner: FinalizerOwner(f, groups)})
	}
	if isNamespace(obj) {
		fs, _, _ := unstructured.NestedStringSlice(obj.Object, "spec", "finalizers")
		for _, f := range fs {
			d.Finalizers = append(d.Finalizers, Finalizer{Name: f + " (spec)", Owner: FinalizerOwner(f, groups)})
		}
		d.Namespace = &Terminating{}
		for _, c := range Conditions(obj.Object) {
			if _, ok := namespaceConditions[c.Type]; ok && c.Status == "True" {
				d.Namespace.Conditions = append(d.Namespace.Conditions, c)
			}
		}
	}
	return d
}

func isNamespace(obj *unstructured.Unstructured) bool {
	gvk := obj.GroupVersionKind()
	return gvk.Group == "" && gvk.Kind == "Namespace"
}

// knownFinalizers are the finalizers of Kubernetes itself and who removes them.
var knownFinalizers = map[string]string{
	"kubernetes":                                  "the namespace controller of kube-controller-manager, once the namespace is empty",
	"kubernetes.io/pvc-protection":                "kube-controller-manager (pvc-protection), once no Pod uses the claim",
	"kubernetes.io/pv-protection":                 "kube-controller-manager (pv-protection), once no claim is bound to the volume",
	"foregroundDeletion":                          "the garbage collector of kube-controller-manager, once the dependents with blockOwnerDeletion are gone",
	"orphan":                                      "the garbage collector of kube-controller-manager, once the dependents are orphaned",
	"batch.kubernetes.io/job-tracking":            "the job controller of kube-controller-manager",
	"customresourcecleanup.apiextensions.k8s.io":  "kube-apiserver (apiextensions), once the custom objects are deleted",
	"service.kubernetes.io/load-balancer-cleanup": "the service controller of the cloud-controller-manager, once the load balancer is deleted",
	"external-attacher/csi":                       "the CSI external-attacher",
	"kubernetes.io/legacy-token-cleanup":          "kube-controller-manager",
}

// FinalizerOwner names who likely removes finalizer f: Kubernetes' own
// finalizers by name, others by the domain they start with (its API group
// when the server serves one under that domain).
func FinalizerOwner(f string, groups []string) string {
	if owner, ok := knownFinalizers[f]; ok {
		return owner
	}
	domain, _, found := strings.Cut(f, "/")
	if !found {
		return "unknown (the finalizer names no domain)"
	}
	if strings.HasSuffix(domain, "kubernetes.io") || strings.HasSuffix(domain, ".k8s.io") {
		return "a Kubernetes component (" + domain + ")"
	}
	var served []string
	for _, g := range groups {
		if g == domain || strings.HasSuffix(g, "."+domain) || strings.HasSuffix(domain, "."+g) {
			served = append(served, g)
		}
	}
	if len(served) > 0 {
		sort.Strings(served)
		return "the controller of " + strings.Join(served, ", ")
	}
	return "the controller of " + domain + " (no API group of that domain is served)"
}

// namespaceConditions explain the namespace controller's conditions.
var namespaceConditions = map[string]string{
	"NamespaceDeletionDiscoveryFailure":           "the namespace controller could not discover every API group, so it cannot know what is left: an unavailable APIService is the usual cause",
	"NamespaceDeletionGroupVersionParsingFailure": "the namespace controller could not parse a group/version that discovery returned",
	"NamespaceDeletionContentFailure":             "the namespace controller failed to delete some of the content",
	"NamespaceContentRemaining":                   "objects are still in the namespace, waiting to be deleted",
	"NamespaceFinalizersRemaining":                "objects in the namespace have finalizers that their controllers have not removed",
}

// write writes the "Deletion" section: how long it has waited, the
// finalizers with their owners, a namespace's causes, and the advice.
func (d *Deletion) write(b *strings.Builder, now time.Time) {
	b.WriteString("Deletion:\n")
	fmt.Fprintf(b, "  Requested:  %s (waiting %s)\n", d.Since.UTC().Format(time.RFC3339), age(now, d.Since))
	if len(d.Finalizers) > 0 {
		rows := make([][]string, len(d.Finalizers))
		for i, f := range d.Finalizers {
			rows[i] = []string{f.Name, f.Owner}
		}
		b.WriteString("  Finalizers:\n")
		for _, l := range table([]string{"Finalizer", "Removed by"}, rows) {
			b.WriteString("    " + l + "\n")
		}
	}
	if d.Namespace != nil {
		d.Namespace.write(b)
	}
	b.WriteString("  Advice:\n")
	for _, a := range d.advice() {
		b.WriteString("    " + a + "\n")
	}
}

func (t *Terminating) write(b *strings.Builder) {
	for _, c := range t.Conditions {
		fmt.Fprintf(b, "  %s: %s\n", c.Type, namespaceConditions[c.Type])
		if c.Message != "" {
			fmt.Fprintf(b, "    (%s)\n", strings.ReplaceAll(c.Message, "\n", " "))
		}
	}
	if len(t.APIServices) > 0 {
		b.WriteString("  Unavailable APIServices (their groups cannot be discovered, which blocks every namespace's deletion):\n")
		for _, a := range t.APIServices {
			fmt.Fprintf(b, "    %s (service %s): %s: %s\n", a.Name, orNone(a.Service), orNone(a.Reason), a.Message)
		}
	}
	if len(t.Remaining) > 0 {
		b.WriteString("  Objects still in the namespace:\n")
		for _, r := range t.Remaining {
			fmt.Fprintf(b, "    %s (%d):\n", r.Type, len(r.Objects))
			for _, o := range r.Objects {
				line := "      " + o.Name
				if o.Deleting {
					line += "  deleting"
				}
				if len(o.Finalizers) > 0 {
					line += "  finalizers: " + finalizersText(o.Finalizers)
				}
				b.WriteString(line + "\n")
			}
		}
	} else if t.Unread == "" {
		b.WriteString("  Objects still in the namespace:  <none>\n")
	}
	if t.Unread != "" {
		fmt.Fprintf(b, "  Could not list: %s\n", t.Unread)
	}
}

// advice says what to fix, most likely cause first. It never suggests
// removing a finalizer whose controller may still run without saying so.
func (d *Deletion) advice() []string {
	var out []string
	if t := d.Namespace; t != nil {
		for _, a := range t.APIServices {
			out = append(out, fmt.Sprintf("Repair the service of APIService %s, or delete the APIService if that API is no longer used (kubectl delete apiservice %s).", a.Name, a.Name))
		}
		held := map[string]bool{}
		for _, r := range t.Remaining {
			for _, o := range r.Objects {
				for _, f := range o.Finalizers {
					held[f] = true
				}
			}
		}
		for _, f := range sortedKeys(held) {
			out = append(out, fmt.Sprintf("Objects wait for finalizer %s, removed by %s: check that it runs; only if it is gone for good, remove the finalizer from those objects.", f, FinalizerOwner(f, d.groups)))
		}
	}
	for _, f := range d.Finalizers {
		if f.Name == "kubernetes (spec)" {
			continue
		}
		if _, own := knownFinalizers[f.Name]; own {
			out = append(out, fmt.Sprintf("Finalizer %s is Kubernetes' own, removed by %s: fix what it waits for rather than the finalizer.", f.Name, f.Owner))
			continue
		}
		out = append(out, fmt.Sprintf("Finalizer %s is removed by %s: check that it runs; only if it is gone for good, remove the finalizer.", f.Name, f.Owner))
	}
	if len(out) == 0 {
		out = append(out, "Nothing found that holds it: it should go shortly (the controllers may be catching up).")
	}
	out = append(out, "Nothing was removed: describe only reads.")
	return out
}
