package export

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Drift is how a file of an export tree differs from what an export would
// write now.
type Drift string

const (
	// DriftChanged: the object exists in both, with other content.
	DriftChanged Drift = "changed"
	// DriftNew: the object exists in the cluster only.
	DriftNew Drift = "new"
	// DriftGone: the object exists in the tree only.
	DriftGone Drift = "gone"
	// DriftUnserved: the file's type is not served any more (every type
	// was read, and none writes this directory).
	DriftUnserved Drift = "unserved"
)

// Change is one file that differs. Old and New are its content in the tree
// and now (nil where it does not exist).
type Change struct {
	Path     string // relative to the tree's root
	Drift    Drift
	Old, New []byte
}

// DiffSink compares the objects an export would write with the files of a
// tree, and writes nothing: each object whose file is missing or differs
// is handed to found, as it comes (from several goroutines, one at a time).
// Gone then lists the files of the tree that no object claimed.
type DiffSink struct {
	root   string
	ext    string
	encode func(map[string]any) ([]byte, error)
	found  func(Change) error

	// Selected, when set, says which objects of the tree's files the
	// comparison is about (those -l, --field-selector and --where select
	// in the cluster): Gone reports no other file.
	Selected func(*unstructured.Unstructured) bool

	// mu guards claimed and links and serializes found.
	mu sync.Mutex
	// claimed are the relative paths of the objects read, with the object
	// that claimed each ("Kind namespace/name").
	claimed map[string]string
	// links are the symbolic links met in the tree, not followed.
	links map[string]bool
}

var _ Sink = (*DiffSink)(nil)

// NewDiffSink compares with the tree at root, in format f (yaml or json).
func NewDiffSink(root string, f Format, found func(Change) error) (*DiffSink, error) {
	encode, err := fileEncoder(f)
	if err != nil {
		return nil, err
	}
	if info, err := os.Stat(root); err != nil || !info.IsDir() {
		if err == nil {
			err = errors.New("not a directory")
		}
		return nil, fmt.Errorf("cannot compare with %s: %w", root, err)
	}
	return &DiffSink{root: root, ext: string(f), encode: encode, found: found, claimed: map[string]string{}, links: map[string]bool{}}, nil
}

// Write compares obj with its file.
func (d *DiffSink) Write(_ context.Context, obj *unstructured.Unstructured) error {
	gvk := obj.GroupVersionKind()
	rel := RelPath(obj.GetNamespace(), gvk.Group, gvk.Kind, obj.GetName(), d.ext)
	who := obj.GetKind() + " " + obj.GetNamespace() + "/" + obj.GetName()
	data, err := d.encode(obj.Object)
	if err != nil {
		return err
	}
	old, err := readTreeFile(d.root, rel)
	d.mu.Lock()
	defer d.mu.Unlock()
	if other, ok := d.claimed[rel]; ok {
		return fmt.Errorf("failed to compare %s: %s has the same file %s", who, other, rel)
	}
	d.claimed[rel] = who
	var link *LinkError
	switch {
	case errors.As(err, &link):
		d.links[link.Path] = true
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return d.found(Change{Path: rel, Drift: DriftNew, New: data})
	case err != nil:
		return fmt.Errorf("failed to read %s: %w", filepath.Join(d.root, rel), err)
	case !bytes.Equal(old, data):
		return d.found(Change{Path: rel, Drift: DriftChanged, Old: old, New: data})
	}
	return nil
}

// ReadOld is the content of the tree's file of c.
func (d *DiffSink) ReadOld(c Change) ([]byte, error) {
	if c.Old != nil || c.Drift == DriftNew {
		return c.Old, nil
	}
	return readTreeFile(d.root, c.Path)
}

// Links are the symbolic links met in the tree, sorted: none was followed,
// and the objects whose files are under one were not compared.
func (d *DiffSink) Links() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Sorted(maps.Keys(d.links))
}

// Close does nothing: a DiffSink writes nothing.
func (d *DiffSink) Close(context.Context) error { return nil }

