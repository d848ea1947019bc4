package wait

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
)

// fakeWatcher serves Watch from objects held in memory: a first list of
// each source, SYNCED, then each change sent on changes, to every source
// it matches, until ctx ends or the handler stops.
type fakeWatcher struct {
	mu      sync.Mutex
	objects []*unstructured.Unstructured
	// stop makes the sources of these resources stop with this error.
	stop    map[string]error
	changes chan change
	// sources are the sources of the last Watch.
	sources []dynamicclient.WatchSource
}

// errStoppedLater is the error of a watch stopped by a STOP change.
var errStoppedLater = errors.New("the watch stopped")

type change struct {
	typ watch.EventType
	obj *unstructured.Unstructured
}

func newFake(objs ...*unstructured.Unstructured) *fakeWatcher {
	return &fakeWatcher{objects: objs, changes: make(chan change, 100)}
}

func (f *fakeWatcher) send(typ watch.EventType, obj *unstructured.Unstructured) {
	f.changes <- change{typ, obj}
}

func matches(s dynamicclient.WatchSource, o *unstructured.Unstructured) bool {
	if o.GroupVersionKind().GroupKind() != s.GVK.GroupKind() {
		return false
	}
	if s.Namespace != "" && o.GetNamespace() != s.Namespace {
		return false
	}
	if name, ok := strings.CutPrefix(s.FieldSelector, "metadata.name="); ok && o.GetName() != name {
		return false
	}
	sel, err := labels.Parse(s.LabelSelector)
	return err == nil && sel.Matches(labels.Set(o.GetLabels()))
}

func (f *fakeWatcher) Watch(ctx context.Context, sources []dynamicclient.WatchSource, opts dynamicclient.WatchOptions, handle func(dynamicclient.WatchEvent) error) error {
	f.mu.Lock()
	f.sources = sources
	objs := append([]*unstructured.Unstructured(nil), f.objects...)
	f.mu.Unlock()
	stopped := 0
	for i, s := range sources {
		if err := f.stop[s.GVR.Resource]; err != nil {
			stopped++
			opts.Notify(dynamicclient.Notice{Kind: dynamicclient.NoticeStopped, Source: i, Resource: s.Name(), Err: err})
			continue
		}
		for _, o := range objs {
			if matches(s, o) {
				if err := handle(dynamicclient.WatchEvent{Type: watch.Added, Source: i, Object: o}); err != nil {
					return err
				}
			}
		}
	}
	if stopped == len(sources) {
		return f.stop[sources[0].GVR.Resource]
	}
	if opts.SyncedEvent {
		if err := handle(dynamicclient.WatchEvent{Type: dynamicclient.Synced, Source: -1}); err != nil {
			return err
		}
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case c := <-f.changes:
			if c.typ == "STOP" {
				for i, s := range sources {
					if s.GVK.GroupKind() == c.obj.GroupVersionKind().GroupKind() {
						opts.Notify(dynamicclient.Notice{Kind: dynamicclient.NoticeStopped, Source: i, Resource: s.Name(), Err: errStoppedLater})
					}
				}
				continue
			}
			for i, s := range sources {
				if f.stop[s.GVR.Resource] == nil && matches(s, c.obj) {
					if err := handle(dynamicclient.WatchEvent{Type: c.typ, Source: i, Object: c.obj}); err != nil {
						return err
					}
				}
			}
		}
	}
}

var (
	deployments = discovery.Mapping{
		GVR: schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"},
		GVK: schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}, Namespaced: true}
	widgets = discovery.Mapping{
		GVR: schema.GroupVersionResource{Group: "example.com", Version: "v1", Resource: "widgets"},
		GVK: schema.GroupVersionKind{Group: "example.com", Version: "v1", Kind: "Widget"}, Namespaced: true}
)

// object is an object of m in namespace ns, with labels and status.
func object(m discovery.Mapping, ns, name string, labels map[string]any, status map[string]any) *unstructured.Unstructured {
	o := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": m.GVK.GroupVersion().String(), "kind": m.GVK.Kind,
		"metadata": map[string]any{"name": name, "namespace": ns, "generation": int64(1)},
	}}
	if labels != nil {
		o.Object["metadata"].(map[string]any)["labels"] = labels
	}
	if status != nil {
		o.Object["status"] = status
	}
	return o
}

// conditions is a status with these conditions, TYPE=STATUS.
func conditions(conds ...string) map[string]any {
	var list []any
	for _, c := range conds {
		typ, status, _ := strings.Cut(c, "=")
		list = append(list, map[string]any{"type": typ, "status": status, "reason": "Because" + status})
	}
	return map[string]any{"conditions": list}
}

// unstructuredObj wraps a map as an object.
type unstructuredObj struct{ u unstructured.Unstructured }

func newObj(m map[string]any) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: m}
}

// syncWriter is a buffer written from the wait's goroutine.
type syncWriter struct {
	mu sync.Mutex
	b  *bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}
