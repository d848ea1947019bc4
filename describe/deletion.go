package describe

import (
	"fmt"
	"slices"
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
	// Content is what a namespace or a CustomResourceDefinition waits
	// for: the objects still in it, or still of its type. Nil for other
	// objects.
	Content *Content

	groups []string // the served API groups, to name finalizers' owners
}

// Finalizer is one finalizer and who is expected to remove it.
type Finalizer struct {
	Name, Owner string
	// Known says that kdx knows who removes it; else Owner says why not.
	Known bool
}

// Content is what holds a namespace in Terminating, or a
// CustomResourceDefinition being deleted: its objects must go first.
type Content struct {
	// OfType is set for a CustomResourceDefinition: the objects are those
	// of its type, in every namespace; else those in the namespace.
	OfType bool
	// Conditions are the deletion conditions that are True: a namespace's
	// (NamespaceContentRemaining...), a CRD's Terminating.
	Conditions []Condition
	// APIServices are the unavailable APIServices: discovery of their
	// group fails, so the namespace controller cannot delete its content.
	APIServices []APIService
	// Remaining are the objects still there, by type.
	Remaining []Remaining
	// Unread names the types that could not be listed ("" when all were).
	Unread string
}

// APIService is an unavailable APIService.
type APIService struct {
	Name, Service, Reason, Message string
}

// Remaining are the objects of one type still there.
type Remaining struct {
	// Type is "plural.group".
	Type string
	// Objects are the names of the objects (namespace/name for a CRD's
	// namespaced objects), each with its finalizers.
	Objects []RemainingObject
}

// RemainingObject is an object left.
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
	add := func(f, name string) {
		owner, known := FinalizerOwner(f, groups)
		d.Finalizers = append(d.Finalizers, Finalizer{Name: name, Owner: owner, Known: known})
	}
	for _, f := range obj.GetFinalizers() {
		add(f, f)
	}
	switch {
	case isNamespace(obj):
		fs, _, _ := unstructured.NestedStringSlice(obj.Object, "spec", "finalizers")
		for _, f := range fs {
			add(f, f+" (spec)")
		}
		d.Content = &Content{}
	case isCRD(obj):
		d.Content = &Content{OfType: true}
	default:
		return d
	}
	for _, c := range Conditions(obj.Object) {
		if _, ok := deletionConditions[c.Type]; ok && c.Status == "True" {
			d.Content.Conditions = append(d.Content.Conditions, c)
		}
	}
	return d
}

func isNamespace(obj *unstructured.Unstructured) bool {
	gvk := obj.GroupVersionKind()
	return gvk.Group == "" && gvk.Kind == "Namespace"
}

func isCRD(obj *unstructured.Unstructured) bool {
	gvk := obj.GroupVersionKind()
	return gvk.Group == "apiextensions.k8s.io" && gvk.Kind == "CustomResourceDefinition"
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

// FinalizerOwner names who removes finalizer f, and says whether kdx knows
// it: Kubernetes' own finalizers by name, a domain of Kubernetes
// (kubernetes.io, k8s.io) as a Kubernetes component, and a domain that is
// exactly a served API group as that group's controller. Any other
// finalizer's owner is unknown: the text says its domain, never a guess.
func FinalizerOwner(f string, groups []string) (owner string, known bool) {
	if owner, ok := knownFinalizers[f]; ok {
		return owner, true
	}
	domain, _, found := strings.Cut(f, "/")
	if !found {
		return "unknown to kdx (the finalizer names no domain)", false
	}
	if slices.Contains(groups, domain) {
		return "the controller of API group " + domain, true
	}
	if domain == "kubernetes.io" || domain == "k8s.io" || strings.HasSuffix(domain, ".kubernetes.io") || strings.HasSuffix(domain, ".k8s.io") {
		return "a Kubernetes component (" + domain + ")", true
	}
	return "unknown to kdx (domain " + domain + ", not a served API group)", false
}

// deletionConditions explain the conditions of a namespace's deletion
// (the namespace controller's) and of a CRD's (the apiextensions
// finalizer's Terminating).
var deletionConditions = map[string]string{
	"NamespaceDeletionDiscoveryFailure":           "the namespace controller could not discover every API group, so it cannot know what is left: an unavailable APIService is the usual cause",
	"NamespaceDeletionGroupVersionParsingFailure": "the namespace controller could not parse a group/version that discovery returned",
	"NamespaceDeletionContentFailure":             "the namespace controller failed to delete some of the content",
	"NamespaceContentRemaining":                   "objects are still in the namespace, waiting to be deleted",
	"NamespaceFinalizersRemaining":                "objects in the namespace have finalizers that their controllers have not removed",
	"Terminating":                                 "kube-apiserver deletes every object of the type, then removes its finalizer; objects with finalizers wait for their controllers",
}

// write writes the "Deletion" section: how long it has waited, the
// finalizers with their owners, a namespace's or a CRD's causes, and the
// advice.
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
	if d.Content != nil {
		d.Content.write(b)
	}
	b.WriteString("  Advice:\n")
	for _, a := range d.advice() {
		b.WriteString("    " + a + "\n")
	}
}

