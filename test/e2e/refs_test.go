package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kdxproject/kdx/internal/testenv"
	"github.com/kdxproject/kdx/refs"
)

// refsFixture is one object of every built-in rule family, in namespace %[1]s.
const refsFixture = `apiVersion: v1
kind: ConfigMap
metadata: {name: app-config, namespace: %[1]s}
data: {a: "1"}
---
apiVersion: v1
kind: Secret
metadata: {name: app-secret, namespace: %[1]s}
stringData: {p: x}
---
apiVersion: v1
kind: Secret
metadata: {name: pull-secret, namespace: %[1]s}
stringData: {p: x}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: app-sa, namespace: %[1]s}
imagePullSecrets: [{name: pull-secret}]
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: %[1]s-slow}
provisioner: example.org/none
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: %[1]s-pv}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  storageClassName: %[1]s-slow
  hostPath: {path: /tmp/%[1]s}
  claimRef: {namespace: %[1]s, name: data}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: %[1]s}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: %[1]s-slow
  volumeName: %[1]s-pv
  resources: {requests: {storage: 1Gi}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: %[1]s}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: app-sa
      imagePullSecrets: [{name: pull-secret}]
      volumes:
      - {name: c, configMap: {name: app-config}}
      - {name: s, secret: {secretName: app-secret}}
      - {name: d, persistentVolumeClaim: {claimName: data}}
      - {name: gone, configMap: {name: no-such-config}}
      containers:
      - name: web
        image: registry.k8s.io/pause:3.10
        env:
        - {name: A, valueFrom: {configMapKeyRef: {name: app-config, key: a}}}
        envFrom:
        - secretRef: {name: app-secret}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: %[1]s}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: orphan, namespace: %[1]s}
spec:
  selector: {app: nothing}
  ports: [{port: 80}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: %[1]s}
spec:
  tls: [{hosts: [web.example.com], secretName: app-secret}]
  rules:
  - http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: %[1]s}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: %[1]s}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: ServiceAccount, name: app-sa, namespace: %[1]s}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: %[1]s-hook}
webhooks:
- name: check.%[1]s.example.org
  clientConfig: {service: {namespace: %[1]s, name: web, path: /check}}
  rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}]
  failurePolicy: Ignore
  sideEffects: None
  admissionReviewVersions: [v1]
  namespaceSelector: {matchLabels: {kdx-refs-test: never-matches}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: %[1]s}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 3
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: %[1]s}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: web}}
`

