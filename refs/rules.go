package refs

import (
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Shape is what the field of a rule holds.
type Shape int

const (
	// Name is the target's name, in the source's namespace unless the
	// target's kind is cluster-scoped.
	Name Shape = iota
	// Ref is an object naming the target: name, and kind, namespace,
	// apiGroup, group or apiVersion when present (the rule's To is the
	// default kind and group).
	Ref
	// Selector is a label selector (matchLabels, matchExpressions): the
	// targets are the objects of kind To it selects, in the source's namespace.
	Selector
	// MapSelector is a map of labels that the targets must all carry (a
	// Service's spec.selector).
	MapSelector
	// Label is a label of the source whose value is the target's name; the
	// link is in metadata, so sources are read metadata-only.
	Label
)

var shapeNames = map[Shape]string{Name: "name", Ref: "reference", Selector: "label selector", MapSelector: "label map", Label: "label"}

func (s Shape) String() string { return shapeNames[s] }

// Rule is one kind of link from an object to another.
type Rule struct {
	// ID names the rule in tests and documentation.
	ID string
	// From are the kinds of the objects that hold the field.
	From []schema.GroupKind
	// Path is the field; "*" stands for every item of a list.
	Path Path
	// Shape is what the field holds.
	Shape Shape
	// To is the kind of the target: for a Ref, the default when the
	// reference names none.
	To schema.GroupKind
	// AnyKind says that a Ref may name any kind (scaleTargetRef); else
	// only To and Also.
	AnyKind bool
	// Also are the other kinds a Ref may name (roleRef: ClusterRole).
	Also []schema.GroupKind
	// Why says what the link means, for the rules table.
	Why string
}

// Targets are the kinds the rule can point at; nil with AnyKind.
func (r Rule) Targets() []schema.GroupKind {
	if r.AnyKind {
		return nil
	}
	return append([]schema.GroupKind{r.To}, r.Also...)
}

// CanTarget says whether the rule can point at an object of kind gk.
func (r Rule) CanTarget(gk schema.GroupKind) bool {
	return r.AnyKind || slices.Contains(r.Targets(), gk)
}

// Path is a field path; "*" is every item of a list.
type Path []string

// String is the path as the rules table shows it: spec.volumes[*].secret.
func (p Path) String() string {
	var b strings.Builder
	for _, s := range p {
		switch {
		case s == "*":
			b.WriteString("[*]")
		case b.Len() > 0:
			b.WriteString("." + s)
		default:
			b.WriteString(s)
		}
	}
	return b.String()
}

func gk(group, kind string) schema.GroupKind { return schema.GroupKind{Group: group, Kind: kind} }

func p(s string) Path {
	var out Path
	for _, part := range strings.Split(s, ".") {
		if name, ok := strings.CutSuffix(part, "[*]"); ok {
			out = append(out, name, "*")
			continue
		}
		out = append(out, part)
	}
	return out
}

// Kinds the rules name.
var (
	kindPod            = gk("", "Pod")
	kindService        = gk("", "Service")
	kindSecret         = gk("", "Secret")
	kindConfigMap      = gk("", "ConfigMap")
	kindPVC            = gk("", "PersistentVolumeClaim")
	kindPV             = gk("", "PersistentVolume")
	kindServiceAccount = gk("", "ServiceAccount")
	kindStorageClass   = gk("storage.k8s.io", "StorageClass")
	gatewayGroup       = "gateway.networking.k8s.io"
)

// PodSpecRef is a reference of a pod spec, relative to it.
type PodSpecRef struct {
	ID    string
	Path  Path
	Shape Shape
	To    schema.GroupKind
	Why   string
}

// PodTemplateHolder is a kind that holds a pod spec, and where.
type PodTemplateHolder struct {
	Kind    schema.GroupKind
	PodSpec Path
}

// PodTemplateHolders are the kinds whose pod spec the PodSpecRefs are read in.
func PodTemplateHolders() []PodTemplateHolder {
	tmpl := p("spec.template.spec")
	return []PodTemplateHolder{
		{kindPod, p("spec")},
		{gk("", "PodTemplate"), p("template.spec")},
		{gk("", "ReplicationController"), tmpl},
		{gk("apps", "Deployment"), tmpl},
		{gk("apps", "ReplicaSet"), tmpl},
		{gk("apps", "StatefulSet"), tmpl},
		{gk("apps", "DaemonSet"), tmpl},
		{gk("batch", "Job"), tmpl},
		{gk("batch", "CronJob"), p("spec.jobTemplate.spec.template.spec")},
	}
}

// PodSpecRefs are the references a pod spec makes.
func PodSpecRefs() []PodSpecRef {
	refs := []PodSpecRef{
		{"volume-configmap", p("volumes[*].configMap.name"), Name, kindConfigMap, "a volume of the ConfigMap's keys"},
		{"volume-secret", p("volumes[*].secret.secretName"), Name, kindSecret, "a volume of the Secret's keys"},
		{"volume-projected-configmap", p("volumes[*].projected.sources[*].configMap.name"), Name, kindConfigMap, "a projected volume source"},
		{"volume-projected-secret", p("volumes[*].projected.sources[*].secret.name"), Name, kindSecret, "a projected volume source"},
		{"volume-pvc", p("volumes[*].persistentVolumeClaim.claimName"), Name, kindPVC, "a volume of the claim"},
		{"image-pull-secret", p("imagePullSecrets[*].name"), Name, kindSecret, "credentials to pull the images"},
		{"service-account", p("serviceAccountName"), Name, kindServiceAccount, "the identity the Pod runs as"},
		{"node", p("nodeName"), Name, gk("", "Node"), "the node the Pod runs on"},
		{"priority-class", p("priorityClassName"), Name, gk("scheduling.k8s.io", "PriorityClass"), "the Pod's priority"},
		{"runtime-class", p("runtimeClassName"), Name, gk("node.k8s.io", "RuntimeClass"), "the container runtime configuration"},
	}
	for _, c := range []string{"containers", "initContainers", "ephemeralContainers"} {
		short := strings.TrimSuffix(strings.ToLower(strings.TrimSuffix(c, "ontainers")), "c")
		if short != "" {
			short += "-"
		}
		refs = append(refs,
			PodSpecRef{short + "env-configmap", p(c + "[*].env[*].valueFrom.configMapKeyRef.name"), Name, kindConfigMap, "an environment variable from a key"},
			PodSpecRef{short + "env-secret", p(c + "[*].env[*].valueFrom.secretKeyRef.name"), Name, kindSecret, "an environment variable from a key"},
			PodSpecRef{short + "envfrom-configmap", p(c + "[*].envFrom[*].configMapRef.name"), Name, kindConfigMap, "environment variables from every key"},
			PodSpecRef{short + "envfrom-secret", p(c + "[*].envFrom[*].secretRef.name"), Name, kindSecret, "environment variables from every key"},
		)
	}
	return refs
}

// podRules are the PodSpecRefs of every PodTemplateHolder, one rule each.
func podRules() []Rule {
	var out []Rule
	for _, h := range PodTemplateHolders() {
		for _, r := range PodSpecRefs() {
			out = append(out, Rule{ID: "pod-" + r.ID, From: []schema.GroupKind{h.Kind}, Path: slices.Concat(h.PodSpec, r.Path),
				Shape: r.Shape, To: r.To, Why: r.Why})
		}
	}
	return out
}

// DefaultRules are the links kdx refs knows: the pod spec's in every pod
// template holder, then the others.
func DefaultRules() []Rule { return slices.Concat(podRules(), Rules()) }

// Rules are the links of kinds other than pod specs, one row each in the
// rules table.
func Rules() []Rule {
	from := func(gks ...schema.GroupKind) []schema.GroupKind { return gks }
	ingress := from(gk("networking.k8s.io", "Ingress"))
	routes := from(gk(gatewayGroup, "HTTPRoute"), gk(gatewayGroup, "GRPCRoute"), gk(gatewayGroup, "TLSRoute"), gk(gatewayGroup, "TCPRoute"), gk(gatewayGroup, "UDPRoute"))
	bindings := from(gk("rbac.authorization.k8s.io", "RoleBinding"), gk("rbac.authorization.k8s.io", "ClusterRoleBinding"))
	webhooks := from(gk("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"), gk("admissionregistration.k8s.io", "MutatingWebhookConfiguration"))
	return []Rule{
		{ID: "service-selector", From: from(kindService), Path: p("spec.selector"), Shape: MapSelector, To: kindPod, Why: "the Pods the Service sends traffic to"},
		{ID: "endpointslice-service", From: from(gk("discovery.k8s.io", "EndpointSlice")), Path: Path{"metadata", "labels", "kubernetes.io/service-name"}, Shape: Label, To: kindService, Why: "the Service whose endpoints the slice lists"},
		{ID: "ingress-default-backend", From: ingress, Path: p("spec.defaultBackend.service.name"), To: kindService, Why: "the Service of requests no rule matches"},
		{ID: "ingress-backend", From: ingress, Path: p("spec.rules[*].http.paths[*].backend.service.name"), To: kindService, Why: "the Service of a path"},
		{ID: "ingress-resource-backend", From: ingress, Path: p("spec.rules[*].http.paths[*].backend.resource"), Shape: Ref, AnyKind: true, Why: "an object serving a path"},
		{ID: "ingress-tls-secret", From: ingress, Path: p("spec.tls[*].secretName"), To: kindSecret, Why: "the certificate and key of the hosts"},
		{ID: "ingress-class", From: ingress, Path: p("spec.ingressClassName"), To: gk("networking.k8s.io", "IngressClass"), Why: "the controller that implements the Ingress"},
		{ID: "route-backend", From: routes, Path: p("spec.rules[*].backendRefs[*]"), Shape: Ref, To: kindService, AnyKind: true, Why: "where the route sends requests (kind Service and the core group by default)"},
		{ID: "route-parent", From: routes, Path: p("spec.parentRefs[*]"), Shape: Ref, To: gk(gatewayGroup, "Gateway"), AnyKind: true, Why: "the Gateway the route attaches to (by default)"},
		{ID: "gateway-class", From: from(gk(gatewayGroup, "Gateway")), Path: p("spec.gatewayClassName"), To: gk(gatewayGroup, "GatewayClass"), Why: "the controller that implements the Gateway"},
		{ID: "gateway-certificate", From: from(gk(gatewayGroup, "Gateway")), Path: p("spec.listeners[*].tls.certificateRefs[*]"), Shape: Ref, To: kindSecret, AnyKind: true, Why: "a listener's certificate (a Secret by default)"},
		{ID: "binding-role", From: bindings, Path: p("roleRef"), Shape: Ref, To: gk("rbac.authorization.k8s.io", "Role"), Also: from(gk("rbac.authorization.k8s.io", "ClusterRole")), Why: "the permissions granted"},
		{ID: "binding-subject", From: bindings, Path: p("subjects[*]"), Shape: Ref, To: kindServiceAccount, Why: "a ServiceAccount granted the role (users and groups are not objects)"},
		{ID: "pvc-volume", From: from(kindPVC), Path: p("spec.volumeName"), To: kindPV, Why: "the volume bound to the claim"},
		{ID: "pvc-storage-class", From: from(kindPVC), Path: p("spec.storageClassName"), To: kindStorageClass, Why: "the class the volume is provisioned from"},
		{ID: "pv-claim", From: from(kindPV), Path: p("spec.claimRef"), Shape: Ref, To: kindPVC, Why: "the claim the volume is bound to"},
		{ID: "pv-storage-class", From: from(kindPV), Path: p("spec.storageClassName"), To: kindStorageClass, Why: "the class of the volume"},
		{ID: "statefulset-claim-storage-class", From: from(gk("apps", "StatefulSet")), Path: p("spec.volumeClaimTemplates[*].spec.storageClassName"), To: kindStorageClass, Why: "the class of the claims the StatefulSet makes"},
		{ID: "webhook-service", From: webhooks, Path: p("webhooks[*].clientConfig.service"), Shape: Ref, To: kindService, Why: "the Service the API server calls"},
		{ID: "apiservice-service", From: from(gk("apiregistration.k8s.io", "APIService")), Path: p("spec.service"), Shape: Ref, To: kindService, Why: "the Service that serves the aggregated API"},
		{ID: "crd-conversion-service", From: from(gk("apiextensions.k8s.io", "CustomResourceDefinition")), Path: p("spec.conversion.webhook.clientConfig.service"), Shape: Ref, To: kindService, Why: "the conversion webhook's Service"},
		{ID: "hpa-target", From: from(gk("autoscaling", "HorizontalPodAutoscaler")), Path: p("spec.scaleTargetRef"), Shape: Ref, AnyKind: true, Why: "the object the autoscaler scales"},
		{ID: "pdb-selector", From: from(gk("policy", "PodDisruptionBudget")), Path: p("spec.selector"), Shape: Selector, To: kindPod, Why: "the Pods the budget protects"},
		{ID: "serviceaccount-secret", From: from(kindServiceAccount), Path: p("secrets[*].name"), To: kindSecret, Why: "a token Secret of the account"},
		{ID: "serviceaccount-pull-secret", From: from(kindServiceAccount), Path: p("imagePullSecrets[*].name"), To: kindSecret, Why: "added to the Pods that run as the account"},
		{ID: "servicemonitor-selector", From: from(gk("monitoring.coreos.com", "ServiceMonitor")), Path: p("spec.selector"), Shape: Selector, To: kindService, Why: "the Services prometheus-operator scrapes (a `selector` names no kind: this one is known)"},
		{ID: "podmonitor-selector", From: from(gk("monitoring.coreos.com", "PodMonitor")), Path: p("spec.selector"), Shape: Selector, To: kindPod, Why: "the Pods prometheus-operator scrapes"},
	}
}
