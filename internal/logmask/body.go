package logmask

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// Masked replaces a masked value.
const Masked = "***"

// lastApplied is the annotation in which kubectl apply keeps a copy of
// the object, a Secret's data included.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// truncatedNote is what client-go appends to a body it cut (-v=8, -v=9).
var truncatedNote = regexp.MustCompile(`(?s) \[truncated \d+ chars\]$`)

// Body is s, a request or response body as client-go logs it, with the
// Secret values in it masked: JSON, YAML (an apply body) or a hex dump of
// either, whole or cut. Where a value may be a Secret's and nothing says
// otherwise (a body without its kind, a body cut before its kind), it is
// masked.
func Body(s string) string {
	text := s
	note := truncatedNote.FindString(s)
	text = s[:len(s)-len(note)]
	var masked string
	switch {
	case isHexDump(text):
		masked = maskHexDump(text, note != "")
	case startsJSON(text):
		masked = maskJSON(text)
	default:
		masked = maskYAML(text, note != "")
	}
	if masked == text {
		return s
	}
	return masked + note
}

// startsJSON says whether s starts (after blanks) as a JSON object or array.
func startsJSON(s string) bool {
	t := strings.TrimLeft(s, " \t\r\n")
	return strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")
}

// role is what a JSON value is to the object around it.
type role int

const (
	// object: a JSON object that may be a Kubernetes object (or a list,
	// an event, a patch...).
	object role = iota
	// secretData: data or stringData of its owner, or within them.
	secretData
	// metadata: the metadata of its owner.
	metadata
	// annotations: the annotations of its owner.
	annotations
	// plain: nothing in it is masked (labels, managedFields...).
	plain
)

// span is a byte range of the text to mask.
type span struct{ start, end int }

// frame is an object or array being scanned.
type frame struct {
	isObject bool
	role     role
	// owner is the object whose data, metadata or annotations this is.
	owner *frame
	start int
	// key is the member being read; wantKey says that a key comes next.
	key     string
	wantKey bool
	// kind is the object's kind, when it has one (hasKind).
	kind    string
	hasKind bool
	// own are the values to mask if this object is a Secret.
	own []span
	// inner are the values to mask of objects within that have no kind
	// (the items of a typed list): masked if this is a SecretList.
	inner []span
	// op, path and value are those of a JSON patch operation.
	op    bool
	path  string
	value *span
}

// jsonScanner finds the Secret values of a JSON text, tolerating a text
// cut anywhere: what is still open at the end is decided as if the rest
// could be a Secret.
type jsonScanner struct {
	text  string
	stack []*frame
	mask  []span
}

// maskJSON is text with its Secret values replaced by "***".
func maskJSON(text string) string {
	sc := &jsonScanner{text: text}
	sc.scan()
	return replaceSpans(text, sc.mask)
}

func (sc *jsonScanner) top() *frame {
	if len(sc.stack) == 0 {
		return nil
	}
	return sc.stack[len(sc.stack)-1]
}

func (sc *jsonScanner) scan() {
	t := sc.text
	i := 0
	for i < len(t) {
		switch c := t[i]; c {
		case ' ', '\t', '\r', '\n', ':':
			i++
		case ',':
			if f := sc.top(); f != nil && f.isObject {
				f.wantKey = true
			}
			i++
		case '{', '[':
			sc.open(c == '{', i)
			i++
		case '}', ']':
			i++
			if len(sc.stack) == 0 {
				sc.fail(i)
				return
			}
			sc.close(i)
		case '"':
			end, ok := stringEnd(t, i)
			if !ok {
				sc.scalar(span{i, len(t)}, "")
				sc.fail(len(t))
				return
			}
			if f := sc.top(); f != nil && f.isObject && f.wantKey {
				f.key, f.wantKey = decodeString(t[i:end]), false
			} else {
				sc.scalar(span{i, end}, t[i:end])
			}
			i = end
		default:
			end := i
			for end < len(t) && !strings.ContainsRune(" \t\r\n,:]}[{\"", rune(t[end])) {
				end++
			}
			if end == i {
				sc.fail(i)
				return
			}
			sc.scalar(span{i, end}, t[i:end])
			i = end
		}
	}
	sc.fail(len(t))
}

// stringEnd is the index after the JSON string starting at t[i], and
// whether it ends before t does.
func stringEnd(t string, i int) (int, bool) {
	for j := i + 1; j < len(t); j++ {
		switch t[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		}
	}
	return len(t), false
}

