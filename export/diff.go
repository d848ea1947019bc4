package export

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
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

	// mu guards claimed and serializes found.
	mu sync.Mutex
	// claimed are the relative paths of the objects read, with the object
	// that claimed each ("Kind namespace/name").
	claimed map[string]string
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
	return &DiffSink{root: root, ext: string(f), encode: encode, found: found, claimed: map[string]string{}}, nil
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
	old, err := os.ReadFile(filepath.Join(d.root, rel))
	d.mu.Lock()
	defer d.mu.Unlock()
	if other, ok := d.claimed[rel]; ok {
		return fmt.Errorf("failed to compare %s: %s has the same file %s", who, other, rel)
	}
	d.claimed[rel] = who
	switch {
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
	return os.ReadFile(filepath.Join(d.root, c.Path))
}

// Close does nothing: a DiffSink writes nothing.
func (d *DiffSink) Close(context.Context) error { return nil }

// Gone returns the object files in scope (see PruneScope) that no object
// claimed, sorted, without their content (read it with ReadOld): DriftGone for the types read,
// DriftUnserved for the directories of no type read (types the server no
// longer serves, with AllTypes).
func (d *DiffSink) Gone(s PruneScope) ([]Change, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []Change
	for _, ns := range subdirs(d.root) {
		for _, group := range subdirs(filepath.Join(d.root, ns)) {
			for _, kind := range subdirs(filepath.Join(d.root, ns, group)) {
				typeDirs := [2]string{group, kind}
				if !s.covers(ns, typeDirs) {
					continue
				}
				drift := DriftUnserved
				if slices.ContainsFunc(s.Types, func(k TypeKey) bool { return k.dirs() == typeDirs }) {
					drift = DriftGone
				}
				gone, err := d.unclaimed(filepath.Join(ns, group, kind), drift)
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

// unclaimed are the object files of the directory rel that no object claimed.
func (d *DiffSink) unclaimed(rel string, drift Drift) ([]Change, error) {
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
		out = append(out, Change{Path: file, Drift: drift})
	}
	return out, nil
}
