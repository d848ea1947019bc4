package filter

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)

// deployment is an unstructured Deployment, as the dynamic client decodes it.
func deployment() map[string]any {
	return map[string]any{
		"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{
			"name": "web-7", "namespace": "prod", "labels": map[string]any{"app": "web"},
			"creationTimestamp": "2026-11-30T08:00:00Z",
		},
		"spec": map[string]any{
			"replicas": int64(3),
			"template": map[string]any{"spec": map[string]any{"containers": []any{
				map[string]any{"name": "app", "image": "registry.x/web:1.2", "resources": map[string]any{"limits": map[string]any{"memory": "512Mi"}}},
				map[string]any{"name": "proxy", "image": "docker.io/envoy:1.30"},
			}}},
		},
		"status": map[string]any{"notAfter": "2026-12-06T00:00:00Z", "ratio": 0.5, "nothing": nil},
	}
}

func TestMatch(t *testing.T) {
	cases := []struct {
		name string
		expr string
		want bool
	}{
		{"name equality", `object.metadata.name == "web-7"`, true},
		{"strings ext", `object.metadata.name.endsWith("7") && object.metadata.name.lowerAscii().indexOf("-") == 3`, true},
		{"strings ext split", `object.spec.template.spec.containers[0].image.split("/")[0] == "registry.x"`, true},
		{"matches", `object.metadata.name.matches("^web-[0-9]+$")`, true},
		{"find", `object.spec.template.spec.containers[0].image.find("[0-9.]+$") == "1.2"`, true},
		{"findAll", `object.metadata.name.findAll("[a-z]") == ["w", "e", "b"]`, true},
		{"findAll limit", `size(object.metadata.name.findAll("[a-z]", 2)) == 2`, true},
		{"exists", `object.spec.template.spec.containers.exists(c, c.image.startsWith("registry.x/"))`, true},
		{"all", `object.spec.template.spec.containers.all(c, c.image.startsWith("registry.x/"))`, false},
		{"lists ext", `object.spec.template.spec.containers.map(c, c.name).sort() == ["app", "proxy"]`, true},
		{"lists ext distinct", `[1, 1, 2].distinct() == [1, 2]`, true},
		{"sets ext", `sets.contains(object.spec.template.spec.containers.map(c, c.name), ["proxy"])`, true},
		{"quantity method", `quantity(object.spec.template.spec.containers[0].resources.limits.memory).isGreaterThan(quantity("256Mi"))`, true},
		{"quantity less", `quantity(object.spec.template.spec.containers[0].resources.limits.memory).isLessThan(quantity("1Gi"))`, true},
		{"quantity compareTo", `quantity("1Gi").compareTo(quantity("1024Mi")) == 0`, true},
		{"quantity add", `quantity("1Gi").add(quantity("1Gi")) == quantity("2Gi") && quantity("1").add(1).asInteger() == 2`, true},
		{"quantity sub", `quantity("1").sub(2).sign() == -1 && quantity("500m").isInteger() == false`, true},
		{"isQuantity", `isQuantity("12Mi") && !isQuantity("12 apples")`, true},
		{"quantity float", `quantity("500m").asApproximateFloat() == 0.5`, true},
		{"timestamp vs now", `timestamp(object.status.notAfter) < now + duration("168h")`, true},
		{"timestamp not soon", `timestamp(object.status.notAfter) < now + duration("24h")`, false},
		{"age", `now - timestamp(object.metadata.creationTimestamp) > duration("48h")`, true},
		{"cross numeric", `object.status.ratio < 1 && object.spec.replicas > 2.5`, true},
		{"labels in", `"app" in object.metadata.labels && object.metadata.labels.app == "web"`, true},
		{"has", `has(object.spec.paused)`, false},
		{"missing field", `object.spec.paused == true`, false},
		{"missing deep field", `object.status.conditions.exists(c, c.type == "Ready")`, false},
		{"missing field negated", `!(object.spec.paused == true)`, false},
		{"missing but other side true", `object.spec.paused == true || object.spec.replicas == 3`, true},
		{"null field", `object.status.nothing.x == 1`, false},
		{"kind", `object.kind == "Deployment" && object.apiVersion.startsWith("apps/")`, true},
		{"optional", `object.?spec.paused.orValue(false) == false`, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Compile([]string{tc.expr}, now)
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			if got := f.Match(deployment()); got != tc.want {
				t.Errorf("Match(%s) = %v, want %v", tc.expr, got, tc.want)
			}
			if n, first := f.Failures(); n != 0 {
				t.Errorf("Failures = %d (%v), want 0", n, first)
			}
		})
	}
}