// refsRows are the rows of `kdx refs -o json`, as "direction object field status".
func refsRows(t *testing.T, res testenv.Result) []string {
	t.Helper()
	var list struct {
		Items []struct {
			Direction string `json:"direction"`
			Object    struct{ Group, Kind, Namespace, Name string }
			Field     string `json:"field"`
			Status    string `json:"status"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &list); err != nil {
		t.Fatalf("refs -o json: %v\n%s\nstderr: %s", err, res.Stdout, res.Stderr)
	}
	var out []string
	for _, it := range list.Items {
		kind := strings.ToLower(it.Object.Kind)
		if it.Object.Group != "" {
			kind += "." + it.Object.Group
		}
		out = append(out, strings.TrimSpace(fmt.Sprintf("%s %s/%s %s %s", it.Direction, kind, it.Object.Name, it.Field, it.Status)))
	}
	return out
}

// wantRows checks that got has a row matching each pattern.
func wantRows(t *testing.T, got []string, patterns ...string) {
	t.Helper()
	for _, p := range patterns {
		re := regexp.MustCompile("^" + p + "$")
		found := false
		for _, g := range got {
			found = found || re.MatchString(g)
		}
		if !found {
			t.Errorf("no row matches %q in:\n%s", p, strings.Join(got, "\n"))
		}
	}
}

// refsUntil runs refs until every pattern has a row (controllers make Pods
// and EndpointSlices after a while), then checks once more.
func refsUntil(t *testing.T, env *testenv.Env, args []string, patterns ...string) []string {
	t.Helper()
	var got []string
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(time.Second) {
		res := env.Kdx(t, append(args, "-o", "json")...)
		if res.ExitCode != 0 {
			t.Fatalf("kdx %v: exit %d: %s", args, res.ExitCode, res.Stderr)
		}
		got = refsRows(t, res)
		if allMatch(got, patterns) || time.Now().After(deadline) {
			break
		}
	}
	wantRows(t, got, patterns...)
	return got
}

func allMatch(got, patterns []string) bool {
	for _, p := range patterns {
		re := regexp.MustCompile("^" + p + "$")
		ok := false
		for _, g := range got {
			ok = ok || re.MatchString(g)
		}
		if !ok {
			return false
		}
	}
	return true
}

// TestE2ERefsBuiltin: refs for every built-in rule family, the Pods and
// EndpointSlices made by kube-controller-manager, and a missing target.
func TestE2ERefsBuiltin(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf(refsFixture, ns))
	tmpl := "spec.template.spec."
	t.Run("deployment uses", func(t *testing.T) {
		refsUntil(t, env, []string{"refs", "deployment.apps/web", "-n", ns},
			"uses configmap/app-config "+regexp.QuoteMeta(tmpl+"volumes[0].configMap.name"),
			"uses secret/app-secret "+regexp.QuoteMeta(tmpl+"volumes[1].secret.secretName"),
			"uses persistentvolumeclaim/data "+regexp.QuoteMeta(tmpl+"volumes[2].persistentVolumeClaim.claimName"),
			"uses configmap/no-such-config "+regexp.QuoteMeta(tmpl+"volumes[3].configMap.name")+" missing",
			"uses configmap/app-config "+regexp.QuoteMeta(tmpl+"containers[0].env[0].valueFrom.configMapKeyRef.name"),
			"uses secret/app-secret "+regexp.QuoteMeta(tmpl+"containers[0].envFrom[0].secretRef.name"),
			"uses secret/pull-secret "+regexp.QuoteMeta(tmpl+"imagePullSecrets[0].name"),
			"uses serviceaccount/app-sa "+regexp.QuoteMeta(tmpl+"serviceAccountName"),
			"used by horizontalpodautoscaler.autoscaling/web spec.scaleTargetRef",
		)
	})
	t.Run("secret used by", func(t *testing.T) {
		refsUntil(t, env, []string{"refs", "secret", "app-secret", "-n", ns},
			"used by deployment.apps/web "+regexp.QuoteMeta(tmpl+"volumes[1].secret.secretName"),
			"used by replicaset.apps/web-[a-z0-9]+ "+regexp.QuoteMeta(tmpl+"volumes[1].secret.secretName"),
			"used by pod/web-[a-z0-9-]+ "+regexp.QuoteMeta("spec.volumes[1].secret.secretName"),
			"used by ingress.networking.k8s.io/web "+regexp.QuoteMeta("spec.tls[0].secretName"),
		)
		refsUntil(t, env, []string{"refs", "secret/pull-secret", "-n", ns},
			"used by serviceaccount/app-sa "+regexp.QuoteMeta("imagePullSecrets[0].name"))
	})
	t.Run("service", func(t *testing.T) {
		refsUntil(t, env, []string{"refs", "service/web", "-n", ns},
			"uses pod/web-[a-z0-9-]+ spec.selector",
			"used by endpointslice.discovery.k8s.io/web-[a-z0-9]+ "+regexp.QuoteMeta("metadata.labels[kubernetes.io/service-name]"),
			"used by ingress.networking.k8s.io/web "+regexp.QuoteMeta("spec.rules[0].http.paths[0].backend.service.name"),
			"used by validatingwebhookconfiguration.admissionregistration.k8s.io/"+ns+"-hook "+regexp.QuoteMeta("webhooks[0].clientConfig.service"),
		)
	})
	t.Run("selector that selects nothing", func(t *testing.T) {
		refsUntil(t, env, []string{"refs", "service/orphan", "-n", ns}, regexp.QuoteMeta("uses pod/ spec.selector missing"))
		res := env.Kdx(t, "refs", "service/orphan", "-n", ns)
		if !regexp.MustCompile(`(?m)^uses +` + ns + ` +pod/\(app=nothing\) +spec\.selector +missing$`).MatchString(res.Stdout) {
			t.Errorf("table:\n%s", res.Stdout)
		}
	})
	t.Run("pod used by pdb and service", func(t *testing.T) {
		pods := refsUntil(t, env, []string{"refs", "service/web", "-n", ns}, "uses pod/web-[a-z0-9-]+ spec.selector")
		pod := strings.Fields(pods[0])[1]
		refsUntil(t, env, []string{"refs", pod, "-n", ns},
			"used by service/web spec.selector",
			"used by poddisruptionbudget.policy/web spec.selector",
			"uses secret/app-secret "+regexp.QuoteMeta("spec.volumes[1].secret.secretName"),
		)
	})
	t.Run("rbac", func(t *testing.T) {
		refsUntil(t, env, []string{"refs", "rolebinding/reader", "-n", ns},
			"uses role.rbac.authorization.k8s.io/reader roleRef",
			"uses serviceaccount/app-sa "+regexp.QuoteMeta("subjects[0]"))
		refsUntil(t, env, []string{"refs", "serviceaccount/app-sa", "-n", ns},
			"used by rolebinding.rbac.authorization.k8s.io/reader "+regexp.QuoteMeta("subjects[0]"),
			"used by deployment.apps/web "+regexp.QuoteMeta(tmpl+"serviceAccountName"))
		// A binding in another namespace is found with -A only.
		other := env.Namespace(t)
		env.Apply(t, fmt.Sprintf("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: elsewhere, namespace: %s}\n"+
			"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects: [{kind: ServiceAccount, name: app-sa, namespace: %s}]\n", other, ns))
		refsUntil(t, env, []string{"refs", "serviceaccount/app-sa", "-n", ns, "-A"},
			"used by rolebinding.rbac.authorization.k8s.io/elsewhere "+regexp.QuoteMeta("subjects[0]"))
		for _, row := range refsUntil(t, env, []string{"refs", "serviceaccount/app-sa", "-n", ns}) {
			if strings.Contains(row, "elsewhere") {
				t.Errorf("without -A, a binding of another namespace is listed: %s", row)
			}
		}
	})
	t.Run("storage", func(t *testing.T) {
		refsUntil(t, env, []string{"refs", "pvc/data", "-n", ns},
			"uses persistentvolume/"+ns+"-pv spec.volumeName",
			"uses storageclass.storage.k8s.io/"+ns+"-slow spec.storageClassName",
			"used by persistentvolume/"+ns+"-pv spec.claimRef")
		refsUntil(t, env, []string{"refs", "storageclass/" + ns + "-slow"},
			"used by persistentvolume/"+ns+"-pv spec.storageClassName",
			"used by persistentvolumeclaim/data spec.storageClassName")
	})
	t.Run("table", func(t *testing.T) {
		res := env.Kdx(t, "refs", "deployment.apps/web", "-n", ns)
		if res.ExitCode != 0 || !strings.HasPrefix(res.Stdout, "DIRECTION") ||
			!regexp.MustCompile(`(?m)^uses +`+ns+` +configmap/no-such-config +`+regexp.QuoteMeta(tmpl+"volumes[3].configMap.name")+` +missing$`).MatchString(res.Stdout) {
			t.Errorf("exit %d, table:\n%s\nstderr: %s", res.ExitCode, res.Stdout, res.Stderr)
		}
	})
}

// TestE2ERefsCRDs: cert-manager's issuerRef (kind guessed from the field
// name) and secretName, prometheus-operator's selectors, read from the
// real CRDs and their schemas.
func TestE2ERefsCRDs(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	dir := testenv.SharedCRDs(t)
	for _, f := range []string{"cert-manager/cert-manager.io_certificates.yaml", "cert-manager/cert-manager.io_issuers.yaml",
		"prometheus-operator/monitoring.coreos.com_servicemonitors.yaml", "prometheus-operator/monitoring.coreos.com_prometheuses.yaml"} {
		env.ApplyFile(t, filepath.Join(dir, f))
	}
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf(`apiVersion: cert-manager.io/v1
kind: Issuer
metadata: {name: ca, namespace: %[1]s}
spec: {ca: {secretName: ca-key}}
---
apiVersion: v1
kind: Secret
metadata: {name: web-tls, namespace: %[1]s}
stringData: {p: x}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: web, namespace: %[1]s}
spec: {secretName: web-tls, dnsNames: [web.example.com], issuerRef: {name: ca}}
---
apiVersion: v1
kind: Service
metadata: {name: metrics, namespace: %[1]s, labels: {team: a}}
spec: {ports: [{port: 9090}]}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: metrics, namespace: %[1]s, labels: {prom: main}}
spec:
  selector: {matchLabels: {team: a}}
  endpoints: [{port: web}]
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: main, namespace: %[1]s}
spec:
  serviceMonitorSelector: {matchLabels: {prom: main}}
