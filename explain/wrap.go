package explain

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// wrap breaks s into lines of at most width characters at white space, as
// kubectl explain's templates do, so that the lines kdx shares with kubectl
// are the same bytes: each line of s is wrapped on its own; a word that
// would cross width starts a new line and the blanks before it are
// dropped; a word of width characters or more is never broken; blanks at
// the end of a line are kept unless they cross width.
func wrap(s string, width int) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/width + 1)
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		wrapLine(&b, line, width)
	}
	return b.String()
}

// wrapLine wraps one line (no '\n') into b.
func wrapLine(b *strings.Builder, line string, width int) {
	col := 0     // characters written on the current output line
	blanks := "" // the blanks read since the last word, not yet written
	for len(line) > 0 {
		n := blankPrefix(line)
		if n > 0 {
			blanks, line = blanks+line[:n], line[n:]
			continue
		}
		word := line
		if i := strings.IndexFunc(line, isBlank); i >= 0 {
			word = line[:i]
		}
		line = line[len(word):]
		nb, nw := utf8.RuneCountInString(blanks), utf8.RuneCountInString(word)
		// The word moves to a new line when, character by character, it
		// first crosses width while still shorter than width.
		first := max(1, width-col-nb+1)
		if first <= nw && first < width {
			b.WriteByte('\n')
			b.WriteString(word)
			col = nw
		} else {
			b.WriteString(blanks)
			b.WriteString(word)
			col += nb + nw
		}
		blanks = ""
	}
	if blanks != "" && col+utf8.RuneCountInString(blanks) <= width {
		b.WriteString(blanks)
	}
}

// blankPrefix is the length in bytes of the blanks s starts with.
func blankPrefix(s string) int {
	return len(s) - len(strings.TrimLeftFunc(s, isBlank))
}

// isBlank is white space other than a no-break space ('\n' never reaches it).
func isBlank(r rune) bool { return unicode.IsSpace(r) && r != '\u00a0' }

// indent puts pad spaces before s and after each of its newlines, as
// kubectl's templates indent (a trailing newline gets them too).
func indent(s string, pad int) string {
	p := strings.Repeat(" ", pad)
	return p + strings.ReplaceAll(s, "\n", "\n"+p)
}
