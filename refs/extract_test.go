package refs

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/kdxproject/kdx/discovery"
)

// testKinds serves a few kinds, as a server's discovery would.
func testKinds() *Kinds {
	res := func(group, version, resource, kind string, namespaced bool) discovery.APIResource {
		return discovery.APIResource{Group: group, Version: version, Resource: resource, Kind: kind, Namespaced: namespaced, Verbs: []string{"get", "list"}}
	}
	return NewKinds(&discovery.Snapshot{Resources: []discovery.APIResource{
		res("", "v1", "pods", "Pod", true),
		res("", "v1", "secrets", "Secret", true),
		res("", "v1", "configmaps", "ConfigMap", true),
		res("", "v1", "services", "Service", true),
		res("", "v1", "serviceaccounts", "ServiceAccount", true),
		res("", "v1", "nodes", "Node", false),
		res("", "v1", "persistentvolumes", "PersistentVolume", false),
		res("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false),
		res("rbac.authorization.k8s.io", "v1", "roles", "Role", true),
		res("cert-manager.io", "v1", "issuers", "Issuer", true),
		res("cert-manager.io", "v1", "clusterissuers", "ClusterIssuer", false),
		res("cert-manager.io", "v1", "certificates", "Certificate", true),
		res("monitoring.coreos.com", "v1", "servicemonitors", "ServiceMonitor", true),
		res("monitoring.coreos.com", "v1", "prometheuses", "Prometheus", true),
	}})
}

// linksOf are the links of a YAML object, one line each: "field -> target".
func linksOf(t *testing.T, doc string) string {
	t.Helper()
	var obj map[string]any
	if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
		t.Fatal(err)
	}
	av, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	gk := gk(strings.Split(av, "/")[0], kind)
	if !strings.Contains(av, "/") {
		gk.Group = ""
	}
	var b bytes.Buffer
	for _, l := range NewExtractor(DefaultRules(), testKinds()).Links(obj, gk) {
		target := l.To.Namespace + " " + l.To.String()
		if l.Selector != nil {
			target += " (" + l.Selector.String() + ")"
		}
		fmt.Fprintf(&b, "%s %s -> %s\n", l.Rule, l.Field, strings.TrimSpace(target))
	}
	return b.String()
}

func TestLinks(t *testing.T) {
	for _, tc := range []struct{ name, obj, want string }{
		{"cronjob pod template", `apiVersion: batch/v1
kind: CronJob
metadata: {name: c, namespace: ns}
spec: {jobTemplate: {spec: {template: {spec: {nodeName: n1, volumes: [{name: a, emptyDir: {}}, {name: b, secret: {secretName: s}}]}}}}}`,
			"pod-volume-secret spec.jobTemplate.spec.template.spec.volumes[1].secret.secretName -> ns secret/s\n" +
				"pod-node spec.jobTemplate.spec.template.spec.nodeName -> node/n1\n"},
		{"binding: role by kind, users are not objects", `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: ns}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}, {kind: ServiceAccount, name: sa, namespace: other}]`,
			"binding-role roleRef -> clusterrole.rbac.authorization.k8s.io/view\n" +
				"binding-subject subjects[1] -> other serviceaccount/sa\n"},
		{"route backend defaults to a core Service", `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: ns}
spec: {parentRefs: [{name: gw}], rules: [{backendRefs: [{name: web, port: 80}, {group: example.org, kind: Bucket, name: b}]}]}`,
			"route-backend spec.rules[0].backendRefs[0] -> ns service/web\n" +
				"route-backend spec.rules[0].backendRefs[1] -> ns bucket.example.org/b\n" +
				"route-parent spec.parentRefs[0] -> ns gateway.gateway.networking.k8s.io/gw\n"},
		{"service selector, an empty one selects nothing", `apiVersion: v1
kind: Service
metadata: {name: s, namespace: ns}
spec: {selector: {app: web}}`,
			"service-selector spec.selector -> ns pod/ (app=web)\n"},
		{"cert-manager by convention: kind from the field name, in the object's group", `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: c, namespace: ns}
spec: {secretName: tls, issuerRef: {name: ca}, keystores: {pkcs12: {passwordSecretRef: {name: pw, key: k}}}}`,
			"convention-ref spec.issuerRef -> ns issuer.cert-manager.io/ca\n" +
				"convention-ref spec.keystores.pkcs12.passwordSecretRef -> ns secret/pw\n" +
				"convention-secret-name spec.secretName -> ns secret/tls\n"},
		{"cert-manager: an explicit kind is looked up in the group", `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: c, namespace: ns}
spec: {issuerRef: {name: ca, kind: ClusterIssuer}}`,
			"convention-ref spec.issuerRef -> clusterissuer.cert-manager.io/ca\n"},
		{"prometheus selector of a kind; a field naming no served kind is not a link", `apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: p, namespace: ns}
spec: {serviceMonitorSelector: {matchLabels: {team: a}}, ruleSelector: {matchLabels: {x: y}}, podMonitorSelector: {}}`,
			"convention-selector spec.serviceMonitorSelector -> ns servicemonitor.monitoring.coreos.com/ (team=a)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := linksOf(t, tc.obj); got != tc.want {
				t.Errorf("got:\n%swant:\n%s", got, tc.want)
			}
		})
	}
}

// TestCRDTargets reads what a CRD's objects can point at from its schema.
func TestCRDTargets(t *testing.T) {
	var crd map[string]any
	if err := yaml.Unmarshal([]byte(`spec:
  group: cert-manager.io
  names: {kind: Certificate}
  versions:
  - name: v1
    schema:
      openAPIV3Schema:
        properties:
          spec:
            properties:
              secretName: {type: string}
              issuerRef: {properties: {name: {type: string}, kind: {type: string}}}
`), &crd); err != nil {
		t.Fatal(err)
	}
	st := NewExtractor(nil, testKinds()).CRDTargets(crd)
	for _, tc := range []struct {
		kind string
		want bool
	}{{"Secret", true}, {"Issuer", true}, {"ConfigMap", true /* issuerRef has a kind: any kind */}} {
		g, _ := testKinds().Guess(tc.kind, "cert-manager.io")
		if got := st.CanTarget(g); got != tc.want {
			t.Errorf("CanTarget(%s) = %v, want %v", tc.kind, got, tc.want)
		}
	}
	if !st.Kinds[kindSecret] || st.Kinds[kindConfigMap] {
		t.Errorf("kinds from field names: %v, want Secret and Issuer only", st.Kinds)
	}
}

// TestConventional: Kubernetes' own groups are read by rules only.
func TestConventional(t *testing.T) {
	for group, want := range map[string]bool{"": false, "apps": false, "networking.k8s.io": false,
		"cluster.x-k8s.io": true, "cert-manager.io": true, "monitoring.coreos.com": true} {
		if got := Conventional(group); got != want {
			t.Errorf("Conventional(%q) = %v, want %v", group, got, want)
		}
	}
}
