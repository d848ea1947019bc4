package logmask

import (
	"encoding/hex"
	"strings"
	"testing"
)

func TestBody(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"a Secret as the server sends it",
			`{"kind":"Secret","apiVersion":"v1","metadata":{"name":"s","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"data\":{\"password\":\"czNjcjN0\"}}","note":"kept"}},"data":{"password":"czNjcjN0","empty":""},"stringData":{"token":"plain"},"type":"Opaque"}`,
			`{"kind":"Secret","apiVersion":"v1","metadata":{"name":"s","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"***","note":"kept"}},"data":{"password":"***","empty":"***"},"stringData":{"token":"***"},"type":"Opaque"}`},
		{"a Secret with its kind after its data (sorted keys, as kdx encodes)",
			`{"apiVersion":"v1","data":{"password":"czNjcjN0"},"kind":"Secret","metadata":{"name":"s"}}`,
			`{"apiVersion":"v1","data":{"password":"***"},"kind":"Secret","metadata":{"name":"s"}}`},
		{"a kind spelled with escapes",
			`{"kind":"Secr\u0065t","data":{"password":"czNjcjN0"}}`,
			`{"kind":"Secr\u0065t","data":{"password":"***"}}`},
		{"a ConfigMap is left as it is",
			`{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c"},"data":{"k":"visible"}}`,
			`{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c"},"data":{"k":"visible"}}`},
		{"a custom resource with spec.data is left as it is",
			`{"apiVersion":"x/v1","kind":"Gadget","spec":{"data":{"k":"visible"}}}`,
			`{"apiVersion":"x/v1","kind":"Gadget","spec":{"data":{"k":"visible"}}}`},
		{"a SecretList's items have no kind",
			`{"kind":"SecretList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"a"},"data":{"p":"czNj"}},{"metadata":{"name":"b"},"stringData":{"p":"x"},"type":"Opaque"}]}`,
			`{"kind":"SecretList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"a"},"data":{"p":"***"}},{"metadata":{"name":"b"},"stringData":{"p":"***"},"type":"Opaque"}]}`},
		{"a ConfigMapList is left as it is",
			`{"kind":"ConfigMapList","apiVersion":"v1","items":[{"metadata":{"name":"a"},"data":{"k":"visible"}}]}`,
			`{"kind":"ConfigMapList","apiVersion":"v1","items":[{"metadata":{"name":"a"},"data":{"k":"visible"}}]}`},
		{"a list with kind after its items (sorted keys)",
			`{"apiVersion":"v1","items":[{"metadata":{"name":"a"},"data":{"p":"czNj"}}],"kind":"SecretList"}`,
			`{"apiVersion":"v1","items":[{"metadata":{"name":"a"},"data":{"p":"***"}}],"kind":"SecretList"}`},
		{"a Table row's object",
			`{"kind":"Table","apiVersion":"meta.k8s.io/v1","rows":[{"cells":["s"],"object":{"kind":"Secret","apiVersion":"v1","data":{"p":"czNj"}}}]}`,
			`{"kind":"Table","apiVersion":"meta.k8s.io/v1","rows":[{"cells":["s"],"object":{"kind":"Secret","apiVersion":"v1","data":{"p":"***"}}}]}`},
		{"a watch event's object",
			`{"type":"ADDED","object":{"kind":"Secret","data":{"p":"czNj"}}}`,
			`{"type":"ADDED","object":{"kind":"Secret","data":{"p":"***"}}}`},
		{"a merge patch says no kind: masked",
			`{"stringData":{"password":"hunter2"},"metadata":{"labels":{"a":"b"}}}`,
			`{"stringData":{"password":"***"},"metadata":{"labels":{"a":"b"}}}`},
		{"a JSON patch of /data",
			`[{"op":"replace","path":"/data/password","value":"czNjcjN0"},{"op":"add","value":{"a":"czNj"},"path":"/stringData"},{"op":"replace","path":"/spec/replicas","value":3}]`,
			`[{"op":"replace","path":"/data/password","value":"***"},{"op":"add","value":"***","path":"/stringData"},{"op":"replace","path":"/spec/replicas","value":3}]`},
		{"nested values in data",
			`{"kind":"Secret","data":{"a":{"b":["c",1]}}}`,
			`{"kind":"Secret","data":{"a":{"b":["***","***"]}}}`},
		{"not JSON nor YAML", "Unauthorized", "Unauthorized"},
		{"a Status", `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"secrets \"s\" not found","code":404}`,
			`{"kind":"Status","apiVersion":"v1","status":"Failure","message":"secrets \"s\" not found","code":404}`},
	}
	for _, tt := range tests {
		if got := Body(tt.in); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

// TestBodyCut: client-go cuts bodies at 1024 bytes (-v=8) or 10240 (-v=9)
// and says so; a value of a possible Secret is masked even cut in half.
func TestBodyCut(t *testing.T) {
	const note = " [truncated 2048 chars]"
	tests := []struct {
		name, in, want string
	}{
		{"cut in a value, before the kind",
			`{"apiVersion":"v1","data":{"a":"czNj","password":"czNjc`,
			`{"apiVersion":"v1","data":{"a":"***","password":"***"`},
		{"cut in a Secret's value",
			`{"kind":"Secret","data":{"password":"czNjc`,
			`{"kind":"Secret","data":{"password":"***"`},
		{"cut after a value",
			`{"kind":"Secret","data":{"password":"czNjcjN0",`,
			`{"kind":"Secret","data":{"password":"***",`},
		{"cut in a ConfigMap",
			`{"kind":"ConfigMap","data":{"k":"visib`,
			`{"kind":"ConfigMap","data":{"k":"visib`},
		{"cut in a ConfigMapList's item",
			`{"kind":"ConfigMapList","items":[{"metadata":{"name":"a"},"data":{"k":"visib`,
			`{"kind":"ConfigMapList","items":[{"metadata":{"name":"a"},"data":{"k":"visib`},
		{"cut in the kind",
			`{"apiVersion":"v1","data":{"p":"czNj"},"kind":"Sec`,
			`{"apiVersion":"v1","data":{"p":"***"},"kind":"Sec`},
		{"cut in a key of the data",
			`{"kind":"Secret","data":{"password":"czNj","tok`,
			`{"kind":"Secret","data":{"password":"***","***"`},
		{"cut in a SecretList's item",
			`{"kind":"SecretList","items":[{"metadata":{"name":"a"},"data":{"p":"czNj`,
			`{"kind":"SecretList","items":[{"metadata":{"name":"a"},"data":{"p":"***"`},
		{"cut YAML",
			"apiVersion: v1\ndata:\n  password: czNjcjN0\n  token: |\n    line one\nkind: Secret\nstringData:\n  a: b\nmetadata:\n  name: s\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: |\n      {\"data\":{\"x\":\"y\"}}\n    note: kept\n  lab",
			"apiVersion: v1\ndata:\n  password: ***\n  token: ***\n    ***\nkind: Secret\nstringData:\n  a: ***\nmetadata:\n  name: s\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: |\n      ***\n    note: kept\n  lab"},
	}
	for _, tt := range tests {
		if got := Body(tt.in + note); got != tt.want+note {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want+note)
		}
	}
}

