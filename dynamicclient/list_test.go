package dynamicclient

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/discovery"
)

var configMaps = discovery.Mapping{
	GVR:        schema.GroupVersionResource{Version: "v1", Resource: "configmaps"},
	GVK:        schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"},
	Namespaced: true,
}

// expiringServer serves two pages of configmaps whose continue token
// expires in between, answering the 410 with a new token as kube-apiserver
// does, in the format the request's Accept header asks for.
func expiringServer(t *testing.T) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		accept := r.Header.Get("Accept")
		switch r.URL.Query().Get("continue") {
		case "":
			fmt.Fprint(w, page(accept, "t1", "a", "b"))
		case "t1":
			w.WriteHeader(http.StatusGone)
			fmt.Fprint(w, `{"kind":"Status","apiVersion":"v1","metadata":{"continue":"t2"},"status":"Failure",`+
				`"message":"The provided continue parameter is too old to display a consistent list result.","reason":"Expired","code":410}`)
		case "t2":
			fmt.Fprint(w, page(accept, "", "c"))
		default:
			t.Errorf("unexpected request %s", r.URL)
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
}

// page is a page of configmaps in namespace ns, as the Accept header asks.
func page(accept, next string, names ...string) string {
	var items []string
	switch {
	case strings.Contains(accept, "as=Table"):
		for _, n := range names {
			items = append(items, fmt.Sprintf(`{"cells":[%q],"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":%q,"namespace":"ns"}}}`, n, n))
		}
		return fmt.Sprintf(`{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"continue":%q},"columnDefinitions":[{"name":"Name","type":"string"}],"rows":[%s]}`, next, strings.Join(items, ","))
	case strings.Contains(accept, "as=PartialObjectMetadataList"):
		for _, n := range names {
			items = append(items, fmt.Sprintf(`{"metadata":{"name":%q,"namespace":"ns"}}`, n))
		}
		return fmt.Sprintf(`{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":{"continue":%q},"items":[%s]}`, next, strings.Join(items, ","))
	}
	for _, n := range names {
		items = append(items, fmt.Sprintf(`{"metadata":{"name":%q,"namespace":"ns"}}`, n))
	}
	return fmt.Sprintf(`{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"continue":%q},"items":[%s]}`, next, strings.Join(items, ","))
}

// TestListsGoOnAfterExpiredToken runs each paged list against a server
// whose continue token expires: the token of the server's 410 is decoded
// from its Status, in each format.
func TestListsGoOnAfterExpiredToken(t *testing.T) {
	lists := map[string]func(c *Client, names *[]string) error{
		"ListPages": func(c *Client, names *[]string) error {
			return c.ListPages(context.Background(), configMaps, "ns", metav1.ListOptions{Limit: 2}, func(l *unstructured.UnstructuredList) error {
				*names = append(*names, unstructuredKeys(l)...)
				return nil
			})
		},
		"MetadataPages": func(c *Client, names *[]string) error {
			return c.MetadataPages(context.Background(), configMaps, "ns", metav1.ListOptions{Limit: 2}, func(l *metav1.PartialObjectMetadataList) error {
				*names = append(*names, metadataKeys(l)...)
				return nil
			})
		},
		"PrintablePages": func(c *Client, names *[]string) error {
			return c.PrintablePages(context.Background(), configMaps, "ns", metav1.ListOptions{Limit: 2}, metav1.IncludeMetadata, func(obj runtime.Object) error {
				*names = append(*names, printableKeys(obj)...)
				return nil
			})
		},
	}
	for name, list := range lists {
		t.Run(name, func(t *testing.T) {
			srv := expiringServer(t)
			defer srv.Close()
			var warnings bytes.Buffer
			c, err := New(&rest.Config{Host: srv.URL}, WithWarnings(&warnings))
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			if err := list(c, &names); err != nil {
				t.Fatalf("got error %v", err)
			}
			if want := []string{"ns/a", "ns/b", "ns/c"}; !reflect.DeepEqual(names, want) {
				t.Errorf("got %q, want %q", names, want)
			}
			if got := warnings.String(); strings.Count(got, "\n") != 1 || !strings.HasPrefix(got, "Warning: the list of configmaps ") {
				t.Errorf("got warnings %q, want one about configmaps", got)
			}
		})
	}
}

