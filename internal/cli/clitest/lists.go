package clitest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	apidiscoveryv2 "k8s.io/api/apidiscovery/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"
)

// What APIServer serves beyond discovery, GET and merge patches of single
// objects (apiserver.go), as a real API server answers them:
//   - GET /version: ServerVersion;
//   - GET of a collection (of a namespace, or of all namespaces): a list of
//     the objects held, sorted by namespace and name, filtered by
//     labelSelector and fieldSelector (on any field outside lists); as a
//     Table (Accept as=Table: the default table of a server, "Name" and
//     "Created At", rows holding the object's metadata,
//     the whole object with includeObject=Object, nothing with None) or as
//     a PartialObjectMetadataList when the Accept header asks;
//   - GET of one object as a Table;
//   - GET of a collection with watch=true: a watch that sends the
//     creates, applies and updates below made after it started (ADDED or
//     MODIFIED, as Tables when asked), none of the older ones, and ends when
//     the client goes;
//   - POST to a collection: a create (409 when the object exists);
//   - PATCH application/apply-patch+yaml: a server-side apply, creating
//     the object (201) or merging into it (200);
//   - PUT: an update of an existing object;
//   - a 404 for a GET, PUT or patch of an object it does not hold, with the
//     server's message (configmaps "a" not found).
// Writes with dryRun store nothing. Each stored write gets a new
// resourceVersion and, when created, a uid and creationTimestamp.

// addGroup adds g to groups, or its resources to the group of its name:
// several resources of a group are one group of discovery.
func addGroup(groups []apidiscoveryv2.APIGroupDiscovery, g apidiscoveryv2.APIGroupDiscovery) []apidiscoveryv2.APIGroupDiscovery {
	for i := range groups {
		if groups[i].Name == g.Name {
			v := &groups[i].Versions[0]
			v.Resources = append(v.Resources, g.Versions[0].Resources...)
			return groups
		}
	}
	return append(groups, g)
}

// ServerVersion is the gitVersion of the fake server's /version.
const ServerVersion = "v1.37.2-clitest"

// Created is the creationTimestamp the fake server gives the objects it
// creates, so that outputs are the same on every run.
const Created = "2026-01-02T03:04:05Z"

var resourceVersion atomic.Int64

// apiPath is a request path split into its parts.
type apiPath struct {
	group, namespace, plural, name, sub string
	allNamespaces                       bool
}

// parsePath splits /api/v1/... and /apis/GROUP/v1/...; ok is false for
// any other path.
func parsePath(p string) (ap apiPath, ok bool) {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	switch {
	case len(parts) >= 3 && parts[0] == "api" && parts[1] == "v1":
		parts = parts[2:]
	case len(parts) >= 4 && parts[0] == "apis" && parts[2] == "v1":
		ap.group, parts = parts[1], parts[3:]
	default:
		return ap, false
	}
	if len(parts) >= 3 && parts[0] == "namespaces" {
		ap.namespace, parts = parts[1], parts[2:]
	} else {
		ap.allNamespaces = true
	}
	ap.plural = parts[0]
	if len(parts) > 1 {
		ap.name = parts[1]
	}
	if len(parts) > 2 {
		ap.sub = strings.Join(parts[2:], "/")
	}
	return ap, len(parts) <= 3
}

// collection is the path of the collection p's object is in.
func (p apiPath) collection() string {
	prefix := "/api/v1"
	if p.group != "" {
		prefix = "/apis/" + p.group + "/v1"
	}
	if !p.allNamespaces {
		prefix += "/namespaces/" + p.namespace
	}
	return prefix + "/" + p.plural
}

