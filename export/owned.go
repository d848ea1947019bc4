package export

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// RecordFile is the record, in the root of an export tree, of the object
// files that the exports into it wrote: --prune removes a file listed
// there, or one that holds the object its path names, and nothing else.
const RecordFile = ".kdx-written"

// recordHeader starts the record.
const recordHeader = "# The object files kdx export wrote in this directory, one per line: kdx export\n" +
	"# --prune removes only these and files that hold the object their path names.\n"

// record is the set of paths (relative, with the OS's separators) of a
// record file.
type record map[string]bool

// readRecord reads the record of the tree at root: none when there is no
// record, or when it is not a regular file. Lines that are not paths of
// object files in the layout are ignored.
func readRecord(root string) record {
	rec := record{}
	data, err := readTreeFile(root, RecordFile)
	if err != nil {
		return rec
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 64<<10)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if rel := filepath.FromSlash(line); isLayoutPath(rel) {
			rec[rel] = true
		}
	}
	return rec
}

// isLayoutPath reports whether rel has the shape of an object file's path
// in an export tree: namespace/group/kind/file, each a plain name.
func isLayoutPath(rel string) bool {
	if filepath.IsAbs(rel) || filepath.Clean(rel) != rel {
		return false
	}
	parts := strings.Split(filepath.ToSlash(rel), "/")
	if len(parts) != 4 || !isLayoutFile(parts[3]) {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.HasPrefix(p, ".") {
			return false
		}
	}
	return true
}

// encodeRecord is the content of a record of the paths in rec.
func encodeRecord(rec record) []byte {
	var b bytes.Buffer
	b.WriteString(recordHeader)
	for _, rel := range slices.Sorted(maps.Keys(rec)) {
		b.WriteString(filepath.ToSlash(rel))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// SaveRecord writes the record of the tree (RecordFile): the files this
// run wrote, and those of the last record that are still there. It writes
// nothing when the record is already right. Call it after Prune and
// before Close.
func (d *DirSink) SaveRecord() error {
	rec := readRecord(d.root)
	for rel := range rec {
		if info, err := statTree(d.root, rel); err != nil || !info.Mode().IsRegular() {
			delete(rec, rel)
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for rel := range d.stored {
		rec[rel] = true
	}
	path := filepath.Join(d.root, RecordFile)
	if len(rec) == 0 {
		// Nothing to record: no file (a record whose files are all gone goes).
		removed, err := removeFileIn(d.top, RecordFile)
		if removed {
			d.changed = append(d.changed, d.root)
		}
		return err
	}
	data := encodeRecord(rec)
	if same, err := d.unchanged(d.top, RecordFile, data, FileMode); err != nil || same {
		return err
	}
	if _, err := d.writeAtomic(context.Background(), d.top, RecordFile, data, FileMode); err != nil {
		return err
	}
	d.changed = append(d.changed, path)
	return nil
}

// treeObject reads the file rel of the tree at root and returns the object
// it holds when the file is where the layout puts that object (see
// RelPath): one object, whose kind, group, namespace and name give rel.
// Otherwise it returns nil and why the file is not such a file; err is a
// file that cannot be read (a *LinkError for a link).
func treeObject(root, rel string) (obj *unstructured.Unstructured, why string, err error) {
	data, err := readTreeFile(root, rel)
	if err != nil {
		return nil, "", err
	}
	m, err := decodeTreeFile(rel, data)
	if err != nil {
		return nil, err.Error(), nil
	}
	obj = &unstructured.Unstructured{Object: m}
	gvk := obj.GroupVersionKind()
	if gvk.Kind == "" || obj.GetName() == "" {
		return nil, "it holds no object (no kind or no name)", nil
	}
	ext := strings.TrimPrefix(filepath.Ext(rel), ".")
	if want := RelPath(obj.GetNamespace(), gvk.Group, gvk.Kind, obj.GetName(), ext); want != rel {
		return nil, fmt.Sprintf("it holds %s %s, whose file would be %s", gvk.Kind, objectName(obj), filepath.ToSlash(want)), nil
	}
	return obj, "", nil
}

// objectName is namespace/name, or name for a cluster-scoped object.
func objectName(obj *unstructured.Unstructured) string {
	if ns := obj.GetNamespace(); ns != "" {
		return ns + "/" + obj.GetName()
	}
	return obj.GetName()
}

// decodeTreeFile decodes the one object of a file kdx wrote: one JSON
// value for a .json file, one YAML document for a .yaml file.
func decodeTreeFile(rel string, data []byte) (map[string]any, error) {
	var m map[string]any
	if strings.HasSuffix(rel, ".json") {
		dec := json.NewDecoder(bytes.NewReader(data))
		if err := dec.Decode(&m); err != nil {
			return nil, fmt.Errorf("it is not a JSON object: %v", err)
		}
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return nil, errors.New("it holds more than one JSON value")
		}
		return m, nil
	}
	if bytes.HasPrefix(data, []byte("---")) || bytes.Contains(data, []byte("\n---")) {
		return nil, errors.New("it holds several YAML documents")
	}
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("it is not a YAML object: %v", err)
	}
	return m, nil
}

// kdxFile says whether the file rel of the tree at root is an object file
// kdx wrote: listed in rec, or holding the object its path names (see
// treeObject). obj is the file's object when it was read.
func kdxFile(root, rel string, rec record) (obj *unstructured.Unstructured, why string, err error) {
	obj, why, err = treeObject(root, rel)
	if rec[rel] && !isLink(err) {
		return obj, "", nil
	}
	return obj, why, err
}

// Paths are the files of this run, relative to the root, sorted: those it
// claimed (written, or already right) and the record.
func (d *DirSink) Paths() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	paths := slices.Sorted(maps.Keys(d.written))
	return append(paths, RecordFile)
}
