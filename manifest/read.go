package manifest

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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
}

// Read decodes every object of the inputs, in the order given (a directory's
// files in lexical order). It returns all the problems found, joined, rather
// than stopping at the first, and no objects when there is any.
func Read(opts Options) ([]Object, error) {
	if len(opts.Filenames) == 0 {
		return nil, errors.New("must specify -f: a file, a directory, or - for stdin")
	}
	var objs []Object
	var errs []error
	stdinRead := false
	for _, name := range opts.Filenames {
		if name == "-" {
			if stdinRead {
				continue
			}
			stdinRead = true
			got, err := readStdin(opts.Stdin)
			objs, errs = append(objs, got...), appendErr(errs, err)
			continue
		}
		got, err := readPath(name, opts.Recursive)
		objs, errs = append(objs, got...), appendErr(errs, err)
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

func readStdin(r io.Reader) ([]Object, error) {
	if r == nil {
		return nil, errors.New("failed to read stdin: no standard input")
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("failed to read stdin: %w", err)
	}
	return Decode(StdinName, data)
}

// readPath reads a file, or the files of a directory.
func readPath(path string, recursive bool) ([]Object, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("failed to read %s: %w", path, unwrapPathError(err))
	}
	if !info.IsDir() {
		return readFile(path)
	}
	files, err := dirFiles(path, recursive)
	if err != nil {
		return nil, err
	}
	var objs []Object
	var errs []error
	for _, f := range files {
		got, err := readFile(f)
		objs, errs = append(objs, got...), appendErr(errs, err)
	}
	return objs, errors.Join(errs...)
}

func readFile(path string) ([]Object, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("failed to read %s: %w", path, unwrapPathError(err))
	}
	return Decode(path, data)
}

// dirFiles lists the manifest files of dir, descending only when recursive.
func dirFiles(dir string, recursive bool) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && !recursive {
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
	if len(files) == 0 {
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
