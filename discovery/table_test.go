package discovery

import (
	"bytes"
	"testing"
)

func TestWriteTable(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		rows   [][]string
		want   string
	}{
		{"api-resources", []string{"NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"}, [][]string{
			{"bindings", "", "v1", "true", "Binding"},
			{"configmaps", "cm", "v1", "true", "ConfigMap"},
			{"deployments", "deploy", "apps/v1", "true", "Deployment"},
		}, "" +
			"NAME          SHORTNAMES   APIVERSION   NAMESPACED   KIND\n" +
			"bindings                   v1           true         Binding\n" +
			"configmaps    cm           v1           true         ConfigMap\n" +
			"deployments   deploy       apps/v1      true         Deployment\n"},
		{"narrow columns are six wide", nil, [][]string{{"a", "b", "c"}, {"", "d", ""}}, "" +
			"a     b     c\n" +
			"      d     \n"},
		{"one column", []string{"NAME"}, [][]string{{"pods"}}, "NAME\npods\n"},
		{"no rows", nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got bytes.Buffer
			if err := writeTable(&got, tt.header, tt.rows); err != nil {
				t.Fatal(err)
			}
			if got.String() != tt.want {
				t.Errorf("writeTable:\n%q\nwant:\n%q", got.String(), tt.want)
			}
		})
	}
}

// writeCounter counts the writes made to it.
type writeCounter struct{ writes int }

func (w *writeCounter) Write(p []byte) (int, error) { w.writes++; return len(p), nil }

// TestWriteTableBuffers: a table of a hundred rows reaches its writer in
// one write, not one per cell and padding (thousands of system calls on a
// terminal or a pipe).
func TestWriteTableBuffers(t *testing.T) {
	var rows [][]string
	for range 100 {
		rows = append(rows, []string{"configmaps", "cm", "v1", "true", "ConfigMap"})
	}
	var w writeCounter
	if err := writeTable(&w, []string{"NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"}, rows); err != nil {
		t.Fatal(err)
	}
	if w.writes != 1 {
		t.Errorf("got %d writes, want 1", w.writes)
	}
}