`, ns))
	refsUntil(t, env, []string{"refs", "certificate/web", "-n", ns},
		"uses issuer.cert-manager.io/ca spec.issuerRef",
		"uses secret/web-tls spec.secretName")
	refsUntil(t, env, []string{"refs", "issuer/ca", "-n", ns},
		"uses secret/ca-key spec.ca.secretName missing",
		"used by certificate.cert-manager.io/web spec.issuerRef")
	refsUntil(t, env, []string{"refs", "secret/web-tls", "-n", ns},
		"used by certificate.cert-manager.io/web spec.secretName")
	refsUntil(t, env, []string{"refs", "servicemonitor/metrics", "-n", ns},
		"uses service/metrics spec.selector",
		"used by prometheus.monitoring.coreos.com/main spec.serviceMonitorSelector")
	refsUntil(t, env, []string{"refs", "service/metrics", "-n", ns},
		"used by servicemonitor.monitoring.coreos.com/metrics spec.selector")
}

// TestE2ERefsForbidden: a type the user may not list, in the middle of the
// types read for "used by", is one error line; the rest prints; exit 1.
func TestE2ERefsForbidden(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata: {name: shared, namespace: %[1]s}
---
apiVersion: v1
kind: Pod
metadata: {name: user, namespace: %[1]s}
spec:
  containers: [{name: c, image: registry.k8s.io/pause:3.10, envFrom: [{configMapRef: {name: shared}}]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: some, namespace: %[1]s}
rules:
- {apiGroups: [""], resources: [configmaps, pods], verbs: [get, list]}
- {apiGroups: ["apiextensions.k8s.io"], resources: [customresourcedefinitions], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: some, namespace: %[1]s}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: some}
subjects: [{kind: User, name: restricted, apiGroup: rbac.authorization.k8s.io}]
`, ns))
	res := env.Kdx(t, "--context", "restricted", "refs", "configmap/shared", "-n", ns)
	if res.ExitCode != 1 {
		t.Errorf("exit %d, want 1\nstdout: %s\nstderr: %s", res.ExitCode, res.Stdout, res.Stderr)
	}
	if !regexp.MustCompile(`(?m)^used by +` + ns + ` +pod/user +spec\.containers\[0\]\.envFrom\[0\]\.configMapRef\.name$`).MatchString(res.Stdout) {
		t.Errorf("the readable Pod's link is not printed:\n%s", res.Stdout)
	}
	lines := strings.Split(strings.TrimSpace(res.Stderr), "\n")
	forbidden := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "error: could not read ") && strings.Contains(l, "(forbidden)") {
			forbidden++
		}
	}
	if forbidden != 1 || len(lines) != 1 || !strings.Contains(res.Stderr, "deployments.apps") {
		t.Errorf("want one forbidden line naming deployments.apps, got:\n%s", res.Stderr)
	}
}

