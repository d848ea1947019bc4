package discovery

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// UnknownTypeError is a type expression that matches no resource.
type UnknownTypeError struct {
	// Type is what the user typed.
	Type string
	// Resource, Group and Version are how kubectl parsed it.
	Resource, Group, Version string
	// Suggestions are the closest real names, best first.
	Suggestions []string
	// ServedBy are the other clusters (contexts) that serve the type, when
	// asked (Resolver.SetServedElsewhere): said instead of Suggestions.
	ServedBy []string
}

func (e *UnknownTypeError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the server doesn't have a resource type %q", e.Resource)
	switch {
	case e.Group != "" && e.Version != "":
		fmt.Fprintf(&b, " in group %q and version %q", e.Group, e.Version)
	case e.Group != "":
		fmt.Fprintf(&b, " in group %q", e.Group)
	case e.Version != "":
		fmt.Fprintf(&b, " in version %q", e.Version)
	}
	switch {
	case len(e.ServedBy) == 1:
		fmt.Fprintf(&b, "; context %q serves it", e.ServedBy[0])
	case len(e.ServedBy) > 1:
		quoted := make([]string, len(e.ServedBy))
		for i, c := range e.ServedBy {
			quoted[i] = strconv.Quote(c)
		}
		fmt.Fprintf(&b, "; contexts %s serve it", strings.Join(quoted, ", "))
	case len(e.Suggestions) > 0:
		fmt.Fprintf(&b, "; did you mean %s?", strings.Join(e.Suggestions, " or "))
	}
	return b.String()
}

// IsUnknownType reports whether err says that a type matched no resource.
func IsUnknownType(err error) bool {
	var e *UnknownTypeError
	return errors.As(err, &e)
}

// unknownType builds the error for arg with the closest names of snap.
func unknownType(snap *Snapshot, arg string, gr schema.GroupResource, fullGVR *schema.GroupVersionResource) error {
	e := &UnknownTypeError{Type: arg, Resource: gr.Resource, Group: gr.Group}
	if fullGVR != nil && snap.servesGroup(fullGVR.Group) {
		// resource.version.group with a version the group does not serve
		e.Resource, e.Group, e.Version = fullGVR.Resource, fullGVR.Group, fullGVR.Version
		if vs := otherVersions(snap, *fullGVR); len(vs) > 0 {
			e.Suggestions = vs
			return e
		}
	}
	e.Suggestions = suggest(snap, arg)
	return e
}

// otherVersions are the served versions of the resource gvr names (by any
// of its plain names) in gvr's group, as resource.version.group: what a
// user who typed a version that does not exist meant.
func otherVersions(snap *Snapshot, gvr schema.GroupVersionResource) []string {
	name := strings.ToLower(gvr.Resource)
	for _, r := range snap.Resources {
		if r.Group != gvr.Group || !slices.Contains(plainNames(r), name) {
			continue
		}
		out := make([]string, len(r.Versions))
		for i, v := range r.Versions {
			out[i] = r.Resource + "." + v + "." + r.Group
		}
		return out
	}
	return nil
}

// servesGroup reports whether the server serves the API group.
func (s *Snapshot) servesGroup(name string) bool {
	for _, g := range s.groups {
		if g.Name == name {
			return true
		}
	}
	return false
}

// suggest returns up to three names of snap closest to arg, one per
// resource; a plain name that two resources share is given qualified after
// its first use.
func suggest(snap *Snapshot, arg string) []string {
	arg = strings.ToLower(arg)
	// as many edits as a third of the name typed (of its resource, when
	// it has a group: a long group must not make any plain name close)
	first, _, _ := strings.Cut(arg, ".")
	// (but never every letter of a short name: "tt" is not "cm")
	limit := min(max(2, min(len(first)/3, 4)), max(len(first)-1, 1))
	type cand struct {
		res  APIResource
		name string
		dist int
	}
	var cs []cand
	for _, r := range snap.Resources {
		if name, d := closest(r, arg); d <= limit {
			cs = append(cs, cand{r, name, d})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].dist < cs[j].dist })
	var out []string
	for _, c := range cs[:min(3, len(cs))] {
		if slices.Contains(out, c.name) {
			c.name = c.res.QualifiedName()
		}
		out = append(out, c.name)
	}
	return out
}

