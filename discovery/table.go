package discovery

import (
	"bytes"
	"io"
	"strings"

	"github.com/mattn/go-runewidth"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// kubectl's tabwriter: columns at least minWidth wide, padding spaces
// after each cell but the last, which is written as it is.
const (
	minWidth = 6
	padding  = 3
)

// writeTable writes rows (the first is the header unless noHeader) as
// kubectl's plain columns: left aligned, no borders, three spaces between
// columns, the last column unpadded. tablewriter lays out every column but
// the last, which is appended to each line, as kubectl's tabwriter leaves it.
func writeTable(w io.Writer, header []string, rows [][]string) error {
	all := rows
	if header != nil {
		all = append([][]string{header}, rows...)
	}
	if len(all) == 0 {
		return nil
	}
	n := len(all[0])
	if n == 1 {
		return writeLines(w, all, nil)
	}
	var buf bytes.Buffer
	t := tablewriter.NewTable(&buf,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders:  tw.BorderNone,
			Symbols:  tw.NewSymbols(tw.StyleNone),
			Settings: tw.Settings{Separators: tw.SeparatorsNone, Lines: tw.LinesNone},
		})),
		tablewriter.WithConfig(tablewriter.Config{Header: cellConfig(all, n-1), Row: cellConfig(all, n-1)}),
		tablewriter.WithTrimSpace(tw.Off),
	)
	body := make([][]string, len(all))
	for i, r := range all {
		body[i] = r[:n-1]
	}
	if err := t.Bulk(body); err != nil {
		return err
	}
	if err := t.Render(); err != nil {
		return err
	}
	return writeLines(w, all, strings.SplitAfter(buf.String(), "\n"))
}

// writeLines writes each aligned prefix followed by the row's last cell.
func writeLines(w io.Writer, rows [][]string, prefixes []string) error {
	var b strings.Builder
	for i, r := range rows {
		if prefixes != nil {
			b.WriteString(strings.TrimSuffix(prefixes[i], "\n"))
		}
		b.WriteString(r[len(r)-1])
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cellConfig aligns the first n columns left, each padded to kubectl's
// width: the widest cell plus three spaces, at least six.
func cellConfig(rows [][]string, n int) tw.CellConfig {
	pads := make([]tw.Padding, n)
	for c := range n {
		width := 0
		for _, r := range rows {
			width = max(width, runewidth.StringWidth(r[c]))
		}
		pads[c] = tw.Padding{Right: strings.Repeat(" ", max(padding, minWidth-width)), Overwrite: true}
	}
	return tw.CellConfig{
		Alignment:  tw.CellAlignment{Global: tw.AlignLeft},
		Formatting: tw.CellFormatting{AutoFormat: tw.Off, AutoWrap: tw.WrapNone},
		Padding:    tw.CellPadding{Global: tw.Padding{Right: "   ", Overwrite: true}, PerColumn: pads},
	}
}
