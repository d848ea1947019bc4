package refs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kdxproject/kdx/render"
)

// WriteTable writes rows as a table: DIRECTION, NAMESPACE, OBJECT
// (kind.group/name, or kind and selector when a selector selects none),
// FIELD and STATUS (missing, unknown, or empty). The server's text is
// escaped (render.Escape).
func WriteTable(w io.Writer, rows []Row, noHeaders bool) error {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 8, 3, ' ', 0)
	if !noHeaders {
		fmt.Fprintln(tw, "DIRECTION\tNAMESPACE\tOBJECT\tFIELD\tSTATUS")
	}
	for _, r := range rows {
		ns := r.Object.Namespace
		if ns == "" {
			ns = "-"
		}
		e := render.Escape // names and fields come from the server
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Direction, e(ns), e(objectCell(r)), e(r.Field), r.Status)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, line := range bytes.SplitAfter(buf.Bytes(), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		// The rows without a status end in the padding of that column.
		line = append(bytes.TrimRight(bytes.TrimSuffix(line, []byte("\n")), " "), '\n')
		if _, err := w.Write(line); err != nil {
			return err
		}
	}
	return nil
}

func objectCell(r Row) string {
	if r.Object.Name == "" && r.Selector != "" {
		o := r.Object
		o.Name = "(" + r.Selector + ")"
		return o.String()
	}
	return r.Object.String()
}

// PrintList prints rows with p (json, yaml, jsonl) as a v1 List whose
// items are the rows.
func PrintList(w io.Writer, p render.Printer, rows []Row) error {
	list := &unstructured.UnstructuredList{Object: map[string]any{"apiVersion": "v1", "kind": "List"}}
	for _, r := range rows {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		list.Items = append(list.Items, unstructured.Unstructured{Object: m})
	}
	return p.PrintObj(list, w)
}