// closest is the name of r closest to arg and its distance. A dotted arg is
// compared with r's qualified forms, and its first segment with r's plain
// names (one more edit, to prefer the right group).
func closest(r APIResource, arg string) (string, int) {
	first, _, dotted := strings.Cut(arg, ".")
	best, dist := "", -1
	consider := func(name, shown string, extra int) {
		d := distance(first, name) + extra
		if !dotted || extra == 0 {
			d = distance(arg, name) + extra
		}
		if len(arg) >= 3 && !dotted && strings.HasPrefix(name, arg) {
			d = min(d, 2)
		}
		if dist < 0 || d < dist {
			best, dist = shown, d
		}
	}
	plain := plainNames(r)
	if dotted {
		consider(r.QualifiedName(), r.QualifiedName(), 0)
		for _, v := range r.Versions {
			consider(r.Resource+"."+v+"."+r.Group, r.QualifiedName(), 0)
		}
		for _, n := range plain {
			consider(n, r.QualifiedName(), 1)
		}
		return best, dist
	}
	for _, n := range plain {
		consider(n, n, 0)
	}
	return best, dist
}

// plainNames are the names a user may type for r without a group, plural first.
func plainNames(r APIResource) []string {
	out := []string{r.Resource, strings.ToLower(r.Kind)}
	if r.Singular != "" && r.Singular != strings.ToLower(r.Kind) {
		out = append(out, r.Singular)
	}
	return append(out, r.ShortNames...)
}

// distance is the edit distance between a and b, a swap of two adjacent
// letters counting as one edit (optimal string alignment).
func distance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// warnAmbiguous warns, once per resolver and text, when name (with no group)
// also matches resources in other groups than the chosen one.
func (r *Resolver) warnAmbiguous(name string, chosen Mapping) {
	if r.warnings == nil || strings.Contains(name, ".") {
		return
	}
	others := r.otherMatches(name, chosen.Resource.GroupResource())
	if len(others) == 0 {
		return
	}
	msg := fmt.Sprintf("Warning: %q also matches %s; using %s (name the group to choose)\n",
		name, strings.Join(others, ", "), chosen.Resource.QualifiedName())
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.warned[msg] {
		return
	}
	r.warned[msg] = true
	fmt.Fprint(r.warnings, msg)
}

// sameBuiltinKind reports whether res is another built-in API of the same
// kind as the chosen built-in resource (events.events.k8s.io beside core
// events): the same objects through two APIs, where kubectl's choice is the
// documented one and a warning would say nothing. A custom resource named
// like a built-in (deployments.shadow.example.org) is still ambiguous.
func sameBuiltinKind(res APIResource, chosenGroup, chosenKind string) bool {
	return res.Kind == chosenKind && builtinGroup(res.Group) && builtinGroup(chosenGroup)
}

// builtinGroup reports whether group is one of Kubernetes' own: the core
// group, a group without a dot (apps, batch), or one under k8s.io.
func builtinGroup(group string) bool {
	return !strings.Contains(group, ".") || group == "k8s.io" || strings.HasSuffix(group, ".k8s.io")
}

// otherMatches are the qualified names of resources other than chosen that
// name matches as plural, singular, kind or short name.
func (r *Resolver) otherMatches(name string, chosen schema.GroupResource) []string {
	snap, _, _ := r.state()
	lower := strings.ToLower(name)
	var out []string
	var kind string
	if c, ok := snap.Lookup(chosen); ok {
		kind = c.Kind
	}
	for _, res := range snap.Resources {
		if res.GroupResource() == chosen || sameBuiltinKind(res, chosen.Group, kind) {
			continue
		}
		if res.Resource == lower || res.Singular == lower || strings.ToLower(res.Kind) == lower || slices.Contains(res.ShortNames, lower) {
			out = append(out, res.QualifiedName())
		}
	}
	return out
}
