package render

import (
	"fmt"
	"strings"

	"k8s.io/cli-runtime/pkg/printers"
)

// Escape makes text from the server safe to write on a terminal, on one
// line: ESC is "^[" and CR `\r`, as kubectl's tables and describe write them
// (cli-runtime's EscapeTerminal, which get's tables use), LF is `\n`, the
// other C0 controls in caret notation (BEL "^G"), DEL "^?", and the C1
// controls as `\u0085`. TAB is kept, as kubectl keeps it. The result holds
// no control character but TAB, so a name cannot move the cursor, change
// the title or colours, ring the bell or forge a line.
func Escape(s string) string {
	if !needsEscape(s) {
		return s
	}
	s = printers.EscapeTerminal(s)
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		switch {
		case r == '\t':
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20:
			b.WriteByte('^')
			b.WriteRune(r + '@')
		case r == 0x7f:
			b.WriteString("^?")
		case r >= 0x80 && r < 0xa0:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// needsEscape says whether s holds a control character other than TAB:
// a byte below 0x20 or DEL, or a C1 control (U+0080-U+009F, whose UTF-8
// encoding starts with 0xC2).
func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\t':
		case c < 0x20 || c == 0x7f:
			return true
		case c == 0xc2 && i+1 < len(s) && s[i+1] < 0xa0:
			return true
		}
	}
	return false
}
