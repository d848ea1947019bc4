package export

import "testing"

// A bare Pod as the API server stores it, admission plugins' additions included.
const admittedPod = `kind: Pod
apiVersion: v1
metadata:
  name: p
  managedFields: [{manager: kubectl, fieldsV1: {"f:spec": {"f:containers": {}}}}]
spec:
  nodeName: node-1
  priority: 0
  enableServiceLinks: true
  initContainers:
  - name: i
    image: busybox
    volumeMounts: [{name: kube-api-access-x1y2z, mountPath: /var/run/secrets/kubernetes.io/serviceaccount, readOnly: true}]
  containers:
  - name: c
    image: busybox
    volumeMounts:
    - {name: data, mountPath: /data}
    - {name: kube-api-access-x1y2z, mountPath: /var/run/secrets/kubernetes.io/serviceaccount, readOnly: true}
  ephemeralContainers:
  - name: e
    image: busybox
    volumeMounts: [{name: kube-api-access-x1y2z, mountPath: /var/run/secrets/kubernetes.io/serviceaccount, readOnly: true}]
  tolerations:
  - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
  - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
  - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 30}
  volumes:
  - {name: data, emptyDir: {}}
  - name: kube-api-access-x1y2z
    projected: {sources: [{serviceAccountToken: {path: token}}]}
`

const cleanedPod = `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - image: busybox
    name: c
    volumeMounts:
    - mountPath: /data
      name: data
  enableServiceLinks: true
  ephemeralContainers:
  - image: busybox
    name: e
  initContainers:
  - image: busybox
    name: i
  tolerations:
  - effect: NoExecute
    key: node.kubernetes.io/unreachable
    operator: Exists
    tolerationSeconds: 30
  volumes:
  - emptyDir: {}
    name: data
`

func init() {
	for _, id := range []string{"pod-token-volume", "pod-default-tolerations", "pod-priority", "pod-node-name",
		"pod-token-mount-init", "pod-token-mount", "pod-token-mount-ephemeral"} {
		cleanCases = append(cleanCases, struct {
			rule, in, want string
			opts           CleanOptions
		}{rule: id, in: admittedPod, want: cleanedPod})
	}
	// A nodeName the user wrote is owned by a field manager and stays; so
	// do tolerations and volumes that only look like the injected ones.
	cleanCases = append(cleanCases, struct {
		rule, in, want string
		opts           CleanOptions
	}{rule: "pod-node-name", in: `kind: Pod
apiVersion: v1
metadata:
  name: p
  managedFields: [{manager: kubectl, fieldsV1: {"f:spec": {"f:nodeName": {}}}}]
spec:
  nodeName: node-1
  tolerations: [{key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute}]
  volumes: [{name: kube-api-access-mine, emptyDir: {}}]
`, want: `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  nodeName: node-1
  tolerations:
  - effect: NoExecute
    key: node.kubernetes.io/not-ready
    operator: Exists
  volumes:
  - emptyDir: {}
    name: kube-api-access-mine
`})
}

func TestPodRulesLeaveNoEmptyList(t *testing.T) {
	u := obj(t, "kind: Pod\napiVersion: v1\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: i}]\n  tolerations:\n  - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 300}\n")
	NewCleaner(CleanOptions{}).Clean(u)
	if got, want := toYAML(t, u), "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - image: i\n    name: c\n"; got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