// TestE2ERefsRulesAndErrors: --rules prints the README's table without a
// server; wrong arguments and a missing object are one error line, exit 1.
func TestE2ERefsRulesAndErrors(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	var want bytes.Buffer
	if err := refs.WriteRules(&want); err != nil {
		t.Fatal(err)
	}
	res := env.KdxIn(t, nil, []string{"KUBECONFIG=/nonexistent"}, "refs", "--rules")
	if res.ExitCode != 0 || res.Stdout != want.String() || !strings.Contains(res.Stdout, "`pod-volume-secret`") {
		t.Errorf("refs --rules: exit %d, stderr %q, stdout:\n%s", res.ExitCode, res.Stderr, res.Stdout)
	}
	ns := env.Namespace(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"refs"}, "error: you must name one object: TYPE/NAME or TYPE NAME (e.g. 'kdx refs secret/web-tls')\n"},
		{[]string{"refs", "--rules", "pods"}, "error: --rules prints the rules: give no TYPE or NAME with it\n"},
		{[]string{"refs", "secrets"}, "error: refs takes one object: TYPE/NAME or TYPE NAME\n"},
		{[]string{"refs", "secret/a", "secret/b"}, "error: refs takes one object: TYPE/NAME or TYPE NAME\n"},
		{[]string{"refs", "secret/nope", "-n", ns}, "error: secrets \"nope\" not found\n"},
		{[]string{"refs", "secret/a", "-o", "wide"}, ""},
	} {
		res := env.Kdx(t, tc.args...)
		if res.ExitCode != 1 || (tc.want != "" && res.Stderr != tc.want) || !strings.HasPrefix(res.Stderr, "error: ") || strings.Count(res.Stderr, "\n") != 1 {
			t.Errorf("kdx %v: exit %d, stderr %q, want %q", tc.args, res.ExitCode, res.Stderr, tc.want)
		}
	}
}