func TestBodyYAML(t *testing.T) {
	secret := "apiVersion: v1\ndata:\n  password: czNjcjN0\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  token: plain-token\n"
	got := Body(secret)
	for _, leak := range []string{"czNjcjN0", "plain-token"} {
		if strings.Contains(got, leak) {
			t.Errorf("Body(%q) = %q: %s not masked", secret, got, leak)
		}
	}
	if !strings.Contains(got, "password: '***'") || !strings.Contains(got, "name: s") {
		t.Errorf("Body(%q) = %q, want the keys and the name kept", secret, got)
	}
	cm := "apiVersion: v1\ndata:\n  k: visible\nkind: ConfigMap\nmetadata:\n  name: c\n"
	if got := Body(cm); got != cm {
		t.Errorf("Body(ConfigMap) = %q, want it unchanged", got)
	}
}

// TestBodyHexDump: client-go logs a body with a control character (a tab)
// as a hex dump, text column included.
func TestBodyHexDump(t *testing.T) {
	body := "{\"kind\":\"Secret\",\t\"data\":{\"password\":\"czNjcjN0\"}}"
	got := Body(hex.Dump([]byte(body)))
	want := hex.Dump([]byte("{\"kind\":\"Secret\",\t\"data\":{\"password\":\"***\"}}"))
	if got != want {
		t.Errorf("Body(hex dump) =\n%s\nwant\n%s", got, want)
	}
	cm := hex.Dump([]byte("{\"kind\":\"ConfigMap\",\t\"data\":{\"k\":\"visible\"}}"))
	if got := Body(cm); got != cm {
		t.Errorf("Body(hex dump of a ConfigMap) changed it:\n%s", got)
	}
}

func TestURLs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"GET https://admin:PASS@127.0.0.1:6443/api?timeout=32s 200 OK",
			"GET https://admin:xxxxx@127.0.0.1:6443/api?timeout=32s 200 OK"},
		{`curl -v -XGET 'https://admin:p:a@ss@h:1/x'`, `curl -v -XGET 'https://admin:xxxxx@h:1/x'`},
		{`{"server":"https://a:b@h","other":"https://c:d@e/f"}`, `{"server":"https://a:xxxxx@h","other":"https://c:xxxxx@e/f"}`},
		{"https://token@h/x (no password)", "https://token@h/x (no password)"},
		{"mail me at a@b.c: https://h:6443/x", "mail me at a@b.c: https://h:6443/x"},
	}
	for _, tt := range tests {
		if got := URLs(tt.in); got != tt.want {
			t.Errorf("URLs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
