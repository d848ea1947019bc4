package export

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// File modes of exported files: Secrets are readable by their owner only.
const (
	FileMode   fs.FileMode = 0o644
	SecretMode fs.FileMode = 0o600
	dirMode    fs.FileMode = 0o755
)

// tempPrefix starts the names of the temporary files a DirSink renames into
// place; a leftover one (from a killed run) is removed by Prune.
const tempPrefix = ".kdx-tmp-"

// DirSink writes each object to its own file under a root directory (see
// RelPath), atomically: a temporary file renamed over the old one. A file
// whose content and mode are already right is left alone, so that a run
// over an existing tree touches only what changed. Close makes it all
// durable with one sync.
type DirSink struct {
	// root is the export directory.
	root string
	// ext is the file extension, the format's name.
	ext string
	// encode encodes one object.
	encode func(map[string]any) ([]byte, error)

	// mu guards written and dirs.
	mu sync.Mutex
	// written are the relative paths of the files of this run, with the
	// object that claimed each ("Kind namespace/name").
	written map[string]string
	// dirs are the directories known to exist, true for those this run
	// created: no file can be in the way there, so none is looked for.
	dirs map[string]bool
	// temps names temporary files: a prefix unique to the run and a counter.
	temps tempNamer
	// umask is the process's umask, or -1 when it cannot be read: files
	// are created with their mode and changed only when it takes bits away.
	// (A directory's default ACL, which replaces the umask, is not looked
	// at: such files may get other group bits, and are rewritten each run.)
	umask int
	// changed are the files and directories written, for syncs where
	// syncfs is not available.
	changed []string
}

var _ Sink = (*DirSink)(nil)

// NewDirSink returns a sink writing files in format f (yaml or json) under
// root, which it creates if needed.
func NewDirSink(root string, f Format) (*DirSink, error) {
	encode, err := fileEncoder(f)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(root, dirMode); err != nil {
		return nil, fmt.Errorf("failed to create directory %s: %w", root, err)
	}
	return &DirSink{root: root, ext: string(f), encode: encode, written: map[string]string{}, dirs: map[string]bool{},
		temps: newTempNamer(), umask: readUmask()}, nil
}

// Write writes obj to its file, with SecretMode for a Secret.
func (d *DirSink) Write(ctx context.Context, obj *unstructured.Unstructured) error {
	rel := d.relPath(obj)
	if err := d.claim(rel, obj); err != nil {
		return err
	}
	_, err := d.put(ctx, rel, obj, false)
	return err
}

// Update writes obj to its file as Write does, for a tree a watch keeps in
// step: an object may be written again and again. It reports whether the
// file changed.
func (d *DirSink) Update(ctx context.Context, obj *unstructured.Unstructured) (string, bool, error) {
	rel := d.relPath(obj)
	changed, err := d.put(ctx, rel, obj, true)
	return rel, changed, err
}

// Remove removes obj's file, if there is one, and the directories that
// this empties; it reports the file's relative path and whether it was there.
func (d *DirSink) Remove(obj *unstructured.Unstructured) (string, bool, error) {
	rel := d.relPath(obj)
	path := filepath.Join(d.root, rel)
	err := os.Remove(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return rel, false, nil
	case err != nil:
		return rel, false, fmt.Errorf("failed to remove %s: %w", path, err)
	}
	d.mu.Lock()
	d.changed = append(d.changed, filepath.Dir(path))
	delete(d.dirs, filepath.Dir(path))
	d.mu.Unlock()
	for dir := filepath.Dir(path); dir != d.root && strings.HasPrefix(dir, d.root); dir = filepath.Dir(dir) {
		removeIfEmpty(dir)
		d.mu.Lock()
		delete(d.dirs, dir)
		d.mu.Unlock()
	}
	return rel, true, nil
}