// TestListTriesA429MaxTriesTimes checks that a 429 is tried maxTries times
// in all, not also retried by client-go inside each try.
func TestListTriesA429MaxTriesTimes(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Retry-After", "1")
		http.Error(w, "Too many requests, please try again later.", http.StatusTooManyRequests)
	}))
	defer srv.Close()
	c, err := New(&rest.Config{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	var waits atomic.Int32
	c.wait = func(ctx context.Context, d time.Duration) error {
		waits.Add(1)
		if d != time.Second {
			t.Errorf("got a wait of %v, want the Retry-After of 1s", d)
		}
		return nil
	}
	lists := map[string]func() error{
		"ListPages": func() error {
			return c.ListPages(context.Background(), configMaps, "ns", metav1.ListOptions{Limit: 2}, func(*unstructured.UnstructuredList) error { return nil })
		},
		"MetadataPages": func() error {
			return c.MetadataPages(context.Background(), configMaps, "ns", metav1.ListOptions{Limit: 2}, func(*metav1.PartialObjectMetadataList) error { return nil })
		},
		"PrintablePages": func() error {
			return c.PrintablePages(context.Background(), configMaps, "ns", metav1.ListOptions{Limit: 2}, "", func(runtime.Object) error { return nil })
		},
		"MetadataPage": func() error {
			_, err := c.MetadataPage(context.Background(), configMaps, "ns", metav1.ListOptions{Limit: 1})
			return err
		},
	}
	for name, list := range lists {
		t.Run(name, func(t *testing.T) {
			requests.Store(0)
			waits.Store(0)
			if err := list(); !apierrors.IsTooManyRequests(err) {
				t.Errorf("got error %v, want a 429", err)
			}
			if got := requests.Load(); got != maxTries {
				t.Errorf("got %d requests, want %d", got, maxTries)
			}
			if got := waits.Load(); got != maxTries-1 {
				t.Errorf("got %d waits, want %d", got, maxTries-1)
			}
		})
	}
}

func TestRowKey(t *testing.T) {
	u := &unstructured.Unstructured{}
	u.SetNamespace("ns")
	u.SetName("u")
	tests := []struct {
		name string
		obj  runtime.RawExtension
		want string
	}{
		{"raw metadata", runtime.RawExtension{Raw: []byte(`{"metadata":{"name":"a","namespace":"ns"}}`)}, "ns/a"},
		{"cluster-scoped", runtime.RawExtension{Raw: []byte(`{"metadata":{"name":"n"}}`)}, "n"},
		{"decoded object", runtime.RawExtension{Object: u}, "ns/u"},
		{"slim row object", runtime.RawExtension{Object: &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "p"}}}, "ns/p"},
		{"no object", runtime.RawExtension{}, ""},
		{"not JSON", runtime.RawExtension{Raw: []byte(`{`)}, ""},
	}
	for _, tt := range tests {
		if got := rowKey(tt.obj); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestMetadataPageAsksForOnePage: the first page alone is one request,
// with no request for the page after it (MetadataPages asks for it while
// the first is handed on), and its items carry the mapping's kind.
func TestMetadataPageAsksForOnePage(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("continue") != "" {
			t.Errorf("unexpected request for the next page: %s", r.URL)
		}
		if got := r.URL.Query().Get("limit"); got != "1" {
			t.Errorf("got limit %q, want 1", got)
		}
		fmt.Fprint(w, `{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":{"continue":"t1","remainingItemCount":41},"items":[{"metadata":{"name":"a","namespace":"ns"}}]}`)
	}))
	defer srv.Close()
	c, err := New(&rest.Config{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	l, err := c.MetadataPage(context.Background(), configMaps, "ns", metav1.ListOptions{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Items) != 1 || l.Items[0].Name != "a" || l.Items[0].Kind != "ConfigMap" || l.Continue != "t1" || l.RemainingItemCount == nil || *l.RemainingItemCount != 41 {
		t.Errorf("got %+v", l)
	}
	time.Sleep(50 * time.Millisecond) // a request for the next page would have come
	if got := requests.Load(); got != 1 {
		t.Errorf("got %d requests, want 1", got)
	}
}
