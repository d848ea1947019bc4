package dynamicclient

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/discovery"
)

// TestWatchSyncedEvent: with SyncedEvent, the handler gets one SYNCED
// event, after every object of the first list of every source.
func TestWatchSyncedEvent(t *testing.T) {
	server := httptest.NewServer(&startingServer{})
	defer server.Close()
	c, err := New(&rest.Config{Host: server.URL})
	if err != nil {
		t.Fatal(err)
	}
	src := WatchSource{Namespace: "ns", Mapping: discovery.Mapping{
		GVR: schema.GroupVersionResource{Version: "v1", Resource: "configmaps"},
		GVK: schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, Namespaced: true}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var got []string
	err = c.Watch(ctx, []WatchSource{src, src}, WatchOptions{SyncedEvent: true}, func(ev WatchEvent) error {
		if ev.Type == Synced {
			got = append(got, "SYNCED")
			cancel()
			return nil
		}
		got = append(got, string(ev.Type)+" "+ev.Object.GetName())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := "ADDED a,ADDED a,SYNCED"; strings.Join(got, ",") != want {
		t.Errorf("events %q, want %q", strings.Join(got, ","), want)
	}
}
