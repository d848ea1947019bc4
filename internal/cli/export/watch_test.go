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
