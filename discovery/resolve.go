package discovery

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Mapping is one resource a type expression resolved to. GVR and GVK carry
// the chosen version: the preferred one unless the expression named another.
type Mapping struct {
	// Resource is the resource as discovered; its Version is the chosen one.
	Resource APIResource
	// GVR is the group, chosen version and plural.
	GVR schema.GroupVersionResource
	// GVK is the group, chosen version and kind.
	GVK schema.GroupVersionKind
	// Namespaced says whether objects live in a namespace.
	Namespaced bool
}

// QualifiedName is "plural.group", or "plural" for the core group, as
// kubectl names a resource in messages.
func (m Mapping) QualifiedName() string { return qualified(m.GVR.GroupResource()) }

// Target is a resource and the object names given for it (none: all).
type Target struct {
	Mapping
	// Names are the object names given, in the order typed.
	Names []string
}

// Resolver turns what the user typed into resources, as kubectl's
// discovery RESTMapper, shortcut expander and category expander do, over a
// Snapshot. When a name is not found in data read from the cache, it
// refreshes the snapshot once and tries again. It is safe for concurrent use.
type Resolver struct {
	client   *Client   // refreshes the snapshot; nil for a fixed snapshot
	warnings io.Writer // ambiguity warnings; nil discards them

	mu          sync.Mutex // guards the fields below
	snap        *Snapshot
	mapper      meta.RESTMapperWithContext // shortcut expander over the discovery mapper
	cats        categories                 // the snapshot's categories
	refreshed   bool                       // the one automatic refresh has been used
	revalidated bool                       // Revalidated has asked the server
	reset       bool                       // Reset was called: the next lookup asks the server first
	rechecked   bool                       // StillServed has asked the server
	warned      map[string]bool            // ambiguity warnings already printed, by text

	// elsewhere names the other clusters (contexts) that serve a type this
	// one does not (SetServedElsewhere); nil: none is asked.
	elsewhere func(ctx context.Context, typ string) []string
}

// SetServedElsewhere makes the resolver ask fn, for a type its server does
// not have, which other clusters serve it: its UnknownTypeError then names
// them (ServedBy) instead of suggesting names of this one. Call it before
// the resolver is used.
func (r *Resolver) SetServedElsewhere(fn func(ctx context.Context, typ string) []string) {
	r.elsewhere = fn
}

// servedElsewhere adds to err, an unknown type, the clusters that serve it.
func (r *Resolver) servedElsewhere(ctx context.Context, err error) {
	var e *UnknownTypeError
	if r.elsewhere != nil && errors.As(err, &e) && e.ServedBy == nil {
		e.ServedBy = r.elsewhere(ctx, e.Type)
	}
}

// NewResolver resolves over a fixed snapshot, never refreshing; warnings
// (may be nil) receives ambiguity warnings. Tests and callers that already
// hold a snapshot use it.
func NewResolver(s *Snapshot, warnings io.Writer) *Resolver {
	r := &Resolver{warnings: warnings, warned: map[string]bool{}}
	r.setSnapshot(s)
	return r
}

// Resolver returns a resolver over the client's snapshot that refreshes
// once, automatically, when a name is not found in cached data.
func (c *Client) Resolver(ctx context.Context) (*Resolver, error) {
	s, err := c.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	r := NewResolver(s, c.opts.Warnings)
	r.client = c
	return r, nil
}

// Snapshot is the snapshot the resolver currently uses.
func (r *Resolver) Snapshot() *Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.snap
}

func (r *Resolver) setSnapshot(s *Snapshot) {
	r.snap = s
	r.mapper = newShortcutMapper(newNameMapper(s), s)
	r.cats = newCategories(s.lists)
}

// state returns the current snapshot and mappers.
func (r *Resolver) state() (*Snapshot, meta.RESTMapperWithContext, categories) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.snap, r.mapper, r.cats
}

// refresh replaces cached data by the server's, once per resolver; it
// reports whether there is new data to try again with.
func (r *Resolver) refresh(ctx context.Context) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.client == nil || r.refreshed || !(r.snap.FromCache || r.reset) {
		return false
	}
	r.refreshed, r.reset = true, false
	s, err := r.client.Refresh(ctx)
	if err != nil {
		return false
	}
	r.setSnapshot(s)
	return true
}