func TestMatchAllMustHold(t *testing.T) {
	f, err := Compile([]string{`object.metadata.name == "web-7"`, `object.spec.replicas == 4`}, now)
	if err != nil {
		t.Fatal(err)
	}
	if f.Match(deployment()) {
		t.Error("matched although the second expression is false")
	}
	var none *Filter
	if !none.Match(deployment()) || none.Warning() != "" {
		t.Error("a nil filter must match everything and warn of nothing")
	}
}

func TestCompileErrors(t *testing.T) {
	cases := []struct {
		name, expr string
		want       []string
	}{
		{"syntax", `object.metadata.name ==`, []string{`invalid --where "object.metadata.name ==": 1:24: Syntax error`, "\n | object.metadata.name ==\n | .......................^"}},
		{"unknown function", `object.metadata.name.frobnicate()`, []string{"1:32: undeclared reference to 'frobnicate'"}},
		{"unknown variable", `obj.metadata.name == "x"`, []string{"1:1: undeclared reference to 'obj'"}},
		{"int not bool", `1 + 2`, []string{"the expression is of type int, not bool"}},
		{"a name, not bool", `object.metadata.name`, []string{`invalid --where "object.metadata.name": the expression is object.metadata.name, of type string, not bool`}},
		{"a label, not bool", `object.metadata.labels.app`, []string{"the expression is object.metadata.labels.app, of type string, not bool"}},
		{"labels, not bool", `object.metadata.labels`, []string{"of type object, not bool"}},
		{"a generation, not bool", `object.metadata.generation`, []string{"of type integer, not bool"}},
		{"a kind, not bool", `object.kind`, []string{"of type string, not bool"}},
		{"empty", `  `, []string{"the expression is empty"}},
		{"bad types of literals", `1 > "3"`, []string{"no matching overload"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compile([]string{`true`, tc.expr}, now)
			if err == nil {
				t.Fatalf("Compile(%q) succeeded", tc.expr)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestEvaluationErrorsCounted(t *testing.T) {
	f, err := Compile([]string{`object.spec.replicas > "3"`}, now)
	if err != nil {
		t.Fatalf("a type mismatch on a dynamic field must compile: %v", err)
	}
	for range 3 {
		if f.Match(deployment()) {
			t.Error("an evaluation error matched")
		}
	}
	f.Match(map[string]any{"spec": map[string]any{}}) // missing: no error
	n, first := f.Failures()
	if n != 3 || first == nil {
		t.Fatalf("Failures = %d, %v; want 3 and a cause", n, first)
	}
	want := `Warning: --where could not be evaluated on 3 objects: no such overload (in object.spec.replicas > "3")` + "\n"
	if got := f.Warning(); got != want {
		t.Errorf("Warning =\n%q\nwant\n%q", got, want)
	}
	bad, _ := Compile([]string{`quantity(object.metadata.name).isLessThan(quantity("1"))`}, now)
	bad.Match(deployment())
	if got := bad.Warning(); !strings.Contains(got, "1 object: invalid quantity \"web-7\"") {
		t.Errorf("Warning = %q", got)
	}
}

func TestMetadataOnly(t *testing.T) {
	cases := []struct {
		expr string
		want bool
	}{
		{`object.metadata.name.endsWith("7")`, true},
		{`has(object.metadata.labels) && object.kind == "Pod" && object.apiVersion == "v1"`, true},
		{`object.metadata.labels.exists(k, k.startsWith("app"))`, true},
		{`[object.metadata.name].exists(n, n == "x")`, true},
		{`object.spec.replicas > 1`, false},
		{`object.metadata.name == "x" || has(object.status)`, false},
		{`size(object) > 2`, false},
		{`object["metadata"]["name"] == "x"`, false},
		{`object.?metadata.name.orValue("") == "x"`, false},
		{`true`, true},
	}
	for _, tc := range cases {
		f, err := Compile([]string{tc.expr}, now)
		if err != nil {
			t.Fatalf("Compile(%q): %v", tc.expr, err)
		}
		if got := f.MetadataOnly(); got != tc.want {
			t.Errorf("MetadataOnly(%s) = %v, want %v (fields %v)", tc.expr, got, tc.want, f.Fields())
		}
	}
}

func TestFieldSelector(t *testing.T) {
	selectable := func(p string) bool { return p == "metadata.name" || p == "metadata.namespace" || p == "spec.color" }
	cases := []struct {
		exprs []string
		want  string
	}{
		{[]string{`object.metadata.name == "web"`}, "metadata.name=web"},
		{[]string{`"prod" == object.metadata.namespace`}, "metadata.namespace=prod"},
		{[]string{`object.spec.color == "blue"`, `object.metadata.name.startsWith("a")`}, "spec.color=blue"},
		{[]string{`object.spec.color == "a,b=c"`}, `spec.color=a\,b\=c`},
		{[]string{`object.spec.size == "L"`}, ""},
		{[]string{`object.metadata.name == "a" || object.metadata.name == "b"`}, ""},
		{[]string{`object.metadata.name != "web"`}, ""},
		{[]string{`object.metadata.name == object.metadata.namespace`}, ""},
	}
	for _, tc := range cases {
		f, err := Compile(tc.exprs, now)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.FieldSelector(selectable); got != tc.want {
			t.Errorf("FieldSelector(%q) = %q, want %q", tc.exprs, got, tc.want)
		}
	}
}

func TestReads(t *testing.T) {
	cases := []struct {
		expr string
		want bool
	}{
		{`object.metadata.name == "x"`, false},
		{`object.metadata.managedFields.exists(m, m.manager == "kubectl")`, true},
		{`size(object.metadata) > 3`, true},
		{`size(object) > 3`, true},
		{`object.spec.x == 1`, false},
	}
	for _, tc := range cases {
		f, err := Compile([]string{tc.expr}, now)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Reads("metadata", "managedFields"); got != tc.want {
			t.Errorf("Reads(metadata.managedFields) of %s = %v, want %v", tc.expr, got, tc.want)
		}
	}
}

func TestCheckTypes(t *testing.T) {
	schema := map[string]string{"spec.replicas": "integer", "spec.color": "string", "spec.ratio": "number", "spec.suspend": "boolean"}
	typeOf := func(p []string) string { return schema[strings.Join(p, ".")] }
	tests := []struct {
		expr string
		want string // "" for no error
	}{
		{`object.spec.replicas > 3`, ""},
		{`object.spec.replicas > 2.5`, ""},
		{`object.spec.ratio < 1`, ""},
		{`object.spec.color == "red"`, ""},
		{`object.spec.unknown == "x"`, ""},
		{`object.spec.replicas > "3"`, `1:24: object.spec.replicas is of type integer in the schema of widgets.example.org, not string`},
		{`"red" != object.spec.replicas`, `1:1: object.spec.replicas is of type integer`},
		{`object.metadata.name.startsWith("a") && object.spec.color == 1`, `1:62: object.spec.color is of type string`},
		// an expression that is a field: a bool only where the schema says so
		{`object.spec.color`, `the expression is object.spec.color, of type string in the schema of widgets.example.org, not bool`},
		{`object.spec.suspend`, ""},
		{`object.spec.unknown`, ""},
		{`has(object.spec.color)`, ""},
	}
	for _, tt := range tests {
		f, err := Compile([]string{tt.expr}, time.Now())
		if err != nil {
			t.Fatalf("%s: %v", tt.expr, err)
		}
		err = f.CheckTypes("widgets.example.org", typeOf)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: unexpected %v", tt.expr, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: got %v, want %q", tt.expr, err, tt.want)
		}
	}
}

func TestPaths(t *testing.T) {
	f, err := Compile([]string{`object.status.phase == "Running" && object.status.phase != object.spec.x`, `size(object) > 1 && object.status.conditions.exists(c, c.type == "Ready")`}, now)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range f.Paths() {
		got = append(got, strings.Join(p, "."))
	}
	if want := "status.phase spec.x status.conditions"; strings.Join(got, " ") != want {
		t.Errorf("Paths = %q, want %q", got, want)
	}
}

func TestCompileErrorNamesItsFlag(t *testing.T) {
	_, err := Compile([]string{`object.x ==`}, now)
	var ce *CompileError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v is not a CompileError", err)
	}
	if !strings.HasPrefix(err.Error(), `invalid --where "object.x =="`) {
		t.Errorf("error %q does not name --where", err)
	}
	ce.Flag = "--for"
	if !strings.HasPrefix(err.Error(), `invalid --for "object.x =="`) {
		t.Errorf("error %q does not name --for", err)
	}
}

func TestEvalReturnsErrors(t *testing.T) {
	f, err := Compile([]string{`object.spec.replicas / 0 > 1`}, now)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := f.Eval(deployment()); ok || err == nil || !strings.Contains(err.Error(), "division by zero") {
		t.Errorf("Eval = %v, %v; want false and the division by zero", ok, err)
	}
	if n, _ := f.Failures(); n != 0 {
		t.Errorf("Eval counted %d failures, want none", n)
	}
	f, _ = Compile([]string{`object.status.nothere == 1`}, now)
	if ok, err := f.Eval(deployment()); ok || err != nil {
		t.Errorf("Eval of a missing field = %v, %v; want false, nil", ok, err)
	}
}
