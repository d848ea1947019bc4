package dynamicclient

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/discovery"
)

// pagedServer lists the ConfigMaps of ns as tables in three pages (a b,
// c d, e) at resourceVersion 100, sending the second page only once
// release is closed; a watch sends f (resourceVersion 101) and stays open.
type pagedServer struct {
	release chan struct{}

	mu sync.Mutex
	// lists are the list requests' resourceVersion, limit and continue;
	// watchRV the resourceVersion the watch started from.
	lists   []string
	watchRV string
}

func (s *pagedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/api/v1/namespaces/ns/configmaps" {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	w.Header().Set("Content-Type", "application/json")
	if q.Get("watch") == "true" {
		s.mu.Lock()
		s.watchRV = q.Get("resourceVersion")
		s.mu.Unlock()
		w.WriteHeader(http.StatusOK)
		fmt.Fprintf(w, `{"type":"ADDED","object":%s}`+"\n", tableJSON("101", "", "f"))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
		return
	}
	s.mu.Lock()
	s.lists = append(s.lists, fmt.Sprintf("rv=%q limit=%s continue=%q", q.Get("resourceVersion"), q.Get("limit"), q.Get("continue")))
	s.mu.Unlock()
	switch q.Get("continue") {
	case "":
		fmt.Fprint(w, tableJSON("100", "page2", "a", "b"))
	case "page2":
		select {
		case <-s.release:
		case <-r.Context().Done():
			return
		}
		fmt.Fprint(w, tableJSON("100", "page3", "c", "d"))
	default:
		fmt.Fprint(w, tableJSON("100", "", "e"))
	}
}

// tableJSON is a Table of ConfigMaps in ns, each at resourceVersion rv.
func tableJSON(rv, cont string, names ...string) string {
	rows := make([]string, len(names))
	for i, n := range names {
		rows[i] = fmt.Sprintf(`{"cells":[%q],"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":%q,"namespace":"ns","resourceVersion":%q}}}`, n, n, rv)
	}
	return fmt.Sprintf(`{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":%q,"continue":%q},`+
		`"columnDefinitions":[{"name":"Name","type":"string","format":"name"}],"rows":[%s]}`, rv, cont, strings.Join(rows, ","))
}