// decodeString is the value of a JSON string token ("" if it is not one).
func decodeString(tok string) string {
	if !strings.Contains(tok, `\`) {
		return strings.Trim(tok, `"`)
	}
	var s string
	_ = json.Unmarshal([]byte(tok), &s)
	return s
}

// open starts an object or array at i, as the value of the current member
// (or element) of the frame around it.
func (sc *jsonScanner) open(isObject bool, i int) {
	f := &frame{isObject: isObject, start: i, wantKey: isObject}
	if p := sc.top(); p != nil {
		f.role, f.owner = childRole(p)
	}
	sc.stack = append(sc.stack, f)
}

// childRole is the role (and owner) of a value within p.
func childRole(p *frame) (role, *frame) {
	switch p.role {
	case secretData, plain:
		return p.role, p.owner
	case metadata:
		if p.isObject && p.key == "annotations" {
			return annotations, p.owner
		}
		return plain, nil
	case annotations:
		return plain, nil
	}
	if !p.isObject {
		return object, nil // an item
	}
	switch p.key {
	case "data", "stringData":
		return secretData, p
	case "metadata":
		return metadata, p
	}
	return object, nil
}

// close ends the innermost frame at end (after its closing bracket).
func (sc *jsonScanner) close(end int) {
	f := sc.top()
	sc.stack = sc.stack[:len(sc.stack)-1]
	if p := sc.top(); p != nil && p.role == object && p.isObject && p.key == "value" {
		p.value = &span{f.start, end}
	}
	if f.role == object && f.isObject {
		sc.settle(f)
	}
}

// scalar records a scalar value (tok is its text) of the innermost frame.
func (sc *jsonScanner) scalar(s span, tok string) {
	f := sc.top()
	if f == nil {
		return
	}
	switch f.role {
	case secretData:
		f.owner.own = append(f.owner.own, s)
	case annotations:
		if f.key == lastApplied {
			f.owner.own = append(f.owner.own, s)
		}
	case object:
		if !f.isObject {
			return
		}
		switch f.key {
		case "kind":
			if tok != "" { // "" is a value cut short
				f.kind, f.hasKind = decodeString(tok), true
			}
		case "op":
			f.op = true
		case "path":
			f.path = decodeString(tok)
		case "value":
			f.value = &s
		}
	}
}

// fail ends the scan at i, the text being cut (or broken) there: what is
// open is settled as if the rest could be a Secret's, and within the data
// of a possible Secret, the rest of the text is masked.
func (sc *jsonScanner) fail(i int) {
	if f := sc.top(); f != nil && i < len(sc.text) {
		switch f.role {
		case secretData, annotations:
			f.owner.own = append(f.owner.own, span{i, len(sc.text)})
		}
	}
	for len(sc.stack) > 0 {
		f := sc.top()
		sc.stack = sc.stack[:len(sc.stack)-1]
		if f.role == object && f.isObject {
			sc.settle(f)
		}
	}
}

// settle decides what of object f is masked: its own values if it is a
// Secret, those of kindless objects within if it is a list of Secrets.
// Without a kind (none, or not read yet in a cut text), the object around
// decides; without one either, they are masked.
func (sc *jsonScanner) settle(f *frame) {
	switch {
	case f.hasKind && f.kind == "Secret":
		sc.mask = append(sc.mask, f.own...)
	case !f.hasKind:
		sc.handUp(f.own)
	}
	switch {
	case !f.hasKind:
		sc.handUp(f.inner)
	case f.kind == "SecretList" || f.kind == "List":
		sc.mask = append(sc.mask, f.inner...)
	}
	if f.op && f.value != nil && secretPath(f.path) {
		sc.mask = append(sc.mask, *f.value)
	}
}

// handUp gives spans of an object without a kind to the nearest object
// around it, or masks them at the top.
func (sc *jsonScanner) handUp(spans []span) {
	if len(spans) == 0 {
		return
	}
	for i := len(sc.stack) - 1; i >= 0; i-- {
		if f := sc.stack[i]; f.role == object && f.isObject {
			f.inner = append(f.inner, spans...)
			return
		}
	}
	sc.mask = append(sc.mask, spans...)
}

// secretPath says whether a JSON patch path may reach a Secret's values.
func secretPath(p string) bool {
	return p == "" || p == "/" || p == "/data" || p == "/stringData" ||
		strings.HasPrefix(p, "/data/") || strings.HasPrefix(p, "/stringData/") ||
		strings.HasPrefix(p, "/metadata/annotations")
}

