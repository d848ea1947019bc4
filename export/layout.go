package export

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
)

// ClusterDir is the directory of cluster-scoped objects; no namespace can
// have this name, as namespaces are DNS labels.
const ClusterDir = "_cluster"

// CoreGroupDir is the directory of the core group, whose name is "".
const CoreGroupDir = "core"

// maxFileName is the longest file name written, in bytes: 255 is the limit
// of every common file system.
const maxFileName = 255

// RelPath is where an object lives in an export directory:
// <namespace>/<group>/<Kind>/<name>.<ext>, with ClusterDir for
// cluster-scoped objects and CoreGroupDir for the core group.
func RelPath(namespace, group, kind, name, ext string) string {
	if namespace == "" {
		namespace = ClusterDir
	}
	if group == "" {
		group = CoreGroupDir
	}
	return filepath.Join(SafeName(namespace), SafeName(group), kindDir(kind), SafeFileName(name, ext))
}

// kindDir is the directory of a kind: the kind as it is, since kinds are
// identifiers ([A-Za-z][A-Za-z0-9]*) and no two kinds of a group differ in
// case only; anything else is escaped.
func kindDir(kind string) string {
	for _, c := range []byte(kind) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return SafeName(kind)
		}
	}
	if kind == "" || reservedOnWindows(strings.ToLower(kind)) {
		return SafeName(kind)
	}
	return kind
}

// SafeFileName is SafeName(name) + "." + ext, shortened with a hash of the
// name when it would be longer than file systems allow.
func SafeFileName(name, ext string) string {
	safe := SafeName(name)
	if len(safe)+1+len(ext) <= maxFileName {
		return safe + "." + ext
	}
	sum := sha256.Sum256([]byte(name))
	suffix := "~" + hex.EncodeToString(sum[:8])
	keep := maxFileName - len(suffix) - 1 - len(ext)
	// Do not cut an escape sequence in two.
	if i := strings.LastIndexByte(safe[:keep], '%'); i >= 0 && i > keep-3 {
		keep = i
	}
	return safe[:keep] + suffix + "." + ext
}

// SafeName turns an object name into a file name that means the same on
// every operating system: characters other than lower-case letters, digits,
// '-', '.' and '_' are escaped as %XX (so upper case cannot collide on
// case-insensitive file systems), and so are a leading '.', a trailing
// '.' and the first letter of names Windows reserves (con, nul, com1, ...).
// Names that are already DNS subdomains, as most are, stay as they are.
func SafeName(name string) string {
	if name == "" {
		return "%00"
	}
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		last := i == len(name)-1
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_':
			b.WriteByte(c)
		case c == '.' && i > 0 && !last:
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