// serveMore answers what serveObject does not (see above); false leaves
// the request to serveObject.
func (s *APIServer) serveMore(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.Path == "/version" {
		writeJSON(w, http.StatusOK, map[string]string{"major": "1", "minor": "37", "gitVersion": ServerVersion, "platform": "linux/amd64"})
		return true
	}
	p, ok := parsePath(r.URL.Path)
	if !ok {
		return false
	}
	if r.Method == http.MethodGet && p.name == "" && r.URL.Query().Get("watch") == "true" {
		s.serveWatch(w, r, p)
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case r.Method == http.MethodGet && p.name == "":
		s.serveList(w, r, p)
	case r.Method == http.MethodPatch && r.Header.Get("Content-Type") == "application/apply-patch+yaml":
		s.apply(w, r)
	case r.Method != http.MethodPost && p.name != "" && p.sub == "" && s.objects[r.URL.Path] == nil:
		group := p.plural
		if p.group != "" {
			group += "." + p.group
		}
		writeJSON(w, http.StatusNotFound, map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404,
			"message": fmt.Sprintf("%s %q not found", group, p.name), "details": map[string]any{"name": p.name, "group": p.group, "kind": p.plural}})
	case r.Method == http.MethodGet && p.sub == "" && strings.Contains(r.Header.Get("Accept"), "as=Table"):
		obj, ok := s.objects[r.URL.Path]
		if !ok {
			return false
		}
		writeJSON(w, http.StatusOK, table([]map[string]any{obj}, r))
	case r.Method == http.MethodPost && p.name == "":
		s.create(w, r, p)
	case r.Method == http.MethodPut && p.sub == "":
		s.update(w, r)
	default:
		return false
	}
	return true
}

// serveList answers the list of the collection p as r asks.
func (s *APIServer) serveList(w http.ResponseWriter, r *http.Request, p apiPath) {
	sel, err := labels.Parse(r.URL.Query().Get("labelSelector"))
	if err != nil {
		writeStatus(w, http.StatusBadRequest, "BadRequest", err.Error())
		return
	}
	fieldSel, err := fields.ParseSelector(r.URL.Query().Get("fieldSelector"))
	if err != nil {
		writeStatus(w, http.StatusBadRequest, "BadRequest", err.Error())
		return
	}
	var paths []string
	for path := range s.objects {
		op, ok := parsePath(path)
		if !ok || op.group != p.group || op.plural != p.plural || op.name == "" || op.sub != "" ||
			(!p.allNamespaces && op.namespace != p.namespace) {
			continue
		}
		paths = append(paths, path)
	}
	sort.Strings(paths) // namespace, then name, as etcd's keys
	items := []map[string]any{}
	for _, path := range paths {
		obj := s.objects[path]
		meta, _ := obj["metadata"].(map[string]any)
		l := labels.Set{}
		if m, ok := meta["labels"].(map[string]any); ok {
			for k, v := range m {
				l[k] = fmt.Sprint(v)
			}
		}
		if sel.Matches(l) && fieldSel.Matches(flatten(obj, "", fields.Set{})) {
			items = append(items, obj)
		}
	}
	rv := fmt.Sprint(resourceVersion.Load() + 1)
	accept := r.Header.Get("Accept")
	switch {
	case strings.Contains(accept, "as=Table"):
		t := table(items, r)
		t.ResourceVersion = rv
		writeJSON(w, http.StatusOK, t)
	case strings.Contains(accept, "as=PartialObjectMetadataList"):
		l := metav1.PartialObjectMetadataList{TypeMeta: metav1.TypeMeta{APIVersion: "meta.k8s.io/v1", Kind: "PartialObjectMetadataList"},
			ListMeta: metav1.ListMeta{ResourceVersion: rv}}
		for _, obj := range items {
			l.Items = append(l.Items, partial(obj))
		}
		writeJSON(w, http.StatusOK, l)
	default:
		kind, apiVersion := "List", "v1"
		if len(items) > 0 {
			kind, _ = items[0]["kind"].(string)
			kind += "List"
			apiVersion, _ = items[0]["apiVersion"].(string)
		}
		writeJSON(w, http.StatusOK, map[string]any{"kind": kind, "apiVersion": apiVersion,
			"metadata": map[string]any{"resourceVersion": rv}, "items": items})
	}
}

