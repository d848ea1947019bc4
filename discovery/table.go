package discovery

import (
	"io"
	"strings"

	"github.com/liggitt/tabwriter"
)

// writeTable writes rows (the first is the header unless header is nil) as
// kubectl's plain columns, through the tabwriter kubectl's
// printers.GetNewTabWriter makes (the one table engine of kdx: render's
// tables use it too): left aligned, no borders, columns at least six wide,
// three spaces between them, the last column unpadded.
func writeTable(w io.Writer, header []string, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 6, 4, 3, ' ', tabwriter.RememberWidths)
	if header != nil {
		rows = append([][]string{header}, rows...)
	}
	var b strings.Builder
	for _, r := range rows {
		b.Reset()
		for i, cell := range r {
			if i > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(cell)
		}
		b.WriteByte('\n')
		if _, err := io.WriteString(tw, b.String()); err != nil {
			return err
		}
	}
	return tw.Flush()
}