// replaceSpans is text with each span replaced by "***" (quoted); spans
// within another are dropped.
func replaceSpans(text string, spans []span) string {
	if len(spans) == 0 {
		return text
	}
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].start != spans[j].start {
			return spans[i].start < spans[j].start
		}
		return spans[i].end > spans[j].end
	})
	var b strings.Builder
	at := 0
	for _, s := range spans {
		if s.start < at {
			continue
		}
		b.WriteString(text[at:s.start])
		b.WriteString(`"` + Masked + `"`)
		at = s.end
	}
	b.WriteString(text[at:])
	return b.String()
}

// maskYAML is text, a YAML body, with its Secret values masked: a whole
// document is read and its masked values written back (as YAML, from the
// JSON it reads as); a cut one is masked line by line.
func maskYAML(text string, cut bool) string {
	if !strings.Contains(text, "data") && !strings.Contains(text, "stringData") && !strings.Contains(text, lastApplied) {
		return text
	}
	if !cut {
		if j, err := yaml.YAMLToJSON([]byte(text)); err == nil && startsJSON(string(j)) {
			masked := maskJSON(string(j))
			if masked == string(j) {
				return text
			}
			if y, err := yaml.JSONToYAML([]byte(masked)); err == nil {
				return string(y)
			}
		}
	}
	return maskYAMLLines(text)
}

// yamlKey is a block mapping line "KEY: VALUE" (VALUE may be empty), with
// the list dash if there is one.
var yamlKey = regexp.MustCompile(`^(\s*(?:-\s+)?)("[^"]*"|'[^']*'|[^\s:#][^:#]*?):(\s+.*)?$`)

// maskYAMLLines masks, line by line, the values of data and stringData
// blocks and of the last-applied annotation, whatever the object's kind:
// for a document cut before it says its kind.
func maskYAMLLines(text string) string {
	lines := strings.Split(text, "\n")
	within := -1 // the indentation of the key whose block is masked
	for i, line := range lines {
		indent := len(line) - len(strings.TrimLeft(line, " -"))
		if within >= 0 {
			if strings.TrimSpace(line) == "" || indent > within {
				if m := yamlKey.FindStringSubmatch(line); m != nil && strings.TrimSpace(m[3]) != "" {
					lines[i] = m[1] + m[2] + ": " + Masked
				} else if strings.TrimSpace(line) != "" {
					lines[i] = line[:indent] + Masked
				}
				continue
			}
			within = -1
		}
		m := yamlKey.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		key := strings.Trim(m[2], `"'`)
		if key != "data" && key != "stringData" && key != lastApplied {
			continue
		}
		within = indent
		if v := strings.TrimSpace(m[3]); v != "" && v != "|" && v != ">" && !strings.HasPrefix(v, "|") && !strings.HasPrefix(v, ">") {
			lines[i] = m[1] + m[2] + ": " + Masked
		}
	}
	return strings.Join(lines, "\n")
}

// isHexDump says whether s is client-go's hex dump of a body it did not
// take for text (one with a control character, or protobuf).
func isHexDump(s string) bool {
	return strings.HasPrefix(s, "00000000  ")
}

// maskHexDump decodes a hex dump, masks the body it holds and dumps it
// again; a body that is neither JSON nor YAML (protobuf) is left as it is:
// kdx reads objects as JSON.
func maskHexDump(s string, cut bool) string {
	var body bytes.Buffer
	for _, line := range strings.Split(s, "\n") {
		if len(line) < 10 {
			continue
		}
		hexPart := line[10:]
		if k := strings.Index(hexPart, "|"); k >= 0 {
			hexPart = hexPart[:k]
		}
		for _, f := range strings.Fields(hexPart) {
			var b byte
			if len(f) != 2 || !parseHexByte(f, &b) {
				break
			}
			body.WriteByte(b)
		}
	}
	text := body.String()
	var masked string
	if startsJSON(text) {
		masked = maskJSON(text)
	} else {
		masked = maskYAML(text, cut)
	}
	if masked == text {
		return s
	}
	return hex.Dump([]byte(masked))
}

func parseHexByte(f string, b *byte) bool {
	var v byte
	for i := 0; i < 2; i++ {
		c := f[i]
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | (c - '0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | (c - 'a' + 10)
		default:
			return false
		}
	}
	*b = v
	return true
}
