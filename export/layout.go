package export

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
)

// ClusterDir is the directory of cluster-scoped objects; no namespace can
// have this name, as namespaces are DNS labels (a namespace that says so,
// from a hostile server, is escaped).
const ClusterDir = "_cluster"

// CoreGroupDir is the directory of the core group, whose name is "" (a
// group that says "core" is escaped).
const CoreGroupDir = "core"

// maxFileName is the longest file name written, in bytes: 255 is the limit
// of every common file system.
const maxFileName = 255

// RelPath is where an object lives in an export directory:
// <namespace>/<group>/<Kind>/<name>.<ext>, with ClusterDir for
// cluster-scoped objects and CoreGroupDir for the core group. It is the one
// mapping from objects to files: whatever names, kinds and namespaces a
// server sends, the path is local (four names, none "." or "..", none
// starting with '.' or '-'), no two objects share one (not even on a
// case-insensitive file system, but for kinds that differ only in case),
// and ParseRelPath reads the object back. A reader of a tree (diff --dir,
// prune) knows a file is an object's by comparing its path with RelPath of
// the object it holds.
func RelPath(namespace, group, kind, name, ext string) string {
	dirs := typeDirs(group, kind)
	return filepath.Join(namespaceDir(namespace), dirs[0], dirs[1], SafeFileName(name, ext))
}

// namespaceDir is the directory of a namespace, ClusterDir for "".
func namespaceDir(namespace string) string {
	if namespace == "" {
		return ClusterDir
	}
	return shorten(escapeReserved(SafeName(namespace), ClusterDir), namespace, "")
}

// typeDirs are the group and kind directories of a type.
func typeDirs(group, kind string) [2]string {
	g := CoreGroupDir
	if group != "" {
		g = shorten(escapeReserved(SafeName(group), CoreGroupDir), group, "")
	}
	return [2]string{g, kindDir(kind)}
}

// escapeReserved escapes the first letter of s if it is the name the layout
// gives to something else.
func escapeReserved(s, reserved string) string {
	if s == reserved {
		return fmt.Sprintf("%%%02X", s[0]) + s[1:]
	}
	return s
}

// kindDir is the directory of a kind: the kind as it is, since kinds are
// identifiers ([A-Za-z][A-Za-z0-9]*) and no two kinds of a group differ in
// case only; anything else is escaped.
func kindDir(kind string) string {
	if !isKindIdentifier(kind) {
		return shorten(SafeName(kind), kind, "")
	}
	return shorten(kind, kind, "")
}

// isKindIdentifier reports whether a kind is its own directory name: an
// identifier that Windows does not reserve.
func isKindIdentifier(kind string) bool {
	for _, c := range []byte(kind) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return kind != "" && !reservedOnWindows(strings.ToLower(kind))
}

// SafeFileName is SafeName(name) + "." + ext, shortened with a hash of the
// name when it would be longer than file systems allow.
func SafeFileName(name, ext string) string {
	return shorten(SafeName(name), name, "."+ext)
}

// shorten returns safe+suffix, or, when that is longer than a file name may
// be, as much of safe as fits with "~" and a hash of name (the unescaped
// name) before suffix. "~" is escaped in names: a shortened name is never
// one that is not.
func shorten(safe, name, suffix string) string {
	if len(safe)+len(suffix) <= maxFileName {
		return safe + suffix
	}
	sum := sha256.Sum256([]byte(name))
	hash := "~" + hex.EncodeToString(sum[:8])
	keep := maxFileName - len(hash) - len(suffix)
	// Do not cut an escape sequence in two.
	if i := strings.LastIndexByte(safe[:keep], '%'); i >= 0 && i > keep-3 {
		keep = i
	}
	return safe[:keep] + hash + suffix
}

// SafeName turns an object name into a file name that means the same on
// every operating system: characters other than lower-case letters, digits,
// '-', '.' and '_' are escaped as %XX (so upper case cannot collide on
// case-insensitive file systems), and so are a leading '.' (hidden files),
// a leading '-' (a file name a command would read as an option, -rf.yaml),
// a trailing '.' and the first letter of names Windows reserves (con, nul,
// com1, ...); "" is "%". Names that are already DNS subdomains, as most
// are, stay as they are.
func SafeName(name string) string {
	if name == "" {
		return "%"
	}
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '_':
			b.WriteByte(c)
		case c == '-' && i > 0:
			b.WriteByte(c)
		case c == '.' && i > 0 && i < len(name)-1:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	s := b.String()
	if reservedOnWindows(s) {
		s = fmt.Sprintf("%%%02X", s[0]) + s[1:]
	}
	return s
}

// unescapeName undoes the escapes of SafeName; ok is false when s has an
// escape cut short or not hexadecimal. (Whether s is what SafeName gives
// is for the caller to check.)
func unescapeName(s string) (string, bool) {
	if s == "%" {
		return "", true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", false
		}
		c, err := hex.DecodeString(s[i+1 : i+3])
		if err != nil {
			return "", false
		}
		b.WriteByte(c[0])
		i += 2
	}
	return b.String(), true
}

// reservedOnWindows reports whether Windows reserves the name, with or
// without an extension.
func reservedOnWindows(s string) bool {
	base, _, _ := strings.Cut(s, ".")
	switch base {
	case "con", "prn", "aux", "nul":
		return true
	}
	if len(base) == 4 && (strings.HasPrefix(base, "com") || strings.HasPrefix(base, "lpt")) {
		return base[3] >= '0' && base[3] <= '9'
	}
	return false
}

// FileKey is the object whose file a path of an export tree is, as the path
// tells (see ParseRelPath).
type FileKey struct {
	// Namespace is "" for a cluster-scoped object.
	Namespace string
	// Group is "" for the core group.
	Group string
	Kind  string
	Name  string
	// Ext is the file's extension, the format: yaml or json.
	Ext string
}

// ParseRelPath reads back the object of a path RelPath gives (with the
// separators of the operating system). ok is false when rel is not such a
// path, or when one of its names was shortened (too long for a file name,
// it keeps a hash of the rest) and so cannot be read back: RelPath of the
// object the file holds then tells whether it is the object's file.
func ParseRelPath(rel string) (key FileKey, ok bool) {
	parts := strings.Split(rel, string(filepath.Separator))
	if len(parts) != 4 {
		return FileKey{}, false
	}
	base, ext, found := cutLast(parts[3], ".")
	if !found || ext == "" {
		return FileKey{}, false
	}
	ns, ok1 := unescapeDir(parts[0], ClusterDir)
	group, ok2 := unescapeDir(parts[1], CoreGroupDir)
	kind, ok3 := parts[2], isKindIdentifier(parts[2])
	if !ok3 {
		kind, ok3 = unescapeName(parts[2])
	}
	name, ok4 := unescapeName(base)
	key = FileKey{Namespace: ns, Group: group, Kind: kind, Name: name, Ext: ext}
	if !ok1 || !ok2 || !ok3 || !ok4 || RelPath(ns, group, kind, name, ext) != rel {
		return FileKey{}, false
	}
	return key, true
}

// unescapeDir reads back a namespace or group directory; reserved is the
// name of "".
func unescapeDir(s, reserved string) (string, bool) {
	if s == reserved {
		return "", true
	}
	return unescapeName(s)
}

// cutLast is strings.Cut at the last sep.
func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}
