package discovery

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	tests := []struct {
		name, typ string
		want      []string // "group/version/resource"
		warn      string   // substring of the warning, "" for none
	}{
		{"plural", "pods", []string{"/v1/pods"}, "pods.metrics.k8s.io"},
		{"aggregated API by group", "pods.metrics.k8s.io", []string{"metrics.k8s.io/v1beta1/pods"}, ""},
		{"singular", "pod", []string{"/v1/pods"}, ""},
		{"kind", "Pod", []string{"/v1/pods"}, ""},
		{"kind lower case", "pod", []string{"/v1/pods"}, ""},
		{"kind upper case", "POD", []string{"/v1/pods"}, ""},
		{"short name", "cm", []string{"/v1/configmaps"}, ""},
		{"resource.group", "deployments.apps", []string{"apps/v1/deployments"}, ""},
		{"resource.version.group", "horizontalpodautoscalers.v1.autoscaling", []string{"autoscaling/v1/horizontalpodautoscalers"}, ""},
		{"preferred version", "hpa", []string{"autoscaling/v2/horizontalpodautoscalers"}, ""},
		{"Kind.version.group", "Gadget.v1.multi.example.org", []string{"multi.example.org/v1/gadgets"}, ""},
		{"crd preferred version", "gadgets", []string{"multi.example.org/v2/gadgets"}, ""},
		{"resource only in older version", "oldthings", []string{"multi.example.org/v1/oldthings"}, ""},
		{"short.group", "deploy.apps", []string{"apps/v1/deployments"}, ""},
		{"cluster scoped crd", "widgetclass", []string{"multi.example.org/v2/widgetclasses"}, ""},
		{"built-in wins over crd plural", "deployments", []string{"apps/v1/deployments"}, "deployments.shadow.example.org"},
		{"built-in wins over crd kind", "Deployment", []string{"apps/v1/deployments"}, "deployments.shadow.example.org"},
		{"crd by group", "deployments.shadow.example.org", []string{"shadow.example.org/v1/deployments"}, ""},
		{"short name in two groups", "gd", []string{"multi.example.org/v2/gadgets"}, "gizmos.other.example.org"},
		{"comma list", "cm,secrets", []string{"/v1/configmaps", "/v1/secrets"}, ""},
		{"comma list deduplicated", "pods,po,pod", []string{"/v1/pods"}, "pods.metrics.k8s.io"},
		{"category all", "all", []string{"/v1/pods", "/v1/services", "apps/v1/deployments", "apps/v1/replicasets", "autoscaling/v2/horizontalpodautoscalers"}, ""},
		{"crd category", "kdxdemo", []string{"multi.example.org/v2/gadgets", "multi.example.org/v2/widgetclasses", "shadow.example.org/v1/deployments"}, ""},
		{"category and name", "kdxdemo,cm", []string{"multi.example.org/v2/gadgets", "multi.example.org/v2/widgetclasses", "shadow.example.org/v1/deployments", "/v1/configmaps"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var warn bytes.Buffer
			r := NewResolver(fakeSnapshot(), &warn)
			ms, err := r.Resolve(context.Background(), tt.typ)
			if err != nil {
				t.Fatalf("Resolve(%q): %v", tt.typ, err)
			}
			var got []string
			for _, m := range ms {
				got = append(got, m.GVR.Group+"/"+m.GVR.Version+"/"+m.GVR.Resource)
				if m.Resource.Version != m.GVR.Version || m.GVK.Version != m.GVR.Version {
					t.Errorf("Resolve(%q): versions disagree: %+v", tt.typ, m)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("Resolve(%q) = %v, want %v", tt.typ, got, tt.want)
			}
			if tt.warn == "" && warn.Len() > 0 || !strings.Contains(warn.String(), tt.warn) {
				t.Errorf("Resolve(%q) warned %q, want a warning naming %q", tt.typ, warn.String(), tt.warn)
			}
		})
	}
}

