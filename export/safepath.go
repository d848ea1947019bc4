package export

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
)

// An export directory may hold links, made by the user or planted by a
// commit pulled into it (an export tree is often a git tree). kdx follows
// none below the directory itself: every path under it is walked one
// component at a time from the directory, each opened without following a
// link (openat with O_NOFOLLOW on Unix; Lstat of each component elsewhere),
// so that nothing kdx writes, renames, reads or removes resolves outside
// the directory. A link met on the way is refused with a *LinkError; the
// directory's own path may be a link (the user named it).

// LinkError is a symbolic link under an export directory that kdx refuses
// to follow, replace or remove.
type LinkError struct {
	// Op is what kdx was about to do: "follow", "replace" or "remove".
	Op string
	// Path is the link: the export directory joined with its path there.
	Path string
	// Target is where the link points, "" if it could not be read.
	Target string
}

func (e *LinkError) Error() string {
	target := ""
	if e.Target != "" {
		target = " (to " + quoteIfNeeded(e.Target) + ")"
	}
	return fmt.Sprintf("refusing to %s the symbolic link %s%s: kdx touches only files inside the export directory",
		e.Op, quoteIfNeeded(e.Path), target)
}

// quoteIfNeeded quotes s if it holds characters that do not print, so that
// a hostile name stays on one line and cannot drive the terminal.
func quoteIfNeeded(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return strconv.Quote(s)
	}
	return s
}

// openUnder opens rel, a path relative to the export directory root (as
// RelPath gives, or as found walking the tree), for reading: a regular
// file, or a directory to list. Every component of rel, the last one
// included, is opened from root without following a symbolic link, so
// that the file opened is inside root whatever links the tree holds; a
// link on the way is refused with a *LinkError naming it ("follow"). root
// itself may be a link. rel must be local (filepath.IsLocal): no "..", not
// absolute. This is the one way to read a file of an export tree (prune,
// diff --dir): os.Open and os.ReadFile follow links.
func openUnder(root, rel string) (*os.File, error) {
	if !filepath.IsLocal(rel) {
		return nil, fmt.Errorf("%s is not a path inside %s", quoteIfNeeded(rel), root)
	}
	refs, err := walkPath(root, filepath.Dir(rel), false)
	defer closeAll(refs)
	if err != nil {
		return nil, err
	}
	d, name := refs[len(refs)-1], filepath.Base(rel)
	f, err := d.open(name)
	if err != nil {
		return nil, explain(d, name, "follow", err)
	}
	return f, nil
}

// removeUnder removes the file rel under the export directory root, walked
// as openUnder does, then the directories this empties, up to root (not
// included). A link, whether on the way or rel itself, is refused with a
// *LinkError and left alone ("follow" or "remove"), as is a directory. A
// file that is not there is not an error.
func removeUnder(root, rel string) error {
	if !filepath.IsLocal(rel) {
		return fmt.Errorf("%s is not a path inside %s", quoteIfNeeded(rel), root)
	}
	refs, err := walkPath(root, filepath.Dir(rel), false)
	defer closeAll(refs)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := removeFileIn(refs[len(refs)-1], filepath.Base(rel)); err != nil {
		return err
	}
	removeEmptyDirs(refs, filepath.Dir(rel))
	return nil
}

// removeFileIn removes the regular file name of d, refusing a link or a
// directory; it reports whether the file was there.
func removeFileIn(d dirRef, name string) (bool, error) {
	info, err := d.lstat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, err
	case info.mode&fs.ModeSymlink != 0:
		return false, &LinkError{Op: "remove", Path: joinPath(d.path, name), Target: d.readlink(name)}
	case !info.mode.IsRegular():
		return false, fmt.Errorf("refusing to remove %s: not a regular file", quoteIfNeeded(joinPath(d.path, name)))
	}
	if err := d.remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	return true, nil
}

// removeEmptyDirs removes the directories of rel that are empty, deepest
// first, stopping at the first that is not; refs are the directories
// walkPath opened for rel (refs[0] is the root, never removed). It returns
// the deepest directory left, relative to the root.
func removeEmptyDirs(refs []dirRef, rel string) string {
	names := pathComponents(rel)
	for i := len(names); i > 0; i-- {
		if refs[i-1].rmdir(names[i-1]) != nil {
			return filepath.Join(append([]string{"."}, names[:i]...)...)
		}
	}
	return "."
}

// walkPath opens root and then each directory of rel, from root, without
// following a link; with create, missing directories are made (dirMode
// less the umask). It returns root and the directories opened, in order,
// even on error (to be closed with closeAll). rel "." is root itself.
func walkPath(root, rel string, create bool) ([]dirRef, error) {
	r, err := openRootDir(root)
	if err != nil {
		return nil, err
	}
	return walkFrom(r, rel, create, nil)
}

// walkFrom is walkPath from the root directory top, already open: it
// returns top and the directories of rel opened, in order, even on error;
// made is told the relative path of each directory it created.
func walkFrom(top dirRef, rel string, create bool, made func(rel string)) ([]dirRef, error) {
	refs := []dirRef{top}
	names := pathComponents(rel)
	for i, name := range names {
		next, created, err := openChild(refs[len(refs)-1], name, create)
		if err != nil {
			return refs, err
		}
		if created && made != nil {
			made(filepath.Join(names[:i+1]...))
		}
		refs = append(refs, next)
	}
	return refs, nil
}

// openChild opens the directory name of d without following a link,
// creating it if create and it is missing; created says it did.
func openChild(d dirRef, name string, create bool) (dirRef, bool, error) {
	next, err := d.openDir(name)
	created := false
	if err != nil && create && errors.Is(err, fs.ErrNotExist) {
		err = d.mkdir(name, dirMode)
		created = err == nil
		if err == nil || errors.Is(err, fs.ErrExist) { // made meanwhile by another writer
			next, err = d.openDir(name)
		}
	}
	if err != nil {
		return next, false, explain(d, name, "follow", err)
	}
	return next, created, nil
}

// explain turns a failure to open the entry name of d into a *LinkError
// when the entry is a link.
func explain(d dirRef, name, op string, err error) error {
	if info, lerr := d.lstat(name); lerr == nil && info.mode&fs.ModeSymlink != 0 {
		return &LinkError{Op: op, Path: joinPath(d.path, name), Target: d.readlink(name)}
	}
	return err
}

// closeAll closes directories opened by walkPath.
func closeAll(refs []dirRef) {
	for _, r := range refs {
		r.close()
	}
}

// pathComponents splits a relative path into its names; "." has none.
func pathComponents(rel string) []string {
	rel = filepath.Clean(rel)
	if rel == "." {
		return nil
	}
	return strings.Split(rel, string(filepath.Separator))
}

// joinPath is dir/name, for messages.
func joinPath(dir, name string) string {
	if name == "." {
		return dir
	}
	return filepath.Join(dir, name)
}
