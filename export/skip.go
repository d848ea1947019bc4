package export

import (
	"path"
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// SkipRule leaves out whole objects: those a controller owns and those the
// cluster makes by itself. Every criterion that is set must hold.
type SkipRule struct {
	// ID names the rule in tests and documentation.
	ID string
	// Kinds are the kinds the rule applies to; empty means every kind.
	Kinds []schema.GroupKind
	// Namespace, when set, is the only namespace the rule applies to.
	Namespace string
	// Names are patterns (path.Match syntax) of which the name must match one.
	Names []string
	// Labels must all be on the object; "*" matches any value.
	Labels map[string]string
	// Annotations must all be on the object; "*" matches any value.
	Annotations map[string]string
	// Field, when set, must have the value Value.
	Field Path
	// Value is the value Field must have.
	Value string
	// Owned requires an ownerReference with controller: true.
	Owned bool
	// ReadOnly requires a kind the server cannot create.
	ReadOnly bool
	// Deleting requires an object being deleted (metadata.deletionTimestamp set).
	Deleting bool
	// Reason is the reason shown in the summary.
	Reason string
	// KeptBy names the flag that keeps the objects.
	KeptBy string
}

var (
	kindConfigMap      = gk("", "ConfigMap")
	kindSecret         = gk("", "Secret")
	kindServiceAccount = gk("", "ServiceAccount")
	kindEndpoints      = gk("", "Endpoints")
	kindEndpointSlice  = gk("discovery.k8s.io", "EndpointSlice")
)

// rbacKinds are the four kinds of RBAC objects.
var rbacKinds = kinds(gk("rbac.authorization.k8s.io", "ClusterRole"), gk("rbac.authorization.k8s.io", "ClusterRoleBinding"),
	gk("rbac.authorization.k8s.io", "Role"), gk("rbac.authorization.k8s.io", "RoleBinding"))

// DefaultSkipRules are the rules that leave objects out of an export, in
// the order they are tried: the first that matches gives the reason.
func DefaultSkipRules() []SkipRule {
	return slices.Concat(systemSkipRules(), bootstrapSkipRules(), []SkipRule{
		{ID: "owned", Owned: true, KeptBy: FlagIncludeOwned,
			Reason: "owned by a controller, which makes it again from its owner"},
		{ID: RuleBeingDeleted, Deleting: true, KeptBy: FlagIncludeDeleting,
			Reason: "being deleted: restoring the tree would make it again"},
	})
}

// RuleBeingDeleted is the ID of the rule that leaves out, of an export
// tree, the objects being deleted.
const RuleBeingDeleted = "being-deleted"

// systemSkipRules leave out what controllers make in every namespace.
func systemSkipRules() []SkipRule {
	sys := func(r SkipRule) SkipRule { r.KeptBy = FlagIncludeSystem; return r }
	return []SkipRule{
		sys(SkipRule{ID: "read-only-kind", ReadOnly: true, Reason: "a kind the server does not let clients create"}),
		sys(SkipRule{ID: "events", Kinds: kinds(gk("", "Event"), gk("events.k8s.io", "Event")), Reason: "an event: a record of the past that expires"}),
		sys(SkipRule{ID: "leases", Kinds: kinds(gk("coordination.k8s.io", "Lease")), Reason: "a lease: heartbeats and leader election, renewed constantly"}),
		sys(SkipRule{ID: "nodes", Kinds: kinds(gk("", "Node")), Reason: "a node: registered by its kubelet"}),
		sys(SkipRule{ID: "root-ca-configmap", Kinds: kinds(kindConfigMap), Names: []string{"kube-root-ca.crt"},
			Reason: "the cluster's CA, published in every namespace by kube-controller-manager"}),
		sys(SkipRule{ID: "service-account-token", Kinds: kinds(kindSecret), Field: Path{"type"}, Value: "kubernetes.io/service-account-token",
			Reason: "a service account token, signed by the source cluster"}),
		sys(SkipRule{ID: "default-service-account", Kinds: kinds(kindServiceAccount), Names: []string{"default"},
			Reason: "made in every namespace by kube-controller-manager"}),
		sys(SkipRule{ID: "service-endpoints", Kinds: kinds(kindEndpoints), Labels: map[string]string{"endpoints.kubernetes.io/managed-by": "endpoint-controller"},
			Reason: "the endpoints of a Service with a selector, kept up to date by kube-controller-manager"}),
		sys(SkipRule{ID: "service-endpointslices", Kinds: kinds(kindEndpointSlice), Labels: map[string]string{"endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"},
			Reason: "the endpoints of a Service with a selector, kept up to date by kube-controller-manager"}),
		sys(SkipRule{ID: "mirrored-endpointslices", Kinds: kinds(kindEndpointSlice), Labels: map[string]string{"endpointslice.kubernetes.io/managed-by": "endpointslicemirroring-controller.k8s.io"},
			Reason: "mirrors Endpoints, kept up to date by kube-controller-manager"}),
		sys(SkipRule{ID: "controller-service-accounts", Kinds: kinds(kindServiceAccount), Namespace: "kube-system", Names: controllerServiceAccounts,
			Reason: "a service account kube-controller-manager makes for one of its controllers"}),
	}
}

// bootstrapSkipRules leave out what the API server makes at start and keeps up to date.
func bootstrapSkipRules() []SkipRule {
	sys := func(r SkipRule) SkipRule { r.KeptBy = FlagIncludeSystem; return r }
	const apiserverKeeps = "made by the API server, which keeps it up to date"
	return []SkipRule{
		sys(SkipRule{ID: "system-namespaces", Kinds: kinds(kindNamespace), Names: []string{"default", "kube-system", "kube-public", "kube-node-lease"},
			Reason: "a namespace the API server makes at start"}),
		sys(SkipRule{ID: "kubernetes-service", Kinds: kinds(kindService, kindEndpoints, kindEndpointSlice), Namespace: "default", Names: []string{"kubernetes"},
			Reason: "the API server's own Service, kept up to date by the API server"}),
		sys(SkipRule{ID: "apiserver-configmaps", Kinds: kinds(kindConfigMap), Namespace: "kube-system",
			Names:  []string{"extension-apiserver-authentication", "kube-apiserver-legacy-service-account-token-tracking"},
			Reason: apiserverKeeps}),
		sys(SkipRule{ID: "rbac-defaults", Kinds: rbacKinds, Labels: map[string]string{"kubernetes.io/bootstrapping": "rbac-defaults"},
			Reason: "default RBAC policy, reconciled by the API server at every start"}),
		sys(SkipRule{ID: "system-priority-classes", Kinds: kinds(gk("scheduling.k8s.io", "PriorityClass")), Names: []string{"system-*"},
			Reason: apiserverKeeps}),
		sys(SkipRule{ID: "apf-configuration", Kinds: kinds(gk("flowcontrol.apiserver.k8s.io", "FlowSchema"), gk("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration")),
			Annotations: map[string]string{"apf.kubernetes.io/autoupdate-spec": "true"}, Reason: apiserverKeeps}),
		sys(SkipRule{ID: "kubernetes-service-cidr", Kinds: kinds(gk("networking.k8s.io", "ServiceCIDR")), Names: []string{"kubernetes"},
			Reason: apiserverKeeps}),
		sys(SkipRule{ID: "allocated-ip-addresses", Kinds: kinds(gk("networking.k8s.io", "IPAddress")), Labels: map[string]string{"ipaddress.kubernetes.io/managed-by": "ipallocator.k8s.io"},
			Reason: "an IP address the API server allocated to a Service"}),
		sys(SkipRule{ID: "automanaged-apiservices", Kinds: kinds(gk("apiregistration.k8s.io", "APIService")), Labels: map[string]string{"kube-aggregator.kubernetes.io/automanaged": "*"},
			Reason: "registered by the API server for a group it serves"}),
	}
}

// controllerServiceAccounts are the service accounts kube-controller-manager
// makes in kube-system with --use-service-account-credentials (from the
// bootstrap policy's system:controller:* roles).
var controllerServiceAccounts = []string{
	"attachdetach-controller", "bootstrap-signer", "certificate-controller", "clusterrole-aggregation-controller",
	"cronjob-controller", "daemon-set-controller", "deployment-controller", "device-taint-eviction-controller",
	"disruption-controller", "endpoint-controller", "endpointslice-controller", "endpointslicemirroring-controller",
	"ephemeral-volume-controller", "expand-controller", "generic-garbage-collector", "horizontal-pod-autoscaler",
	"job-controller", "kube-apiserver-serving-clustertrustbundle-publisher", "legacy-service-account-token-cleaner",
	"namespace-controller", "node-controller", "persistent-volume-binder", "pod-garbage-collector",
	"podcertificaterequestcleaner", "podgroup-protection-controller", "pv-protection-controller",
	"pvc-protection-controller", "replicaset-controller", "replication-controller", "resource-claim-controller",
	"resourcepoolstatusrequest-controller", "resourcequota-controller", "root-ca-cert-publisher", "route-controller",
	"selinux-warning-controller", "service-account-controller", "service-cidrs-controller", "service-controller",
	"statefulset-controller", "storage-version-garbage-collector", "storage-version-migrator-controller",
	"token-cleaner", "ttl-after-finished-controller", "ttl-controller", "validatingadmissionpolicy-status-controller",
	"volumeattributesclass-protection-controller",
}

// matches reports whether r leaves out obj, whose kind can be created unless readOnly.
func (r *SkipRule) matches(obj *unstructured.Unstructured, gk schema.GroupKind, readOnly bool) bool {
	switch {
	case len(r.Kinds) > 0 && !slices.Contains(r.Kinds, gk),
		r.ReadOnly && !readOnly,
		r.Namespace != "" && obj.GetNamespace() != r.Namespace,
		len(r.Names) > 0 && !matchesAny(r.Names, obj.GetName()),
		!hasAll(obj.GetLabels(), r.Labels),
		!hasAll(obj.GetAnnotations(), r.Annotations),
		r.Owned && !controllerOwned(obj),
		r.Deleting && !beingDeleted(obj):
		return false
	}
	if len(r.Field) > 0 {
		v, _ := lookup(obj.Object, r.Field...)
		return v == r.Value
	}
	return true
}

func matchesAny(patterns []string, name string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return false
}

func hasAll(have, want map[string]string) bool {
	for k, v := range want {
		got, ok := have[k]
		if !ok || (v != "*" && got != v) {
			return false
		}
	}
	return true
}

// beingDeleted reports whether obj has a deletionTimestamp, without
// parsing it (as GetDeletionTimestamp would, for every object exported).
func beingDeleted(obj *unstructured.Unstructured) bool {
	md, _ := obj.Object["metadata"].(map[string]any)
	ts, ok := md["deletionTimestamp"]
	return ok && ts != nil
}

func controllerOwned(obj *unstructured.Unstructured) bool {
	for _, ref := range obj.GetOwnerReferences() {
		if ref.Controller != nil && *ref.Controller {
			return true
		}
	}
	return false
}
