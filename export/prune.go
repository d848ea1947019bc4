package export

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// TypeKey names a type's place in an export tree.
type TypeKey struct {
	// Group is the API group, "" for the core group.
	Group string
	// Kind is the kind of the objects.
	Kind string
	// Namespaced says whether objects live in a namespace.
	Namespaced bool
}

// dirs returns the group and kind directory names of k.
func (k TypeKey) dirs() [2]string { return typeDirs(k.Group, k.Kind) }

// PruneScope says which files of an export tree a run answers for: the
// files it would have written had their objects still existed.
type PruneScope struct {
	// Namespace limits the scope to one namespace ("" means all).
	Namespace string
	// AllTypes extends the scope to types the run did not list, such as the
	// kinds of CRDs that were deleted (in scope namespaces only).
	AllTypes bool
	// Types are the types listed completely.
	Types []TypeKey
	// Failed are types whose listing failed: their files are never pruned.
	Failed []TypeKey
}

// covers reports whether the file of a type in the directories ns/group/kind
// is in scope.
func (s PruneScope) covers(ns string, typeDirs [2]string) bool {
	if slices.ContainsFunc(s.Failed, func(k TypeKey) bool { return k.dirs() == typeDirs }) {
		return false
	}
	inNamespace := s.Namespace == "" || ns == namespaceDir(s.Namespace)
	for _, k := range s.Types {
		if k.dirs() != typeDirs {
			continue
		}
		if !k.Namespaced {
			return ns == ClusterDir
		}
		return ns != ClusterDir && inNamespace
	}
	if ns == ClusterDir {
		return s.AllTypes && s.Namespace == ""
	}
	return s.AllTypes && inNamespace
}

// LeftFile is a file in the scope of a prune that was left because kdx
// did not write it: its path is not where export puts the object it holds
// (a chart, a kustomize patch), it cannot be read as one object, or it is
// a symbolic link.
type LeftFile struct {
	// Path is relative to the root.
	Path string
	// Why says why it is not kdx's.
	Why string
}

// Prune removes the files in scope that this run did not write and that
// kdx wrote (see kdxFile: listed in RecordFile, or holding the object their
// path names), temporary files left by a killed run, and the directories
// that this emptied. Other files (README.md, .git, a chart's templates, a
// user's patch) are never touched: those in scope are returned as left.
// It returns the removed files' paths relative to the root, sorted.
// Directories and files that are symbolic links are not followed, nor
// removed. Call it after the last Write and before Close.
func (d *DirSink) Prune(s PruneScope) (removed []string, left []LeftFile, err error) {
	rec := readRecord(d.root)
	d.mu.Lock()
	defer d.mu.Unlock()
	err = d.walkKindDirs(func(ns string, typeDirs [2]string) error {
		rel := filepath.Join(ns, typeDirs[0], typeDirs[1])
		gone, kept, err := d.pruneKindDir(rel, s.covers(ns, typeDirs), rec)
		removed, left = append(removed, gone...), append(left, kept...)
		return err
	})
	slices.Sort(removed)
	slices.SortFunc(left, func(a, b LeftFile) int { return strings.Compare(a.Path, b.Path) })
	return removed, left, err
}

// walkKindDirs calls fn for each <namespace>/<group>/<kind> directory.
func (d *DirSink) walkKindDirs(fn func(ns string, typeDirs [2]string) error) error {
	for _, ns := range subdirs(d.root) {
		for _, group := range subdirs(filepath.Join(d.root, ns)) {
			for _, kind := range subdirs(filepath.Join(d.root, ns, group)) {
				if err := fn(ns, [2]string{group, kind}); err != nil {
					return err
				}
			}
			removeIfEmpty(filepath.Join(d.root, ns, group))
		}
		removeIfEmpty(filepath.Join(d.root, ns))
	}
	return nil
}

// pruneKindDir removes the temporary files in the directory rel and, if
// inScope, the object files kdx wrote (see kdxFile) that this run did not
// write; it returns those removed and the object files it left.
func (d *DirSink) pruneKindDir(rel string, inScope bool, rec record) (removed []string, left []LeftFile, err error) {
	entries, err := os.ReadDir(filepath.Join(d.root, rel))
	if err != nil {
		return nil, nil, fmt.Errorf("failed to read directory %s: %w", filepath.Join(d.root, rel), err)
	}
	for _, e := range entries {
		name, file := e.Name(), filepath.Join(rel, e.Name())
		candidate := inScope && isLayoutFile(name) && d.written[file] == ""
		temp := strings.HasPrefix(name, tempPrefix) && e.Type().IsRegular()
		switch {
		case candidate && e.Type()&fs.ModeSymlink != 0:
			left = append(left, LeftFile{Path: file, Why: "a symbolic link"})
			continue
		case candidate && !e.Type().IsRegular():
			continue
		case candidate:
			if _, why, err := kdxFile(d.root, file, rec); err != nil || why != "" {
				if err != nil {
					why = err.Error()
				}
				left = append(left, LeftFile{Path: file, Why: why})
				continue
			}
		case !temp:
			continue
		}
		if err := os.Remove(filepath.Join(d.root, file)); err != nil {
			return removed, left, fmt.Errorf("failed to remove %s: %w", filepath.Join(d.root, file), err)
		}
		d.changed = append(d.changed, filepath.Join(d.root, rel))
		if candidate {
			removed = append(removed, file)
		}
	}
	if len(removed) > 0 {
		removeIfEmpty(filepath.Join(d.root, rel))
	}
	return removed, left, nil
}

// subdirs lists the directories in dir whose names do not start with a dot.
func subdirs(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, e.Name())
		}
	}
	return out
}

// removeIfEmpty removes dir if it is empty.
func removeIfEmpty(dir string) {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) == 0 {
		_ = os.Remove(dir)
	}
}

// mayCover reports whether files under the directory ns (with group "")
// or ns/group may be in scope.
func (s PruneScope) mayCover(ns, group string) bool {
	listed := slices.ContainsFunc(s.Types, func(k TypeKey) bool {
		dirs := k.dirs()
		return (group == "" || dirs[0] == group) && s.covers(ns, dirs)
	})
	switch {
	case listed:
		return true
	case !s.AllTypes:
		return false
	case ns == ClusterDir:
		return s.Namespace == ""
	}
	return s.Namespace == "" || ns == SafeName(s.Namespace)
}