// relPath is obj's file in the tree.
func (d *DirSink) relPath(obj *unstructured.Unstructured) string {
	gvk := obj.GroupVersionKind()
	return RelPath(obj.GetNamespace(), gvk.Group, gvk.Kind, obj.GetName(), d.ext)
}

// put writes obj to rel unless the file is already right (in a directory
// this run created, no file is looked for, unless the write is an update);
// it reports whether it wrote.
func (d *DirSink) put(ctx context.Context, rel string, obj *unstructured.Unstructured, update bool) (bool, error) {
	gvk := obj.GroupVersionKind()
	data, err := d.encode(obj.Object)
	if err != nil {
		return false, err
	}
	mode := FileMode
	if gvk.GroupKind() == kindSecret {
		mode = SecretMode
	}
	dir := filepath.Join(d.root, filepath.Dir(rel))
	created, err := d.mkdir(dir)
	if err != nil {
		return false, err
	}
	path := filepath.Join(d.root, rel)
	if (!created || update) && unchanged(path, data, mode) {
		return false, nil
	}
	changed, err := d.writeAtomic(ctx, path, data, mode)
	if changed {
		d.mu.Lock()
		d.changed = append(d.changed, filepath.Join(d.root, rel))
		d.mu.Unlock()
	}
	return changed, err
}

// claim records that obj owns rel, failing if another object did.
func (d *DirSink) claim(rel string, obj *unstructured.Unstructured) error {
	who := obj.GetKind() + " " + obj.GetNamespace() + "/" + obj.GetName()
	d.mu.Lock()
	defer d.mu.Unlock()
	if other, ok := d.written[rel]; ok {
		return fmt.Errorf("failed to write %s: %s was written to the same file %s", who, other, rel)
	}
	d.written[rel] = who
	return nil
}

// mkdir creates dir and its parents once; it reports whether this run
// created dir.
func (d *DirSink) mkdir(dir string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if created, ok := d.dirs[dir]; ok {
		return created, nil
	}
	if info, err := os.Stat(dir); err == nil && info.IsDir() {
		d.dirs[dir] = false
		return false, nil
	}
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return false, fmt.Errorf("failed to create directory %s: %w", dir, err)
	}
	d.dirs[dir] = true
	d.changed = append(d.changed, dir)
	return true, nil
}

// writeAtomic puts data in path with mode through a temporary file renamed
// over it; it reports whether it wrote. On error or cancellation no
// temporary file stays and the old file, if any, is untouched.
func (d *DirSink) writeAtomic(ctx context.Context, path string, data []byte, mode fs.FileMode) (bool, error) {
	chmod := d.umask < 0 || fs.FileMode(d.umask)&mode != 0
	tmp, err := d.temps.write(filepath.Dir(path), data, mode, chmod)
	if err != nil {
		return false, fmt.Errorf("failed to write %s: %w", path, err)
	}
	err = ctx.Err()
	if err == nil {
		err = renameFile(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return false, fmt.Errorf("failed to write %s: %w", path, err)
	}
	return true, nil
}

// unchanged reports whether the file at path has exactly data and mode.
func unchanged(path string, data []byte, mode fs.FileMode) bool {
	info, err := os.Lstat(path)
	if err != nil || !info.Mode().IsRegular() || info.Mode().Perm() != mode || info.Size() != int64(len(data)) {
		return false
	}
	old, err := os.ReadFile(path)
	return err == nil && bytes.Equal(old, data)
}

// Close makes the written files durable with one sync.
func (d *DirSink) Close(context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := syncTree(d.root, d.changed); err != nil {
		return fmt.Errorf("failed to sync %s: %w", d.root, err)
	}
	d.changed = d.changed[:0] // a watched tree is synced again after each batch
	return nil
}

// Written returns the number of files claimed by this run.
func (d *DirSink) Written() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.written)
}

// isLayoutFile reports whether name is an object file of an export tree.
func isLayoutFile(name string) bool {
	return !strings.HasPrefix(name, ".") && (strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".json"))
}
