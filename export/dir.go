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
	"runtime"
	"slices"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// File modes of exported files, less the umask: Secrets are readable by
// their owner only, whatever the umask.
const (
	FileMode   fs.FileMode = 0o644
	SecretMode fs.FileMode = 0o600
	dirMode    fs.FileMode = 0o755
)

// maxOpenDirs bounds the directories a DirSink keeps open between writes.
const maxOpenDirs = 256

// DirSink writes each object to its own file under a root directory (see
// RelPath), atomically: a temporary file renamed over the old one. A file
// whose content is already right, and whose mode gives no more than it
// should, is left alone, so that a run over an existing tree touches only
// what changed. Close makes it all durable with one sync. No link below
// root is followed (see openUnder): a write, rename or removal that would
// go through one fails with a *LinkError naming it.
type DirSink struct {
	// root is the export directory.
	root string
	// top is root, open for the sink's life: every path is walked from it.
	top dirRef
	// ext is the file extension, the format's name.
	ext string
	// encode encodes one object.
	encode func(map[string]any) ([]byte, error)

	// mu guards written, stored, dirs, made and changed.
	mu sync.Mutex
	// written are the relative paths of the files of this run, with the
	// object that claimed each ("Kind namespace/name").
	written map[string]string
	// stored are the files of written whose write finished (or that were
	// already right): only they go in the record, since an interrupted
	// run claims files it never writes.
	stored map[string]bool
	// dirs are the directories opened since the last Close (walked from
	// top without following links), by relative path.
	dirs map[string]*openDir
	// made are the directories this run created since the last Close: no
	// file can be in the way there, so none is looked for.
	made map[string]bool
	// temps names temporary files: a prefix unique to the process and a counter.
	temps tempNamer
	// umask is the process's umask, or -1 when it cannot be read: a file
	// is left alone only if its mode gives no bit that the umask takes
	// away. (A directory's default ACL, which replaces the umask, is not
	// looked at: such files may get other group bits, and are rewritten
	// each run.)
	umask int
	// changed are the files and directories written, for syncs where
	// syncfs is not available.
	changed []string
	// staleTemps are the stale temporary files removed when the sink was
	// made, relative to root.
	staleTemps []string
}

// openDir is a directory of the tree a DirSink keeps open.
type openDir struct {
	ref dirRef
	// users counts the writes using ref: it is closed only when none does.
	users int
}

var _ Sink = (*DirSink)(nil)

// NewDirSink returns a sink writing files in format f (yaml or json) under
// root, which it creates if needed. It removes the stale temporary files
// that a killed run left in the tree.
func NewDirSink(root string, f Format) (*DirSink, error) {
	encode, err := fileEncoder(f)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(root, dirMode); err != nil {
		return nil, fmt.Errorf("failed to create directory %s: %w", root, err)
	}
	top, err := openRootDir(root)
	if err != nil {
		return nil, fmt.Errorf("failed to open directory %s: %w", root, err)
	}
	d := &DirSink{root: root, top: top, ext: string(f), encode: encode, written: map[string]string{}, stored: map[string]bool{},
		dirs: map[string]*openDir{}, made: map[string]bool{}, temps: newTempNamer(), umask: readUmask()}
	runtime.AddCleanup(d, func(r dirRef) { r.close() }, top)
	d.staleTemps = cleanStaleTemps(top)
	return d, nil
}

// StaleTemps returns the temporary files a killed run had left, which
// NewDirSink removed, relative to the root.
func (d *DirSink) StaleTemps() []string { return d.staleTemps }