// Gone returns the object files in scope (see PruneScope) that no object
// claimed, sorted, without their content (read it with ReadOld):
// DriftGone for the types read, DriftUnserved for the directories of no
// type read (types the server no longer serves, with AllTypes). Only the
// files kdx wrote count (as for Prune), and, with Selected, those whose
// object it selects. Links in scope are not followed: see Links.
func (d *DiffSink) Gone(s PruneScope) ([]Change, error) {
	rec := readRecord(d.root)
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []Change
	for _, ns := range d.subdirs(d.root, func(ns string) bool { return s.mayCover(ns, "") }) {
		nsDir := filepath.Join(d.root, ns)
		for _, group := range d.subdirs(nsDir, func(group string) bool { return s.mayCover(ns, group) }) {
			groupDir := filepath.Join(nsDir, group)
			for _, kind := range d.subdirs(groupDir, func(kind string) bool { return s.covers(ns, [2]string{group, kind}) }) {
				typeDirs := [2]string{group, kind}
				if !s.covers(ns, typeDirs) {
					continue
				}
				drift := DriftUnserved
				if slices.ContainsFunc(s.Types, func(k TypeKey) bool { return k.dirs() == typeDirs }) {
					drift = DriftGone
				}
				gone, err := d.unclaimed(filepath.Join(ns, group, kind), drift, rec)
				if err != nil {
					return out, err
				}
				out = append(out, gone...)
			}
		}
	}
	slices.SortFunc(out, func(a, b Change) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
}

// subdirs lists the directories in dir whose names do not start with a
// dot, and records as links those that are links and that inScope says
// the comparison would have read.
func (d *DiffSink) subdirs(dir string, inScope func(name string) bool) []string {
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		switch name := e.Name(); {
		case strings.HasPrefix(name, "."):
		case e.IsDir():
			out = append(out, name)
		case e.Type()&fs.ModeSymlink != 0 && inScope(name):
			d.links[filepath.Join(dir, name)] = true
		}
	}
	return out
}

// unclaimed are the object files of the directory rel that kdx wrote and
// no object claimed (see Gone); links among them are recorded.
func (d *DiffSink) unclaimed(rel string, drift Drift, rec record) ([]Change, error) {
	entries, err := os.ReadDir(filepath.Join(d.root, rel))
	if err != nil {
		return nil, fmt.Errorf("failed to read directory %s: %w", filepath.Join(d.root, rel), err)
	}
	var out []Change
	for _, e := range entries {
		file := filepath.Join(rel, e.Name())
		if e.IsDir() || !isLayoutFile(e.Name()) || d.claimed[file] != "" {
			continue
		}
		if e.Type()&fs.ModeSymlink != 0 {
			d.links[filepath.Join(d.root, file)] = true
			continue
		}
		obj, why, err := kdxFile(d.root, file, rec)
		var link *LinkError
		switch {
		case errors.As(err, &link):
			d.links[link.Path] = true
			continue
		case err != nil || why != "":
			continue // not kdx's, or unreadable: as Prune, leave it
		case d.Selected != nil && (obj == nil || !d.Selected(obj)):
			continue
		}
		out = append(out, Change{Path: file, Drift: drift})
	}
	return out, nil
}

// TreeFormats are the formats (yaml, json) of the object files of the
// tree at root, in the directories of namespace (every one when "") and
// of cluster-scoped objects; links are not followed.
func TreeFormats(root, namespace string) []Format {
	found := map[Format]bool{}
	for _, ns := range subdirs(root) {
		if namespace != "" && ns != SafeName(namespace) && ns != ClusterDir {
			continue
		}
		for _, group := range subdirs(filepath.Join(root, ns)) {
			for _, kind := range subdirs(filepath.Join(root, ns, group)) {
				entries, _ := os.ReadDir(filepath.Join(root, ns, group, kind))
				for _, e := range entries {
					if e.Type().IsRegular() && isLayoutFile(e.Name()) {
						found[Format(strings.TrimPrefix(filepath.Ext(e.Name()), "."))] = true
					}
				}
			}
		}
		if len(found) == 2 {
			break
		}
	}
	return slices.Sorted(maps.Keys(found))
}
