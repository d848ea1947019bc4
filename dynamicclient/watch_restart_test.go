package dynamicclient

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/discovery"
)

// notReadyStatus is what a kube-apiserver that has just started answers
// for a CRD whose handler it has not installed yet.
const notReadyStatus = `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the request has been made before all known HTTP paths have been installed, please try again","reason":"ServiceUnavailable","details":{"retryAfterSeconds":5},"code":503}`

// startingServer answers the first notReady lists of configmaps in ns
// with the 503 of a server that is starting (Retry-After: 5), then lists
// one ConfigMap; a watch stays open with no event.
type startingServer struct {
	mu       sync.Mutex
	notReady int
	lists    int
}

func (s *startingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/api/v1/namespaces/ns/configmaps" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Query().Get("watch") == "true" {
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
		return
	}
	s.mu.Lock()
	s.lists++
	failing := s.lists <= s.notReady
	s.mu.Unlock()
	if failing {
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, notReadyStatus)
		return
	}
	meta := `{"name":"a","namespace":"ns","resourceVersion":"10"}`
	if strings.Contains(r.Header.Get("Accept"), "as=Table") {
		fmt.Fprintf(w, `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"10"},"columnDefinitions":[{"name":"Name","type":"string","format":"name"}],`+
			`"rows":[{"cells":["a"],"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":%s}}]}`, meta)
		return
	}
	fmt.Fprintf(w, `{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"10"},"items":[{"metadata":%s,"data":{"k":"v"}}]}`, meta)
}

// TestWatchListRetriesSoonWhileServerStarts: the list of a watch that
// meets a starting server's 503 with Retry-After: 5 is tried again after
// the reflector's short back-off, not the 5 s asked (client-go's REST
// client would sleep them inside the request): three lists, two refused,
// show the object well before one Retry-After has passed.
func TestWatchListRetriesSoonWhileServerStarts(t *testing.T) {
	for _, table := range []bool{false, true} {
		t.Run(fmt.Sprintf("table=%v", table), func(t *testing.T) {
			srv := &startingServer{notReady: 2}
			server := httptest.NewServer(srv)
			defer server.Close()
			c, err := New(&rest.Config{Host: server.URL})
			if err != nil {
				t.Fatal(err)
			}
			src := WatchSource{Namespace: "ns", Mapping: discovery.Mapping{
				GVR: schema.GroupVersionResource{Version: "v1", Resource: "configmaps"},
				GVK: schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, Namespaced: true}}
			// One Retry-After: the two refused lists would take twice as long
			// if their wait were obeyed; the reflector's is under 300 ms.
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			start := time.Now()
			var seen time.Duration
			err = c.Watch(ctx, []WatchSource{src}, WatchOptions{Table: table, Notify: func(Notice) {}}, func(ev WatchEvent) error {
				if ev.Object.GetName() == "a" {
					seen = time.Since(start)
					cancel()
				}
				return nil
			})
			if err != nil && ctx.Err() == nil {
				t.Fatal(err)
			}
			srv.mu.Lock()
			lists := srv.lists
			srv.mu.Unlock()
			if seen == 0 || lists != 3 {
				t.Fatalf("after %v: object seen after %v, %d lists; want it seen after the third list", time.Since(start), seen, lists)
			}
			t.Logf("seen %v after the start, after %d lists", seen.Round(time.Millisecond), lists)
		})
	}
}
