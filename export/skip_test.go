package export

import "testing"

type skipCase struct {
	// rule is the ID of the rule that must match; "" means none.
	rule     string
	in       string
	readOnly bool
	opts     CleanOptions
}

var skipCases = []skipCase{
	{rule: "read-only-kind", in: "apiVersion: v1\nkind: ComponentStatus\nmetadata: {name: etcd-0}\n", readOnly: true},
	{rule: "events", in: "apiVersion: v1\nkind: Event\nmetadata: {name: e, namespace: n}\n"},
	{rule: "events", in: "apiVersion: events.k8s.io/v1\nkind: Event\nmetadata: {name: e, namespace: n}\n"},
	{rule: "leases", in: "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: l, namespace: kube-node-lease}\n"},
	{rule: "nodes", in: "apiVersion: v1\nkind: Node\nmetadata: {name: n}\n"},
	{rule: "root-ca-configmap", in: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-root-ca.crt, namespace: x}\n"},
	{rule: "service-account-token", in: "apiVersion: v1\nkind: Secret\nmetadata: {name: t, namespace: x}\ntype: kubernetes.io/service-account-token\n"},
	{rule: "", in: "apiVersion: v1\nkind: Secret\nmetadata: {name: t, namespace: x}\ntype: Opaque\n"},
	{rule: "default-service-account", in: "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: x}\n"},
	{rule: "", in: "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app, namespace: x}\n"},
	{rule: "service-endpoints", in: "apiVersion: v1\nkind: Endpoints\nmetadata: {name: s, namespace: x, labels: {endpoints.kubernetes.io/managed-by: endpoint-controller}}\n"},
	{rule: "", in: "apiVersion: v1\nkind: Endpoints\nmetadata: {name: manual, namespace: x}\n"},
	{rule: "service-endpointslices", in: "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s-abc, namespace: x, labels: {endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io}, ownerReferences: [{kind: Service, name: s, uid: u, controller: true}]}\n"},
	{rule: "mirrored-endpointslices", in: "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s-abc, namespace: x, labels: {endpointslice.kubernetes.io/managed-by: endpointslicemirroring-controller.k8s.io}}\n"},
	{rule: "controller-service-accounts", in: "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: job-controller, namespace: kube-system}\n"},
	{rule: "", in: "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: job-controller, namespace: apps}\n"},
	{rule: "system-namespaces", in: "apiVersion: v1\nkind: Namespace\nmetadata: {name: kube-node-lease}\n"},
	{rule: "", in: "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"},
	{rule: "kubernetes-service", in: "apiVersion: v1\nkind: Service\nmetadata: {name: kubernetes, namespace: default}\n"},
	{rule: "kubernetes-service", in: "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: kubernetes, namespace: default}\n"},
	{rule: "", in: "apiVersion: v1\nkind: Service\nmetadata: {name: kubernetes, namespace: shop}\n"},
	{rule: "apiserver-configmaps", in: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extension-apiserver-authentication, namespace: kube-system}\n"},
	{rule: "rbac-defaults", in: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: admin, labels: {kubernetes.io/bootstrapping: rbac-defaults}}\n"},
	{rule: "", in: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: mine}\n"},
	{rule: "system-priority-classes", in: "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: system-node-critical}\n"},
	{rule: "", in: "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high}\n"},
	{rule: "apf-configuration", in: "apiVersion: flowcontrol.apiserver.k8s.io/v1\nkind: FlowSchema\nmetadata: {name: exempt, annotations: {apf.kubernetes.io/autoupdate-spec: 'true'}}\n"},
	{rule: "", in: "apiVersion: flowcontrol.apiserver.k8s.io/v1\nkind: FlowSchema\nmetadata: {name: workload-low, annotations: {apf.kubernetes.io/autoupdate-spec: 'false'}}\n"},
	{rule: "kubernetes-service-cidr", in: "apiVersion: networking.k8s.io/v1\nkind: ServiceCIDR\nmetadata: {name: kubernetes}\n"},
	{rule: "allocated-ip-addresses", in: "apiVersion: networking.k8s.io/v1\nkind: IPAddress\nmetadata: {name: 10.0.0.1, labels: {ipaddress.kubernetes.io/managed-by: ipallocator.k8s.io}}\n"},
	{rule: "automanaged-apiservices", in: "apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata: {name: v1.apps, labels: {kube-aggregator.kubernetes.io/automanaged: onstart}}\n"},
	{rule: "", in: "apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata: {name: v1beta1.metrics.k8s.io}\n"},
	{rule: "owned", in: "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: r, namespace: x, ownerReferences: [{kind: Deployment, name: d, uid: u, controller: true}]}\n"},
	{rule: "", in: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: x, ownerReferences: [{kind: Thing, name: d, uid: u}]}\n"},
	{rule: "", opts: CleanOptions{IncludeOwned: true}, in: "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: r, namespace: x, ownerReferences: [{kind: Deployment, name: d, uid: u, controller: true}]}\n"},
	{rule: "", opts: CleanOptions{IncludeSystem: true}, in: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kube-root-ca.crt, namespace: x}\n"},
	{rule: "owned", opts: CleanOptions{IncludeSystem: true}, in: "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s-abc, namespace: x, labels: {endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io}, ownerReferences: [{kind: Service, name: s, uid: u, controller: true}]}\n"},
	{rule: "being-deleted", in: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: x, deletionTimestamp: \"2026-01-01T00:00:00Z\", finalizers: [example.com/x]}\n"},
	{rule: "", opts: CleanOptions{IncludeDeleting: true}, in: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: x, deletionTimestamp: \"2026-01-01T00:00:00Z\", finalizers: [example.com/x]}\n"},
	{rule: "owned", in: "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: x, deletionTimestamp: \"2026-01-01T00:00:00Z\", ownerReferences: [{kind: ReplicaSet, name: r, uid: u, controller: true}]}\n"},
}

func TestSkip(t *testing.T) {
	for _, tc := range skipCases {
		u := obj(t, tc.in)
		name := u.GetKind() + "/" + u.GetName()
		t.Run(name, func(t *testing.T) {
			got := ""
			if r := NewCleaner(tc.opts).Skip(u, tc.readOnly); r != nil {
				got = r.ID
			}
			if got != tc.rule {
				t.Errorf("Skip(%s) = %q, want %q", name, got, tc.rule)
			}
		})
	}
}