// Reset makes the resolver forget what it read: its next lookup asks the
// server first (revalidating with the ETags), and a miss after that may
// refresh again.
func (r *Resolver) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refreshed, r.revalidated, r.rechecked = false, false, false
	r.reset = r.client != nil
}

// refreshIfReset refreshes now when Reset was called since the last refresh.
func (r *Resolver) refreshIfReset(ctx context.Context) {
	r.mu.Lock()
	pending := r.reset
	r.mu.Unlock()
	if pending {
		r.refresh(ctx)
	}
}

// Resolve resolves one type expression: plural, singular, Kind (any case),
// short name, resource.group, resource.version.group, Kind.version.group, a
// category (all) or a comma list of these. Mappings come in the order typed,
// without duplicates. A category is expanded over revalidated discovery
// (see Revalidated), since it stands for every type in it.
func (r *Resolver) Resolve(ctx context.Context, typ string) ([]Mapping, error) {
	r.refreshIfReset(ctx)
	if r.namesCategory(typ) {
		if _, err := r.Revalidated(ctx); err != nil {
			return nil, err
		}
	}
	ms, err := r.resolveList(ctx, typ)
	if IsUnknownType(err) && r.refresh(ctx) {
		ms, err = r.resolveList(ctx, typ)
	}
	if IsUnknownType(err) {
		r.warnSkipped(r.Snapshot().Failures) // the name may be in a group not read
		r.servedElsewhere(ctx, err)
	}
	return ms, err
}

