package discovery

import (
	"bufio"
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
	// the tabwriter writes each cell and each padding on its own: a
	// buffer makes the table a few writes instead of thousands
	bw := bufio.NewWriterSize(w, 32<<10)
	tw := tabwriter.NewWriter(bw, 6, 4, 3, ' ', tabwriter.RememberWidths)
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
	if err := tw.Flush(); err != nil {
		return err
	}
	return bw.Flush()
}