// newPagedServer starts a pagedServer and a client of it.
func newPagedServer(t *testing.T) (*pagedServer, *Client) {
	s := &pagedServer{release: make(chan struct{})}
	server := httptest.NewServer(s)
	t.Cleanup(server.Close)
	c, err := New(&rest.Config{Host: server.URL})
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

func pagedSource() WatchSource {
	return WatchSource{Namespace: "ns", Mapping: discovery.Mapping{
		GVR: schema.GroupVersionResource{Version: "v1", Resource: "configmaps"},
		GVK: schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, Namespaced: true}}
}

// TestWatchListPagesHandsOutEachPage: with ListPages, the rows of the
// first list's first page reach the handler while the second page is
// still held by the server; the first list is asked in pages at the
// latest resourceVersion (not 0, which the watch cache answers in one
// piece), Synced comes after the last page, and the watch starts from the
// list's resourceVersion.
func TestWatchListPagesHandsOutEachPage(t *testing.T) {
	s, c := newPagedServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var mu sync.Mutex
	var got []string
	synced := false
	opts := WatchOptions{Table: true, ListPages: true, SyncedEvent: true,
		Synced: func() { mu.Lock(); synced = true; mu.Unlock() }}
	err := c.Watch(ctx, []WatchSource{pagedSource()}, opts, func(ev WatchEvent) error {
		mu.Lock()
		defer mu.Unlock()
		if ev.Type == Synced {
			got = append(got, "SYNCED")
			return nil
		}
		got = append(got, fmt.Sprintf("%s %s@%s", ev.Type, ev.Row.Cells[0], ev.Object.GetResourceVersion()))
		switch ev.Object.GetName() {
		case "b": // the first page, shown before the second was sent
			if synced {
				t.Error("synced after the first page")
			}
			close(s.release)
		case "f":
			cancel()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "ADDED a@100,ADDED b@100,ADDED c@100,ADDED d@100,ADDED e@100,SYNCED,ADDED f@101"
	if g := strings.Join(got, ","); g != want {
		t.Errorf("events %q,\nwant %q", g, want)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	wantLists := `rv="" limit=500 continue="",rv="" limit=500 continue="page2",rv="" limit=500 continue="page3"`
	if g := strings.Join(s.lists, ","); g != wantLists {
		t.Errorf("lists %s,\nwant %s", g, wantLists)
	}
	if s.watchRV != "100" {
		t.Errorf("the watch started from resourceVersion %q, want the list's 100", s.watchRV)
	}
}

// TestWatchWithoutListPagesListsAtOnce: without ListPages (the commands),
// the first list is asked at resourceVersion 0 as client-go's reflector
// asks it, and nothing of it is handed out before its last page.
func TestWatchWithoutListPagesListsAtOnce(t *testing.T) {
	s, c := newPagedServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go func() {
		time.Sleep(200 * time.Millisecond) // the first page has been listed by then
		close(s.release)
	}()
	start := time.Now()
	var got []string
	err := c.Watch(ctx, []WatchSource{pagedSource()}, WatchOptions{Table: true}, func(ev WatchEvent) error {
		if ev.Object.GetName() == "a" && time.Since(start) < 200*time.Millisecond {
			t.Error("the first page was handed out before the whole list")
		}
		got = append(got, fmt.Sprintf("%s %s", ev.Type, ev.Object.GetName()))
		if ev.Object.GetName() == "f" {
			cancel()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if g, want := strings.Join(got, ","), "ADDED a,ADDED b,ADDED c,ADDED d,ADDED e,ADDED f"; g != want {
		t.Errorf("events %q, want %q", g, want)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.lists) == 0 || !strings.HasPrefix(s.lists[0], `rv="0"`) {
		t.Errorf("first list %v, want it at resourceVersion 0", s.lists)
	}
}

// TestRVStorePagesThenReplace: the pages of a first list are handed out as
// they come; a failed attempt's objects are not shown twice by the next
// attempt, one changed since is MODIFIED and one gone since is DELETED by
// the Replace that ends the list, which emits nothing else.
func TestRVStorePagesThenReplace(t *testing.T) {
	s, got, notices := testStore(false)
	// page hands out a page and returns what the reflector keeps of it
	page := func(objs ...*unstructured.Unstructured) []any {
		t.Helper()
		list := &unstructured.UnstructuredList{}
		for _, o := range objs {
			list.Items = append(list.Items, *o)
		}
		keys, err := s.page(list)
		if err != nil {
			t.Fatal(err)
		}
		if keys == nil {
			return items(objs...)
		}
		var kept []any
		for _, k := range keys {
			kept = append(kept, k)
		}
		return kept
	}
	page(obj("a", "1"), obj("b", "1")) // an attempt that fails after its first page
	first := page(obj("a", "2"))       // the next attempt
	second := page(obj("c", "2"))
	if err := s.Replace(append(first, second...), "2"); err != nil {
		t.Fatal(err)
	}
	want := []string{"ADDED a@1", "ADDED b@1", "MODIFIED a@2", "ADDED c@2", "DELETED b@1 (relist)"}
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("events %q, want %q", *got, want)
	}
	if len(*notices) != 0 {
		t.Errorf("notices %v, want none for a first list", *notices)
	}
	// a relist is shown as its difference, at its end
	*got = nil
	page(obj("d", "3"))
	if len(*got) != 0 {
		t.Errorf("a relist's page handed out %q", *got)
	}
}

// TestRVStorePagesHeldBack: a page that comes while the sources before
// this one are still listing waits, with the rest of its list, for
// Replace, which shows the list in key order.
func TestRVStorePagesHeldBack(t *testing.T) {
	s, got, _ := testStore(false)
	prev := make(chan struct{})
	s.prev = prev
	list := func(objs ...*unstructured.Unstructured) *unstructured.UnstructuredList {
		l := &unstructured.UnstructuredList{}
		for _, o := range objs {
			l.Items = append(l.Items, *o)
		}
		return l
	}
	if keys, err := s.page(list(obj("a", "1"))); err != nil || keys != nil {
		t.Fatalf("page: keys %v, %v; want held back", keys, err)
	}
	close(prev)
	if keys, err := s.page(list(obj("b", "1"))); err != nil || keys != nil {
		t.Fatalf("page: keys %v, %v; want held back", keys, err)
	}
	if len(*got) != 0 {
		t.Fatalf("held-back pages handed out %q", *got)
	}
	if err := s.Replace(items(obj("a", "1"), obj("b", "1")), "1"); err != nil {
		t.Fatal(err)
	}
	if want := []string{"ADDED a@1", "ADDED b@1"}; !reflect.DeepEqual(*got, want) {
		t.Errorf("events %q, want %q", *got, want)
	}
}

// TestWatchListPagesKeepsKeys: with ListPages, what the reflector keeps of
// a page already handed out until the end of the list is its objects' keys
// and resourceVersions, not their rows and metadata (the reflector holds
// every page of a long list until the last: 10,000 ConfigMaps' metadata
// was most of kdx ui's peak heap); a page held back keeps its rows.
func TestWatchListPagesKeepsKeys(t *testing.T) {
	s := &pagedServer{release: closedChan()}
	server := httptest.NewServer(s)
	defer server.Close()
	c, err := New(&rest.Config{Host: server.URL})
	if err != nil {
		t.Fatal(err)
	}
	var handed []string
	w := newWatchRun(c, []WatchSource{pagedSource()}, WatchOptions{Table: true, ListPages: true})
	emit := func(_ context.Context, ev WatchEvent) error {
		handed = append(handed, ev.Object.GetName())
		return nil
	}
	src := w.newSource(0, closedChan(), make(chan struct{}))
	src.store.ctx = context.Background()
	src.store.emit = emit
	page, err := src.lw.ListWithContext(context.Background(), metav1.ListOptions{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	list, ok := page.(*rowList)
	if !ok {
		t.Fatalf("page %T, want *rowList", page)
	}
	var kept []string
	for _, item := range list.Items {
		k, ok := item.(*listedKey)
		if !ok {
			t.Fatalf("the reflector keeps a %T of a page handed out, want its key", item)
		}
		kept = append(kept, k.key+"@"+k.rv)
	}
	if g, want := strings.Join(kept, ","), "ns/a@100,ns/b@100"; g != want {
		t.Errorf("kept %q, want %q", g, want)
	}
	if list.Continue != "page2" || list.ResourceVersion != "100" {
		t.Errorf("list metadata continue=%q resourceVersion=%q, want page2 and 100", list.Continue, list.ResourceVersion)
	}
	if g := strings.Join(handed, ","); g != "a,b" {
		t.Errorf("handed out %q, want a,b", g)
	}

	// a page held back (the sources before still listing) keeps its rows
	held := w.newSource(0, make(chan struct{}), make(chan struct{}))
	held.store.ctx = context.Background()
	held.store.emit = emit
	page, err = held.lw.ListWithContext(context.Background(), metav1.ListOptions{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if list, ok := page.(*rowList); !ok || len(list.Items) != 2 {
		t.Fatalf("held-back page %#v, want its 2 rows", page)
	} else if _, ok := list.Items[0].(*rowObject); !ok {
		t.Errorf("a held-back page keeps a %T, want its rows", list.Items[0])
	}
}
