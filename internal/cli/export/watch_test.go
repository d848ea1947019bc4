package export

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/export"
)

// TestTreeWatchWritesTheWatchedType hands --watch events of the Secrets
// watched whose objects say they are ConfigMaps (a hostile server): they
// are written to, and removed from, the Secrets' directory, 0600.
func TestTreeWatchWritesTheWatchedType(t *testing.T) {
	root := t.TempDir()
	sink, err := export.NewDirSink(root, export.FormatYAML)
	if err != nil {
		t.Fatal(err)
	}
	secrets := discovery.Mapping{GVR: schema.GroupVersionResource{Version: "v1", Resource: "secrets"},
		GVK: schema.GroupVersionKind{Version: "v1", Kind: "Secret"}, Namespaced: true}
	w := &treeWatch{sink: sink, cleaner: export.NewCleaner(export.CleanOptions{}), targets: []discovery.Target{{Mapping: secrets}}}
	handle := w.handle(context.Background())
	obj := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "s1", "namespace": "shop"}, "data": map[string]any{"k": "dg=="}}}
	if err := handle(dynamicclient.WatchEvent{Type: watch.Added, Object: obj}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(root, "shop/core/Secret/s1.yaml")
	if info, err := os.Stat(file); err != nil || info.Mode().Perm() != export.SecretMode {
		t.Fatalf("the Secret's file: %v (mode %v), want %v", err, info, export.SecretMode)
	}
	if err := handle(dynamicclient.WatchEvent{Type: watch.Deleted, Object: obj}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("the Secret's file stays after its deletion: %v", err)
	}
	if len(w.batch) != 2 {
		t.Errorf("batch %q, want a write and a removal", w.batch)
	}
}

// TestTreeWatchRemovesWhatItsListLacks: the watch lists the types again
// after the export, and an object deleted in between is in neither that
// list nor any event. Once the first lists are in (the Synced event), its
// file goes; unless a source stopped, when what it would have listed is
// unknown.
func TestTreeWatchRemovesWhatItsListLacks(t *testing.T) {
	cms := discovery.Mapping{GVR: schema.GroupVersionResource{Version: "v1", Resource: "configmaps"},
		GVK: schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, Namespaced: true}
	cm := func(name string) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": name, "namespace": "shop"}, "data": map[string]any{"k": "v"}}}
	}
	for _, stopped := range []bool{false, true} {
		root := t.TempDir()
		sink, err := export.NewDirSink(root, export.FormatYAML)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"keep", "gone"} { // the export
			if err := sink.Write(context.Background(), cm(name)); err != nil {
				t.Fatal(err)
			}
		}
		w := &treeWatch{sink: sink, cleaner: export.NewCleaner(export.CleanOptions{}), targets: []discovery.Target{{Mapping: cms}},
			exported: sink.Stored(), listed: map[string]bool{}}
		w.stopped.Store(stopped)
		handle := w.handle(context.Background())
		if err := handle(dynamicclient.WatchEvent{Type: watch.Added, Object: cm("keep")}); err != nil {
			t.Fatal(err)
		}
		if err := handle(dynamicclient.WatchEvent{Type: dynamicclient.Synced, Source: -1}); err != nil {
			t.Fatal(err)
		}
		_, errGone := os.Stat(filepath.Join(root, "shop/core/ConfigMap/gone.yaml"))
		if _, err := os.Stat(filepath.Join(root, "shop/core/ConfigMap/keep.yaml")); err != nil {
			t.Errorf("stopped %v: the listed object's file: %v", stopped, err)
		}
		switch {
		case !stopped && (!os.IsNotExist(errGone) || len(w.batch) != 1 || w.batch[0] != "removed shop/core/ConfigMap/gone.yaml"):
			t.Errorf("the file of the object not listed: %v, batch %q; want it removed", errGone, w.batch)
		case stopped && (errGone != nil || len(w.batch) != 0):
			t.Errorf("a source stopped: the unlisted file %v, batch %q; want it left", errGone, w.batch)
		}
		// Later events are the watch's: a second Synced removes nothing.
		if err := handle(dynamicclient.WatchEvent{Type: dynamicclient.Synced, Source: -1}); err != nil {
			t.Fatal(err)
		}
	}
}
