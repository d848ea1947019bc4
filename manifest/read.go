package manifest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/kdxproject/kdx/internal/readcap"
)

// Extensions are the file name extensions read from directories, as kubectl's.
var Extensions = []string{".json", ".yaml", ".yml"}

// ErrNoObjects is Read's error when the inputs hold no object at all.
var ErrNoObjects = errors.New("no objects in the input")

// Options say what to read.
type Options struct {
	// Filenames are the -f arguments: files, directories, or "-" for Stdin.
	Filenames []string
	// Recursive walks directories into subdirectories (-R).
	Recursive bool
	// Stdin is read for "-".
	Stdin io.Reader
	// Duplicates says what a field given twice in one object is.
	Duplicates Duplicates
	// Warn, if not nil, is told of duplicate fields with DuplicatesWarn.
	Warn func(error)

	// documentMax and inputMax replace MaxDocumentBytes and MaxInputBytes
	// when positive (tests).
	documentMax, inputMax int64
}

func (o Options) documentCap() int64 {
	if o.documentMax > 0 {
		return o.documentMax
	}
	return MaxDocumentBytes
}

func (o Options) inputCap() int64 {
	if o.inputMax > 0 {
		return o.inputMax
	}
	return MaxInputBytes
}

// Duplicates says what to do with a field given twice in one object. kdx
// sends objects it encodes itself, so a duplicate can only be seen here:
// the server never gets one to refuse.
type Duplicates int

const (
	// DuplicatesIgnore keeps the last value silently, as kubectl does.
	DuplicatesIgnore Duplicates = iota
	// DuplicatesWarn keeps the last value and tells Options.Warn.
	DuplicatesWarn
	// DuplicatesRefuse makes the document an error (--validate=strict).
	DuplicatesRefuse
)

// Read decodes every object of the inputs, in the order given (a directory's
// files in lexical order). It returns all the problems found, joined, rather
// than stopping at the first, and no objects when there is any. A document
// or an input larger than its cap (MaxDocumentBytes, MaxInputBytes) is an
// error naming it. When ctx ends, Read returns at once, even while it waits
// for input that does not come (a terminal, a pipe or a FIFO with no
// writer), with an error wrapping ctx's.
func Read(ctx context.Context, opts Options) ([]Object, error) {
	if len(opts.Filenames) == 0 {
		return nil, errors.New("must specify -f: a file, a directory, or - for stdin")
	}
	var objs []Object
	var errs []error
	stdinRead := false
	for _, name := range opts.Filenames {
		var got []Object
		var err error
		switch {
		case name == "-" && stdinRead:
			continue
		case name == "-":
			stdinRead = true
			got, err = opts.readStdin(ctx)
		default:
			got, err = opts.readPath(ctx, name)
		}
		objs, errs = append(objs, got...), appendErr(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(objs) == 0 {
		return nil, ErrNoObjects
	}
	return objs, nil
}

func appendErr(errs []error, err error) []error {
	if err == nil {
		return errs
	}
	return append(errs, err)
}

func (o Options) readStdin(ctx context.Context) ([]Object, error) {
	if o.Stdin == nil {
		return nil, errors.New("failed to read stdin: no standard input")
	}
	return o.readInput(ctx, StdinName, func() (io.ReadCloser, error) { return io.NopCloser(o.Stdin), nil })
}

// readInput opens and decodes one input, named name, in a goroutine that
// is left behind when ctx ends first: opening a FIFO with no writer, or
// reading a pipe or terminal, blocks in a system call that nothing else
// interrupts (the process exits soon after).
func (o Options) readInput(ctx context.Context, name string, open func() (io.ReadCloser, error)) ([]Object, error) {
	type result struct {
		objs []Object
		err  error
	}
	done := make(chan result, 1)
	go func() {
		var res result
		res.objs, res.err = o.readAll(ctx, name, open)
		done <- res
	}()
	var res result
	select {
	case res = <-done:
	case <-ctx.Done():
	}
	if err := ctx.Err(); err != nil {
		return nil, &interruptedError{name: name, err: err}
	}
	return res.objs, res.err
}

// interruptedError says that the reading of an input was interrupted; it
// wraps the context's error.
type interruptedError struct {
	name string
	err  error
}

func (e *interruptedError) Error() string { return "interrupted while reading " + e.name }

func (e *interruptedError) Unwrap() error { return e.err }

func (o Options) readAll(ctx context.Context, name string, open func() (io.ReadCloser, error)) ([]Object, error) {
	f, err := open()
	if err != nil {
		return nil, fmt.Errorf("failed to read %s: %w", name, unwrapPathError(err))
	}
	defer f.Close()
	r := readcap.NewReader(f, &readcap.Error{Source: name, Cap: o.inputCap(), What: "kdx's cap for one input of -f"})
	return o.decode(ctx, name, r)
}

// readPath reads a file, or the files of a directory.
func (o Options) readPath(ctx context.Context, path string) ([]Object, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("failed to read %s: %w", path, unwrapPathError(err))
	}
	if !info.IsDir() {
		return o.readFile(ctx, path)
	}
	files, err := dirFiles(path, o.Recursive)
	if err != nil {
		return nil, err
	}
	var objs []Object
	var errs []error
	for _, f := range files {
		got, err := o.readFile(ctx, f)
		objs, errs = append(objs, got...), appendErr(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return objs, errors.Join(errs...)
}

func (o Options) readFile(ctx context.Context, path string) ([]Object, error) {
	return o.readInput(ctx, path, func() (io.ReadCloser, error) { return os.Open(path) })
}

// dirFiles lists the manifest files of dir, descending only when recursive.
func dirFiles(dir string, recursive bool) ([]string, error) {
	var files []string
	skipped := false // a subdirectory was not read
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && !recursive {
				skipped = true
				return filepath.SkipDir
			}
			return nil
		}
		if hasExtension(p) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("failed to read directory %s: %w", dir, unwrapPathError(err))
	}
	switch {
	case len(files) == 0 && skipped:
		return nil, fmt.Errorf("directory %s has no %s files; its subdirectories are read only with -R (--recursive)", dir, strings.Join(Extensions, ", "))
	case len(files) == 0:
		return nil, fmt.Errorf("directory %s has no %s files", dir, strings.Join(Extensions, ", "))
	}
	return files, nil
}

func hasExtension(p string) bool {
	ext := strings.ToLower(filepath.Ext(p))
	for _, e := range Extensions {
		if ext == e {
			return true
		}
	}
	return false
}

// unwrapPathError drops the path from an *fs.PathError, which the caller names.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
