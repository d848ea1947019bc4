package manifest

import (
	"bufio"
	"bytes"
	"io"
	"strings"

	"github.com/kdxproject/kdx/internal/readcap"
)

// The caps of -f inputs, so that an endless or huge input (`-f /dev/zero`,
// `yes | kdx apply -f -`) fails with one line instead of eating memory.
const (
	// MaxDocumentBytes is the most read of one YAML document or JSON value:
	// far more than any object a server stores (etcd takes 1.5 MiB by
	// default, the API server 3 MiB per request), with room for a List of
	// many objects, as `kubectl get -o yaml` writes.
	MaxDocumentBytes = 64 * readcap.MiB
	// MaxInputBytes is the most read of one file, or of stdin.
	MaxInputBytes = 1 * readcap.GiB
)

// document is one YAML document or JSON value of a file.
type document struct {
	data []byte
	line int // 1-based line of its first byte
	col  int // 1-based column of its first byte
}

// documents reads the documents of one input as it arrives, holding one
// at a time: JSON values when the input starts with '{' or '[' (after
// space), else YAML documents cut at lines starting with "---" followed by
// nothing but spaces or a comment, as apimachinery's YAMLReader does.
type documents struct {
	r    *bufio.Reader
	max  int64
	json *readcap.JSONValues // set for JSON input
	line int                 // YAML: the line of the next byte
	eof  bool
	// tooLarge is the error of a document passing max, starting at line.
	tooLarge func(line int) error
}

func newDocuments(r io.Reader, max int64, tooLarge func(line int) error) *documents {
	d := &documents{r: bufio.NewReaderSize(r, 64<<10), max: max, line: 1, tooLarge: tooLarge}
	if skip, lines, ok := d.sniffJSON(); ok {
		_, _ = d.r.Discard(skip)
		d.json = readcap.NewJSONValues(d.r, max, 1+lines, tooLarge)
	}
	return d
}

// isJSON says whether the input is a stream of JSON values.
func (d *documents) isJSON() bool { return d.json != nil }

// sniffJSON looks past the leading space (and byte order mark) of the
// input for '{' or '['; it returns how many bytes and lines precede it. It
// reads no more of the input than it looks at.
func (d *documents) sniffJSON() (skip, lines int, ok bool) {
	bom := []byte("\ufeff")
	for i := 0; i+len(bom) <= d.r.Size(); {
		head, _ := d.r.Peek(i + 1)
		if len(head) <= i {
			return 0, 0, false
		}
		switch c := head[i]; {
		case c == '{' || c == '[':
			return i, lines, true
		case c == '\n':
			lines++
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == bom[0]:
			if head, _ = d.r.Peek(i + len(bom)); !bytes.Equal(head[i:], bom) {
				return 0, 0, false
			}
			i += len(bom)
		default:
			return 0, 0, false
		}
	}
	return 0, 0, false
}

// toYAML reads the rest of a JSON input as YAML documents, from prefix
// (the JSON value being read, which starts at line) on.
func (d *documents) toYAML(prefix []byte, line int) {
	rest := d.json.Rest()
	d.json = nil
	d.r = bufio.NewReaderSize(io.MultiReader(bytes.NewReader(bytes.Clone(prefix)), rest), 64<<10)
	d.line, d.eof = line, false
}

// next returns the next document, or io.EOF after the last.
func (d *documents) next() (document, error) {
	if d.json != nil {
		v, line, err := d.json.Next()
		return document{data: v, line: line, col: d.json.Column()}, err
	}
	return d.nextYAML()
}

// nextYAML reads lines up to the next separator or the end. The cap
// counts the document's lines, not the separator that ends it.
func (d *documents) nextYAML() (document, error) {
	if d.eof {
		return document{}, io.EOF
	}
	var buf []byte
	start := d.line
	for {
		lineStart := len(buf)
		var err error
		for {
			var chunk []byte
			chunk, err = d.r.ReadSlice('\n')
			buf = appendDoubling(buf, chunk)
			if line := buf[lineStart:]; int64(len(buf)) > d.max && (!maybeSeparator(line) || int64(len(line)) > d.max) {
				return document{}, d.tooLarge(start)
			}
			if err != bufio.ErrBufferFull {
				break
			}
		}
		switch {
		case err == io.EOF:
			d.eof = true
		case err != nil:
			return document{}, err
		default:
			d.line++
		}
		if isSeparator(buf[lineStart:]) {
			return document{data: buf[:lineStart], line: start}, nil
		}
		if int64(len(buf)) > d.max {
			return document{}, d.tooLarge(start)
		}
		if d.eof {
			return document{data: buf, line: start}, nil
		}
	}
}

// appendDoubling is append, growing buf twofold: append grows a large
// slice by a quarter, which copies a large document many times over.
func appendDoubling(buf, b []byte) []byte {
	if n := len(buf) + len(b); n > cap(buf) {
		grown := make([]byte, len(buf), max(2*cap(buf), n, 4096))
		copy(grown, buf)
		buf = grown
	}
	return append(buf, b...)
}

// maybeSeparator says whether the start of a line could be that of a separator.
func maybeSeparator(line []byte) bool {
	n := min(len(line), 3)
	return string(line[:n]) == "---"[:n]
}

func isSeparator(line []byte) bool {
	if !bytes.HasPrefix(line, []byte("---")) {
		return false
	}
	rest := strings.TrimSpace(string(line[3:]))
	return rest == "" || strings.HasPrefix(rest, "#")
}