func TestResolveErrors(t *testing.T) {
	tests := []struct{ typ, want string }{
		{"deploymnts", `the server doesn't have a resource type "deploymnts"; did you mean deployments or deployments.shadow.example.org?`},
		{"gadgest", `the server doesn't have a resource type "gadgest"; did you mean gadgets?`},
		{"Gadget.v1.other.example.org", `the server doesn't have a resource type "Gadget" in group "other.example.org" and version "v1"; did you mean gadgets.multi.example.org?`},
		{"gadget.nope.example.org", `the server doesn't have a resource type "gadget" in group "nope.example.org"; did you mean gadgets.multi.example.org?`},
		{"gadgets.v9.multi.example.org", `the server doesn't have a resource type "gadgets" in group "multi.example.org" and version "v9"; did you mean gadgets.v2.multi.example.org or gadgets.v1.multi.example.org?`},
		{"zzzzzzzz", `the server doesn't have a resource type "zzzzzzzz"`},
		{"tt", `the server doesn't have a resource type "tt"`}, // not cm, cs or ep: every letter differs
		{"cmxyz.a-long-group-name.example.org", `the server doesn't have a resource type "cmxyz" in group "a-long-group-name.example.org"`},
		{"", `no resource type given in ""`},
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			_, err := NewResolver(fakeSnapshot(), nil).Resolve(context.Background(), tt.typ)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Resolve(%q) error = %v, want %q", tt.typ, err, tt.want)
			}
		})
	}
}

// TestResolveServedElsewhere: a type this server lacks that other
// clusters serve is said so, instead of suggesting this one's names; the
// other clusters are asked once, for the type as typed.
func TestResolveServedElsewhere(t *testing.T) {
	var asked []string
	r := NewResolver(fakeSnapshot(), nil)
	r.SetServedElsewhere(func(_ context.Context, typ string) []string {
		asked = append(asked, typ)
		if typ == "widgets" {
			return nil
		}
		return []string{"fleet-a", "prod east"}
	})
	_, err := r.Resolve(context.Background(), "cm,tt")
	if want := `the server doesn't have a resource type "tt"; contexts "fleet-a", "prod east" serve it`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
	_, err = r.ResolveArgs(context.Background(), []string{"deploymnts/x"})
	if want := `the server doesn't have a resource type "deploymnts"; contexts "fleet-a", "prod east" serve it`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
	_, err = r.Resolve(context.Background(), "widgets")
	if want := `the server doesn't have a resource type "widgets"`; err == nil || !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "serve it") {
		t.Errorf("served nowhere else: error %v, want %q", err, want)
	}
	if strings.Join(asked, " ") != "tt deploymnts widgets" {
		t.Errorf("asked for %q", asked)
	}
	e := &UnknownTypeError{Resource: "tt", ServedBy: []string{"fleet-a"}}
	if want := `the server doesn't have a resource type "tt"; context "fleet-a" serves it`; e.Error() != want {
		t.Errorf("%q, want %q", e.Error(), want)
	}
}

func TestResolveArgs(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    string // "resource:name,name resource:..."
		wantErr string
	}{
		{"type only", []string{"cm"}, "configmaps:", ""},
		{"type and names", []string{"cm", "a", "b"}, "configmaps:a,b", ""},
		{"comma list", []string{"cm,secrets"}, "configmaps: secrets:", ""},
		{"comma list and names", []string{"cm,secrets", "a", "b"}, "configmaps:a,b secrets:a,b", ""},
		{"type/name", []string{"cm/a", "secret/b", "configmap/c"}, "configmaps:a,c secrets:b", ""},
		{"category and name", []string{"kdxdemo", "x"}, "gadgets:x widgetclasses:x deployments:x", ""},
		{"mixed forms", []string{"cm", "secret/b"}, "", "there is no need to specify a resource type as a separate argument"},
		{"two slashes", []string{"cm/a/b"}, "", "arguments in resource/name form may not have more than one slash"},
		{"empty name", []string{"cm/"}, "", "arguments in resource/name form must have a single resource and name"},
		{"unknown in tuple", []string{"nope/a"}, "", `the server doesn't have a resource type "nope"`},
		{"none", nil, "", "you must specify the type of resource"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, err := NewResolver(fakeSnapshot(), nil).ResolveArgs(context.Background(), tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ResolveArgs(%q) error = %v, want %q", tt.args, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ResolveArgs(%q): %v", tt.args, err)
			}
			var got []string
			for _, tg := range ts {
				got = append(got, tg.GVR.Resource+":"+strings.Join(tg.Names, ","))
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("ResolveArgs(%q) = %q, want %q", tt.args, strings.Join(got, " "), tt.want)
			}
		})
	}
}
