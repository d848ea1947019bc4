package dynamicclient

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/client-go/rest"
)

// watchServer answers the list of configmaps with an empty list and
// their watch with stream, counting the requests of each.
type watchServer struct {
	stream        func(w http.ResponseWriter, r *http.Request)
	lists, watchs atomic.Int32
}

func (s *watchServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("watch") == "true" {
		s.watchs.Add(1)
		s.stream(w, r)
		return
	}
	s.lists.Add(1)
	w.Header().Set("Content-Type", "application/json")
	if strings.Contains(r.Header.Get("Accept"), "as=Table") {
		fmt.Fprint(w, `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"10"},"columnDefinitions":[{"name":"Name","type":"string"}],"rows":[]}`)
		return
	}
	fmt.Fprint(w, `{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"10"},"items":[]}`)
}

// TestWatchUndecodableStream: a watch stream of garbage, or an endless
// event, stops the watch with one error saying so, after one watch
// request: it was taken for an expired watch, listed again at once and
// forever ("expired and was started over", 64 times in 10 s).
func TestWatchUndecodableStream(t *testing.T) {
	smallCaps(t) // the endless event's
	cases := []struct {
		name   string
		stream func(w http.ResponseWriter, r *http.Request)
		want   string
	}{
		{"garbage", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, "garbage\n")
		}, "the server sent a watch stream of configmaps that cannot be decoded: couldn't get version/kind; json parse error: invalid character 'g' looking for beginning of value"},
		{"endless event", func(w http.ResponseWriter, r *http.Request) {
			endlessBody(w, r, `{"type":"ADDED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"`, "a")
		}, "the server sent a watch stream of configmaps that cannot be decoded: an event is larger than 256 KiB, kdx's cap for one watch event"},
		{"not an event", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"type":"SOMETHING","object":{}}`+"\n")
		}, "the server sent a watch stream of configmaps that cannot be decoded: got invalid watch event type: SOMETHING"},
	}
	for _, tc := range cases {
		for _, table := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, table %v", tc.name, table), func(t *testing.T) {
				s := &watchServer{stream: tc.stream}
				srv := httptest.NewServer(s)
				defer srv.Close()
				c, err := New(&rest.Config{Host: srv.URL})
				if err != nil {
					t.Fatal(err)
				}
				var mu sync.Mutex
				var notices []string
				// A bound, not a measure: under -race, beside the end-to-end
				// tests on two cores, reading an endless event to the real
				// cap (16 MiB) took more than 30 s.
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				defer cancel()
				err = c.Watch(ctx, []WatchSource{{Mapping: configMaps, Namespace: "ns"}}, WatchOptions{Table: table, Notify: func(n Notice) {
					mu.Lock()
					defer mu.Unlock()
					notices = append(notices, n.String())
				}}, func(WatchEvent) error { return nil })
				if err == nil || err.Error() != tc.want {
					t.Fatalf("error %v\nwant %s", err, tc.want)
				}
				if n := s.watchs.Load(); n != 1 {
					t.Errorf("%d watch requests, want 1", n)
				}
				mu.Lock()
				defer mu.Unlock()
				if len(notices) != 1 || notices[0] != "stopped watching configmaps: "+tc.want {
					t.Errorf("notices %q, want the one of the stop", notices)
				}
			})
		}
	}
}