// flatten is the string, number and bool fields of obj by their dotted
// paths (metadata.name, involvedObject.uid), for field selectors.
func flatten(obj map[string]any, prefix string, set fields.Set) fields.Set {
	for k, v := range obj {
		switch v := v.(type) {
		case map[string]any:
			flatten(v, prefix+k+".", set)
		case string, float64, bool:
			set[prefix+k] = fmt.Sprint(v)
		}
	}
	return set
}

// table is the default Table of a server for objs: Name and Created At.
func table(objs []map[string]any, r *http.Request) *metav1.Table {
	t := &metav1.Table{TypeMeta: metav1.TypeMeta{APIVersion: "meta.k8s.io/v1", Kind: "Table"},
		ColumnDefinitions: []metav1.TableColumnDefinition{
			{Name: "Name", Type: "string", Format: "name", Description: "Name must be unique within a namespace."},
			{Name: "Created At", Type: "date", Description: "CreationTimestamp is a timestamp representing the server time when this object was created."},
		}, Rows: []metav1.TableRow{}}
	for _, obj := range objs {
		p := partial(obj)
		row := metav1.TableRow{Cells: []any{p.Name, p.CreationTimestamp.UTC().Format(time.RFC3339)}}
		switch r.URL.Query().Get("includeObject") {
		case "None":
		case "Object":
			row.Object = runtime.RawExtension{Object: nil, Raw: mustJSON(obj)}
		default:
			row.Object = runtime.RawExtension{Raw: mustJSON(p)}
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// partial is obj's metadata as a PartialObjectMetadata.
func partial(obj map[string]any) metav1.PartialObjectMetadata {
	var p metav1.PartialObjectMetadata
	_ = json.Unmarshal(mustJSON(map[string]any{"metadata": obj["metadata"]}), &p)
	p.APIVersion, p.Kind = "meta.k8s.io/v1", "PartialObjectMetadata"
	return p
}

// create stores the object of a POST to the collection p.
func (s *APIServer) create(w http.ResponseWriter, r *http.Request, p apiPath) {
	obj, ok := readObject(w, r, false)
	if !ok {
		return
	}
	meta, _ := obj["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	path := p.collection() + "/" + name
	if _, exists := s.objects[path]; exists {
		writeStatus(w, http.StatusConflict, "AlreadyExists", fmt.Sprintf("%s %q already exists", p.plural, name))
		return
	}
	s.store(w, r, path, obj, true)
}

// apply creates or merges the object of a server-side apply.
func (s *APIServer) apply(w http.ResponseWriter, r *http.Request) {
	obj, ok := readObject(w, r, true)
	if !ok {
		return
	}
	old, exists := s.objects[r.URL.Path]
	if exists {
		obj = mergeJSON(copyJSON(old), obj)
	}
	s.store(w, r, r.URL.Path, obj, !exists)
}

// update replaces an existing object.
func (s *APIServer) update(w http.ResponseWriter, r *http.Request) {
	obj, ok := readObject(w, r, false)
	if !ok {
		return
	}
	old := s.objects[r.URL.Path]
	meta, _ := obj["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		obj["metadata"] = meta
	}
	oldMeta, _ := old["metadata"].(map[string]any)
	if rv, _ := meta["resourceVersion"].(string); rv != "" && rv != oldMeta["resourceVersion"] {
		writeStatus(w, http.StatusConflict, "Conflict", "the object has been modified; please apply your changes to the latest version and try again")
		return
	}
	meta["uid"], meta["creationTimestamp"] = oldMeta["uid"], oldMeta["creationTimestamp"]
	s.store(w, r, r.URL.Path, obj, false)
}

// store keeps obj at path (unless dryRun) and answers it: 201 when created.
func (s *APIServer) store(w http.ResponseWriter, r *http.Request, path string, obj map[string]any, created bool) {
	meta, _ := obj["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		obj["metadata"] = meta
	}
	if p, ok := parsePath(path); ok && !p.allNamespaces {
		meta["namespace"] = p.namespace
	}
	if created {
		meta["uid"] = fmt.Sprintf("00000000-0000-0000-0000-%012d", resourceVersion.Load()+1)
		meta["creationTimestamp"] = Created
	}
	if r.URL.Query().Get("dryRun") == "" {
		meta["resourceVersion"] = fmt.Sprint(resourceVersion.Add(1))
		s.objects[path] = obj
		typ := "MODIFIED"
		if created {
			typ = "ADDED"
		}
		hubOf(s).send(path, typ, copyJSON(obj))
	}
	code := http.StatusOK
	if created {
		code = http.StatusCreated
	}
	writeJSON(w, code, obj)
}

// readObject decodes the request's body (YAML for an apply).
func readObject(w http.ResponseWriter, r *http.Request, isYAML bool) (map[string]any, bool) {
	body, _ := io.ReadAll(r.Body)
	var err error
	if isYAML {
		body, err = yaml.YAMLToJSON(body)
	}
	var obj map[string]any
	if err == nil {
		err = json.Unmarshal(body, &obj)
	}
	if err != nil || obj == nil {
		writeStatus(w, http.StatusBadRequest, "BadRequest", fmt.Sprintf("the body is not an object: %v", err))
		return nil, false
	}
	return obj, true
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func writeStatus(w http.ResponseWriter, code int, reason, msg string) {
	writeJSON(w, code, map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": reason, "code": code, "message": msg})
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// Object is the object held at path, as JSON, and whether there is one.
func (s *APIServer) Object(path string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	obj, ok := s.objects[path]
	if !ok {
		return "", false
	}
	return string(mustJSON(obj)), true
}

// A hub is the watches of a server; hubs holds them by server (the
// APIServer type is apiserver.go's).
type hub struct {
	mu      sync.Mutex
	watches map[*watcher]bool
}

type watcher struct {
	p      apiPath
	events chan watchEvent
}

type watchEvent struct {
	typ string
	obj map[string]any
}

var hubs sync.Map // *APIServer -> *hub

func hubOf(s *APIServer) *hub {
	h, _ := hubs.LoadOrStore(s, &hub{watches: map[*watcher]bool{}})
	return h.(*hub)
}

// send gives the event of the object at path to the watches of its
// collection.
func (h *hub) send(path, typ string, obj map[string]any) {
	op, ok := parsePath(path)
	if !ok {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for w := range h.watches {
		if w.p.group == op.group && w.p.plural == op.plural && (w.p.allNamespaces || w.p.namespace == op.namespace) {
			select {
			case w.events <- watchEvent{typ, obj}:
			default: // a watch that does not read loses the event
			}
		}
	}
}

// Watches is how many watches the server is serving.
func (s *APIServer) Watches() int {
	h := hubOf(s)
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.watches)
}

// serveWatch streams the events of the collection p until the client goes.
func (s *APIServer) serveWatch(w http.ResponseWriter, r *http.Request, p apiPath) {
	h := hubOf(s)
	wt := &watcher{p: p, events: make(chan watchEvent, 100)}
	h.mu.Lock()
	h.watches[wt] = true
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.watches, wt)
		h.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.(http.Flusher).Flush()
	enc := json.NewEncoder(w)
	for {
		select {
		case <-r.Context().Done():
			return
		case e := <-wt.events:
			var obj any = e.obj
			if strings.Contains(r.Header.Get("Accept"), "as=Table") {
				t := table([]map[string]any{e.obj}, r)
				meta, _ := e.obj["metadata"].(map[string]any)
				t.ResourceVersion, _ = meta["resourceVersion"].(string)
				obj = t
			}
			_ = enc.Encode(map[string]any{"type": e.typ, "object": obj})
			w.(http.Flusher).Flush()
		}
	}
}
