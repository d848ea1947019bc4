package export

import (
	"slices"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Rule removes one field that the server or a controller wrote, so that the
// object re-applies to another cluster as its author wrote it.
type Rule struct {
	// ID names the rule in tests and documentation.
	ID string
	// Kinds are the kinds the rule applies to; empty means every kind.
	Kinds []schema.GroupKind
	// Path is the field to remove.
	Path Path
	// When restricts the removal; the zero Condition always holds.
	When Condition
	// Why says why the field goes, for the rules table.
	Why string
	// KeptBy names the flag that keeps the field, if any.
	KeptBy string
}

// Condition restricts a Rule to some objects or some values of its field.
type Condition struct {
	// Doc says when the condition holds, for the rules table.
	Doc string
	// Object, when set, must hold for the object before any cleaning.
	Object func(obj map[string]any) bool
	// Value, when set, must hold for the field's value.
	Value func(v any) bool
}

// Flags that keep what a rule would remove.
const (
	FlagKeepStatus    = "--keep-status"
	FlagIncludeOwned  = "--include-owned"
	FlagIncludeSystem = "--include-system"
	// FlagIncludeDeleting keeps, in an export tree (--dir), the objects
	// being deleted.
	FlagIncludeDeleting = "--include-deleting"
)

// LastAppliedAnnotation is the annotation kubectl's client-side apply keeps
// its last configuration in (k8s.io/api/core/v1 has it too, but importing
// that package registers every built-in type).
const LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

// Well-known label keys the rules use.
const boundByController = "pv.kubernetes.io/bound-by-controller"

func gk(group, kind string) schema.GroupKind { return schema.GroupKind{Group: group, Kind: kind} }

func kinds(gks ...schema.GroupKind) []schema.GroupKind { return gks }

var (
	kindService   = gk("", "Service")
	kindPVC       = gk("", "PersistentVolumeClaim")
	kindPV        = gk("", "PersistentVolume")
	kindNamespace = gk("", "Namespace")
	kindJob       = gk("batch", "Job")
)

// DefaultRules are the cleaning rules of kdx export, applied in order.
func DefaultRules() []Rule {
	rules := []Rule{
		{ID: "status", Path: Path{"status"}, KeptBy: FlagKeepStatus,
			Why: "observed state that controllers write; the target cluster computes its own"},
		{ID: "uid", Path: Path{"metadata", "uid"},
			Why: "identity of the object in the source cluster; the server assigns a new one"},
		{ID: "resource-version", Path: Path{"metadata", "resourceVersion"},
			Why: "the source cluster's concurrency token; applied elsewhere it makes the write fail with a conflict"},
		{ID: "generation", Path: Path{"metadata", "generation"},
			Why: "a counter of spec changes the server keeps"},
		{ID: "creation-timestamp", Path: Path{"metadata", "creationTimestamp"},
			Why: "set by the server when the object is created"},
		{ID: "deletion-timestamp", Path: Path{"metadata", "deletionTimestamp"},
			Why: "set by the server while the object is being deleted"},
		{ID: "deletion-grace-period", Path: Path{"metadata", "deletionGracePeriodSeconds"},
			Why: "set by the server while the object is being deleted"},
		{ID: "managed-fields", Path: Path{"metadata", "managedFields"},
			Why: "server-side apply's record of who set which field, rebuilt by the target server"},
		{ID: "self-link", Path: Path{"metadata", "selfLink"},
			Why: "a deprecated URL of the object in the source cluster"},
		{ID: "owner-references", Path: Path{"metadata", "ownerReferences"},
			Why: "they name owners by their uid in the source cluster: in another cluster the garbage collector would delete the object at once"},
		{ID: "last-applied", Path: Path{"metadata", "annotations", LastAppliedAnnotation},
			Why: "kubectl apply's copy of the previous apply; the next apply writes it again"},
		{ID: "template-creation-timestamp", Path: Path{"**", "metadata", "creationTimestamp"}, When: isNull,
			Why: "`creationTimestamp: null` that the server writes into embedded metadata such as pod templates"},
	}
	return slices.Concat(rules, builtinRules(), podRules(), controllerAnnotationRules())
}

// builtinRules remove what the server allocates in objects of built-in kinds.
func builtinRules() []Rule {
	return []Rule{
		{ID: "service-cluster-ip", Kinds: kinds(kindService), Path: Path{"spec", "clusterIP"}, When: notNone,
			Why: "allocated from the source cluster's service CIDR"},
		{ID: "service-cluster-ips", Kinds: kinds(kindService), Path: Path{"spec", "clusterIPs"}, When: notNone,
			Why: "allocated from the source cluster's service CIDR"},
		{ID: "pvc-volume-name", Kinds: kinds(kindPVC), Path: Path{"spec", "volumeName"}, When: boundDynamically,
			Why: "the volume the claim was bound to in the source cluster"},
		{ID: "pv-claim-ref-uid", Kinds: kinds(kindPV), Path: Path{"spec", "claimRef", "uid"},
			Why: "the uid of the bound claim in the source cluster"},
		{ID: "pv-claim-ref-resource-version", Kinds: kinds(kindPV), Path: Path{"spec", "claimRef", "resourceVersion"},
			Why: "the resourceVersion of the bound claim in the source cluster"},
		{ID: "job-selector", Kinds: kinds(kindJob), Path: Path{"spec", "selector"}, When: generatedSelector,
			Why: "generated by the server from the Job's uid"},
		{ID: "job-controller-uid-label", Kinds: kinds(kindJob), Path: Path{"spec", "template", "metadata", "labels", "controller-uid"},
			When: generatedSelector, Why: "the Job's uid in the source cluster, added by the server"},
		{ID: "job-batch-controller-uid-label", Kinds: kinds(kindJob), Path: Path{"spec", "template", "metadata", "labels", "batch.kubernetes.io/controller-uid"},
			When: generatedSelector, Why: "the Job's uid in the source cluster, added by the server"},
		{ID: "job-name-label", Kinds: kinds(kindJob), Path: Path{"spec", "template", "metadata", "labels", "job-name"},
			When: generatedSelector, Why: "added by the server from the Job's name"},
		{ID: "job-batch-name-label", Kinds: kinds(kindJob), Path: Path{"spec", "template", "metadata", "labels", "batch.kubernetes.io/job-name"},
			When: generatedSelector, Why: "added by the server from the Job's name"},
		{ID: "statefulset-claim-template-status", Kinds: kinds(gk("apps", "StatefulSet")), Path: Path{"spec", "volumeClaimTemplates", "*", "status"},
			Why: "a `status: {phase: Pending}` the server writes into each claim template"},
		{ID: "namespace-name-label", Kinds: kinds(kindNamespace), Path: Path{"metadata", "labels", "kubernetes.io/metadata.name"},
			Why: "the API server sets it to the name on every namespace"},
		{ID: "namespace-finalizer", Kinds: kinds(kindNamespace), Path: Path{"spec", "finalizers"}, When: onlyKubernetesFinalizer,
			Why: "the API server adds it to every namespace"},
	}
}

// controllerAnnotationRules remove annotations that controllers write.
func controllerAnnotationRules() []Rule {
	annotation := func(id string, kind schema.GroupKind, key, why string) Rule {
		return Rule{ID: id, Kinds: kinds(kind), Path: Path{"metadata", "annotations", key}, Why: why}
	}
	pvc := func(id, key, why string) Rule { return annotation(id, kindPVC, key, why) }
	return []Rule{
		annotation("deployment-revision", gk("apps", "Deployment"), "deployment.kubernetes.io/revision",
			"the deployment controller's count of rollouts"),
		annotation("daemonset-template-generation", gk("apps", "DaemonSet"), "deprecated.daemonset.template.generation",
			"the daemon set controller's count of template changes"),
		annotation("endpoints-trigger-time", gk("", "Endpoints"), "endpoints.kubernetes.io/last-change-trigger-time",
			"written by the endpoints controller"),
		pvc("pvc-bind-completed", "pv.kubernetes.io/bind-completed", "written by the volume controller when it binds the claim"),
		pvc("pvc-bound-by-controller", boundByController, "written by the volume controller when it binds the claim"),
		pvc("pvc-storage-provisioner", "volume.kubernetes.io/storage-provisioner", "written by the volume controller for dynamic provisioning"),
		pvc("pvc-beta-storage-provisioner", "volume.beta.kubernetes.io/storage-provisioner", "written by the volume controller for dynamic provisioning"),
		pvc("pvc-selected-node", "volume.kubernetes.io/selected-node", "written by the scheduler for a node of the source cluster"),
	}
}

var isNull = Condition{Doc: "when it is null", Value: func(v any) bool { return v == nil }}

var notNone = Condition{Doc: "unless it is `None` (a headless Service)", Value: func(v any) bool {
	switch v := v.(type) {
	case string:
		return v != "None"
	case []any:
		return !(len(v) == 1 && v[0] == "None")
	}
	return true
}}

var boundDynamically = Condition{Doc: "when the volume controller bound it (`" + boundByController + ": \"yes\"`)",
	Object: func(obj map[string]any) bool {
		v, _ := lookup(obj, "metadata", "annotations", boundByController)
		return v == "yes"
	}}

var generatedSelector = Condition{Doc: "unless `spec.manualSelector` is true", Object: func(obj map[string]any) bool {
	v, _ := lookup(obj, "spec", "manualSelector")
	return v != true
}}

var onlyKubernetesFinalizer = Condition{Doc: "when it is `[kubernetes]`", Value: func(v any) bool {
	l, ok := v.([]any)
	return ok && len(l) == 1 && l[0] == "kubernetes"
}}