func (r *Resolver) resolveList(ctx context.Context, typ string) ([]Mapping, error) {
	var out []Mapping
	seen := map[schema.GroupVersionResource]bool{}
	for _, n := range r.expandCategories(typ) {
		m, err := r.resolveOne(ctx, n.name, !n.fromCategory)
		if err != nil {
			return nil, err
		}
		if !seen[m.GVR] {
			seen[m.GVR] = true
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no resource type given in %q", typ)
	}
	return out, nil
}

// typedName is one name of a comma list, after category expansion.
type typedName struct {
	name         string
	fromCategory bool // the user typed a category, not this name
}

// expandCategories splits a comma list and replaces categories by their
// resources ("resource.group"), as kubectl's ReplaceAliases does.
func (r *Resolver) expandCategories(typ string) []typedName {
	_, _, cats := r.state()
	var out []typedName
	for _, part := range strings.Split(typ, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		grs, ok := cats.expand(part)
		if !ok {
			out = append(out, typedName{name: part})
			continue
		}
		for _, gr := range grs {
			out = append(out, typedName{name: qualified(gr), fromCategory: true})
		}
	}
	return out
}

func qualified(gr schema.GroupResource) string {
	if gr.Group == "" {
		return gr.Resource
	}
	return gr.Resource + "." + gr.Group
}

// resolveOne resolves a single name (no commas, no categories), warning
// about other matches when the user typed it.
func (r *Resolver) resolveOne(ctx context.Context, name string, typed bool) (Mapping, error) {
	m, err := r.mappingFor(ctx, name)
	if err == nil && typed {
		r.warnAmbiguous(name, m)
		r.warnSkippedBefore(m.GVR.GroupResource())
	}
	return m, err
}

// mappingFor is cli-runtime's Builder.mappingFor over the snapshot: first as
// a resource (plural, singular, short name; optionally .version.group),
// then as a kind (Kind, Kind.version.group).
func (r *Resolver) mappingFor(ctx context.Context, arg string) (Mapping, error) {
	snap, mapper, _ := r.state()
	fullGVR, gr := schema.ParseResourceArg(arg)
	var gvk schema.GroupVersionKind
	if fullGVR != nil {
		gvk, _ = mapper.KindForWithContext(ctx, *fullGVR)
	}
	if gvk.Empty() {
		gvk, _ = mapper.KindForWithContext(ctx, gr.WithVersion(""))
	}
	if !gvk.Empty() {
		m, err := mapper.RESTMappingWithContext(ctx, gvk.GroupKind(), gvk.Version)
		return toMapping(snap, m, err)
	}
	fullGVK, gk := schema.ParseKindArg(arg)
	if fullGVK == nil {
		v := gk.WithVersion("")
		fullGVK = &v
	}
	if !fullGVK.Empty() {
		if m, err := mapper.RESTMappingWithContext(ctx, fullGVK.GroupKind(), fullGVK.Version); err == nil {
			return toMapping(snap, m, nil)
		}
	}
	m, err := mapper.RESTMappingWithContext(ctx, gk)
	if meta.IsNoMatchError(err) {
		return Mapping{}, unknownType(snap, arg, gr, fullGVR)
	}
	return toMapping(snap, m, err)
}

func toMapping(snap *Snapshot, m *meta.RESTMapping, err error) (Mapping, error) {
	if err != nil {
		return Mapping{}, err
	}
	res, ok := snap.lookupVersion(m.Resource)
	if !ok {
		res = APIResource{Group: m.Resource.Group, Version: m.Resource.Version, Versions: []string{m.Resource.Version},
			Resource: m.Resource.Resource, Kind: m.GroupVersionKind.Kind}
	}
	namespaced := m.Scope.Name() == meta.RESTScopeNameNamespace
	res.Namespaced = namespaced
	return Mapping{Resource: res, GVR: m.Resource, GVK: m.GroupVersionKind, Namespaced: namespaced}, nil
}

// ResolveArgs resolves the resource arguments of a command as kubectl get
// does: "TYPE[,TYPE...] [NAME...]" or "TYPE/NAME..." (every argument with a
// slash). Targets come in the order first typed, one per resource, with the
// names given for it.
func (r *Resolver) ResolveArgs(ctx context.Context, args []string) ([]Target, error) {
	if len(args) == 0 {
		return nil, errors.New("you must specify the type of resource: a type such as pods, or TYPE/NAME")
	}
	args = normalizeArgs(args)
	tuples, err := splitTuples(args)
	if err != nil {
		return nil, err
	}
	if tuples != nil {
		ts, err := r.resolveTuples(ctx, tuples)
		if IsUnknownType(err) && r.refresh(ctx) {
			ts, err = r.resolveTuples(ctx, tuples)
		}
		if IsUnknownType(err) {
			r.warnSkipped(r.Snapshot().Failures)
			r.servedElsewhere(ctx, err)
		}
		return ts, err
	}
	ms, err := r.Resolve(ctx, args[0])
	if err != nil {
		return nil, err
	}
	out := make([]Target, len(ms))
	for i, m := range ms {
		out[i] = Target{Mapping: m, Names: append([]string(nil), args[1:]...)}
	}
	return out, nil
}

// resolveTuples resolves TYPE/NAME arguments, grouping names per resource.
func (r *Resolver) resolveTuples(ctx context.Context, tuples [][2]string) ([]Target, error) {
	var out []Target
	index := map[schema.GroupVersionResource]int{}
	for _, t := range tuples {
		m, err := r.resolveOne(ctx, t[0], true)
		if err != nil {
			return nil, err
		}
		i, ok := index[m.GVR]
		if !ok {
			i = len(out)
			index[m.GVR] = i
			out = append(out, Target{Mapping: m})
		}
		out[i].Names = append(out[i].Names, t[1])
	}
	return out, nil
}

// normalizeArgs turns "a,b x y" into a/x a/y b/x b/y, as kubectl does.
func normalizeArgs(args []string) []string {
	if len(args) < 2 || !strings.Contains(args[0], ",") {
		return args
	}
	var out []string
	for _, typ := range strings.Split(args[0], ",") {
		if typ == "" {
			continue
		}
		for _, name := range args[1:] {
			out = append(out, typ+"/"+name)
		}
	}
	return out
}

// splitTuples returns the TYPE/NAME pairs when every argument has a slash,
// nil when none has, and kubectl's errors otherwise.
func splitTuples(args []string) ([][2]string, error) {
	slashes := 0
	for _, a := range args {
		if strings.Contains(a, "/") {
			slashes++
		}
	}
	if slashes == 0 {
		return nil, nil
	}
	if slashes != len(args) {
		return nil, errors.New("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kdx get resource/<resource_name>' instead of 'kdx get resource resource/<resource_name>')")
	}
	out := make([][2]string, 0, len(args))
	for _, a := range args {
		seg := strings.Split(a, "/")
		if len(seg) != 2 {
			return nil, errors.New("arguments in resource/name form may not have more than one slash")
		}
		if seg[0] == "" || seg[1] == "" || strings.Contains(seg[0], ",") {
			return nil, errors.New("arguments in resource/name form must have a single resource and name")
		}
		out = append(out, [2]string{seg[0], seg[1]})
	}
	return out, nil
}