// maxRemaining is how many objects of one type are named; the others are
// counted ("and N more"). Objects with finalizers are named first.
const maxRemaining = 20

func (t *Content) write(b *strings.Builder) {
	for _, c := range t.Conditions {
		fmt.Fprintf(b, "  %s: %s\n", c.Type, deletionConditions[c.Type])
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
	title := "Objects still in the namespace"
	if t.OfType {
		title = "Objects of the type still there"
	}
	if len(t.Remaining) > 0 {
		b.WriteString("  " + title + ":\n")
		for _, r := range t.Remaining {
			fmt.Fprintf(b, "    %s (%d):\n", r.Type, len(r.Objects))
			objs := slices.Clone(r.Objects)
			slices.SortStableFunc(objs, func(x, y RemainingObject) int {
				return min(len(y.Finalizers), 1) - min(len(x.Finalizers), 1)
			})
			for i, o := range objs {
				if i == maxRemaining {
					fmt.Fprintf(b, "      and %d more\n", len(objs)-i)
					break
				}
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
		b.WriteString("  " + title + ":  <none>\n")
	}
	if t.Unread != "" {
		fmt.Fprintf(b, "  Could not list: %s\n", t.Unread)
	}
}

// advice says what to fix, most likely cause first. It never suggests
// removing a finalizer whose controller may still run without saying so,
// and never guesses a controller kdx does not know.
func (d *Deletion) advice() []string {
	var out []string
	if t := d.Content; t != nil {
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
			if owner, known := FinalizerOwner(f, d.groups); known {
				out = append(out, fmt.Sprintf("Objects wait for finalizer %s, removed by %s: check that it runs; only if it is gone for good, remove the finalizer from those objects.", f, owner))
			} else {
				out = append(out, fmt.Sprintf("Objects wait for finalizer %s, whose controller is %s: find what added it and check that it runs; only if it is gone for good, remove the finalizer from those objects.", f, owner))
			}
		}
	}
	for _, f := range d.Finalizers {
		switch _, own := knownFinalizers[f.Name]; {
		case f.Name == "kubernetes (spec)":
		case own:
			out = append(out, fmt.Sprintf("Finalizer %s is Kubernetes' own, removed by %s: fix what it waits for rather than the finalizer.", f.Name, f.Owner))
		case f.Known:
			out = append(out, fmt.Sprintf("Finalizer %s is removed by %s: check that it runs; only if it is gone for good, remove the finalizer.", f.Name, f.Owner))
		default:
			out = append(out, fmt.Sprintf("Finalizer %s: its controller is %s: find what added it and check that it runs; only if it is gone for good, remove the finalizer.", f.Name, f.Owner))
		}
	}
	if len(out) == 0 {
		out = append(out, "Nothing found that holds it: it should go shortly (the controllers may be catching up).")
	}
	out = append(out, "Nothing was removed: describe only reads.")
	return out
}