// Write writes obj to its file, with FileMode, or SecretMode for a Secret,
// less the umask.
func (d *DirSink) Write(ctx context.Context, obj *unstructured.Unstructured) error {
	rel := d.relPath(obj)
	if err := d.claim(rel, obj); err != nil {
		return err
	}
	_, err := d.put(ctx, rel, obj, false)
	if err == nil {
		d.mu.Lock()
		d.stored[rel] = true
		d.mu.Unlock()
	}
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
// this empties; it reports the file's relative path and whether it was
// there. A link, in place of the file or on the way to it, is left alone
// and is an error. As Update, it walks the path from the root anew.
func (d *DirSink) Remove(obj *unstructured.Unstructured) (string, bool, error) {
	rel := d.relPath(obj)
	removed, err := d.RemoveFile(rel)
	return rel, removed, err
}

// RemoveFile is Remove for the file at rel, a path relative to the root
// (one of Stored's); it reports whether the file was there.
func (d *DirSink) RemoveFile(rel string) (bool, error) {
	dirRel, name := filepath.Dir(rel), filepath.Base(rel)
	refs, err := walkFrom(d.top, dirRel, false, nil)
	defer closeAll(refs[1:])
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	removed, err := removeFileIn(refs[len(refs)-1], name)
	if err != nil || !removed {
		return false, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	// The directories this empties go too: those kept open are closed
	// first (a write would otherwise go to a removed directory).
	for sub := dirRel; sub != "."; sub = filepath.Dir(sub) {
		if dir, ok := d.dirs[sub]; ok && dir.users == 0 {
			dir.ref.close()
			delete(d.dirs, sub)
		}
		delete(d.made, sub)
	}
	left := removeEmptyDirs(refs, dirRel)
	d.changed = append(d.changed, joinPath(d.root, left))
	return true, nil
}

// relPath is obj's file in the tree.
func (d *DirSink) relPath(obj *unstructured.Unstructured) string {
	gvk := obj.GroupVersionKind()
	return RelPath(obj.GetNamespace(), gvk.Group, gvk.Kind, obj.GetName(), d.ext)
}

// put writes obj to rel unless the file is already right (in a directory
// this run created, no file is looked for, unless the write is an update);
// it reports whether it wrote. A Write uses the directories kept open; an
// Update, from a watch that may run for days, walks the path from the root
// anew, so that a link made since (a git pull in the tree) is seen.
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
	dirRel, name := filepath.Dir(rel), filepath.Base(rel)
	var dir dirRef
	made := false
	if update {
		refs, err := walkFrom(d.top, dirRel, true, d.madeDir)
		defer closeAll(refs[1:])
		if err != nil {
			return false, d.mkdirError(dirRel, err)
		}
		dir = refs[len(refs)-1]
	} else {
		open, isNew, err := d.acquire(dirRel)
		if err != nil {
			return false, err
		}
		defer d.release(open)
		dir, made = open.ref, isNew
	}
	if !made {
		same, err := d.unchanged(dir, name, data, mode)
		if same || err != nil {
			return false, err
		}
	}
	changed, err := d.writeAtomic(ctx, dir, name, data, mode)
	if changed {
		d.mu.Lock()
		d.changed = append(d.changed, joinPath(d.root, rel))
		d.mu.Unlock()
	}
	return changed, err
}

// madeDir records a directory this run created.
func (d *DirSink) madeDir(rel string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.changed = append(d.changed, joinPath(d.root, rel))
}

// mkdirError is the error of a failure to open or create the directory
// rel: a *LinkError as it is, else one naming the directory.
func (d *DirSink) mkdirError(rel string, err error) error {
	var le *LinkError
	if errors.As(err, &le) {
		return err
	}
	return fmt.Errorf("failed to create directory %s: %w", joinPath(d.root, rel), err)
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

// acquire opens the directory rel, creating it and its parents if needed,
// for one write: release it after. made says this run created it.
func (d *DirSink) acquire(rel string) (*openDir, bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	dir, err := d.acquireLocked(rel)
	return dir, err == nil && d.made[rel], err
}

// release ends a use of a directory from acquire.
func (d *DirSink) release(dir *openDir) {
	d.mu.Lock()
	defer d.mu.Unlock()
	dir.users--
}

// acquireLocked opens the directory rel ("." is the root), walking from
// the root without following links and making missing directories, or
// returns it if it is open. The caller holds d.mu and ends the use with
// users--.
func (d *DirSink) acquireLocked(rel string) (*openDir, error) {
	if rel == "." {
		return &openDir{ref: d.top, users: 1}, nil
	}
	if dir, ok := d.dirs[rel]; ok {
		dir.users++
		return dir, nil
	}
	parent, err := d.acquireLocked(filepath.Dir(rel))
	if err != nil {
		return nil, err
	}
	ref, created, err := openChild(parent.ref, filepath.Base(rel), true)
	parent.users--
	if err != nil {
		return nil, d.mkdirError(rel, err)
	}
	if created {
		d.made[rel] = true
		d.changed = append(d.changed, joinPath(d.root, rel))
	}
	dir := &openDir{ref: ref, users: 1}
	d.dirs[rel] = dir
	if len(d.dirs) > maxOpenDirs {
		d.closeIdleLocked(maxOpenDirs / 2)
	}
	return dir, nil
}

// closeIdleLocked closes open directories no write uses until at most keep
// stay open.
func (d *DirSink) closeIdleLocked(keep int) {
	for rel, dir := range d.dirs {
		if len(d.dirs) <= keep {
			return
		}
		if dir.users == 0 {
			dir.ref.close()
			delete(d.dirs, rel)
		}
	}
}

// writeAtomic puts data in the file name of dir with mode (less the umask)
// through a temporary file renamed over it; it reports whether it wrote.
// On error or cancellation no temporary file stays and the old file, if
// any, is untouched.
func (d *DirSink) writeAtomic(ctx context.Context, dir dirRef, name string, data []byte, mode fs.FileMode) (bool, error) {
	path := joinPath(dir.path, name)
	tmp, err := d.temps.write(dir, data, mode)
	if err != nil {
		return false, fmt.Errorf("failed to write %s: %w", path, err)
	}
	err = ctx.Err()
	if err == nil {
		err = dir.rename(tmp, name)
	}
	if err != nil {
		_ = dir.remove(tmp)
		return false, fmt.Errorf("failed to write %s: %w", path, err)
	}
	return true, nil
}

// unchanged reports whether the file name of dir holds exactly data, with
// a mode that gives nothing mode less the umask does not (a mode the user
// narrowed stays). A link in its place is an error: it is never replaced.
func (d *DirSink) unchanged(dir dirRef, name string, data []byte, mode fs.FileMode) (bool, error) {
	info, err := dir.lstat(name)
	switch {
	case err != nil:
		return false, nil // not there, or the write tells why
	case info.mode&fs.ModeSymlink != 0:
		return false, &LinkError{Op: "replace", Path: joinPath(dir.path, name), Target: dir.readlink(name)}
	case !info.mode.IsRegular() || info.size != int64(len(data)):
		return false, nil
	}
	want := mode
	if d.umask >= 0 {
		want &^= fs.FileMode(d.umask)
	}
	if info.mode.Perm()&^want != 0 {
		return false, nil
	}
	old, ok, err := dir.readFile(name, info.size)
	return err == nil && ok && bytes.Equal(old, data), nil
}

// Close makes the written files durable with one sync.
func (d *DirSink) Close(context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := syncTree(d.top, d.changed); err != nil {
		return fmt.Errorf("failed to sync %s: %w", d.root, err)
	}
	d.changed = d.changed[:0] // a watched tree is synced again after each batch
	// Writes after this walk their paths again from the root.
	d.closeIdleLocked(0)
	clear(d.made)
	return nil
}

// Stored returns the relative paths of the files this run wrote or found
// already right, sorted.
func (d *DirSink) Stored() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Sorted(maps.Keys(d.stored))
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
