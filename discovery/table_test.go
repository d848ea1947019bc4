package discovery

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/liggitt/tabwriter"
)

// kubectlTable is what kubectl's printers.GetNewTabWriter makes of rows.
func kubectlTable(rows [][]string) string {
	var b bytes.Buffer
	w := tabwriter.NewWriter(&b, 6, 4, 3, ' ', tabwriter.RememberWidths)
	for _, r := range rows {
		fmt.Fprintln(w, strings.Join(r, "\t"))
	}
	w.Flush()
	return b.String()
}

func TestWriteTableMatchesKubectl(t *testing.T) {
	tests := []struct {
		name string
		rows [][]string
	}{
		{"api-resources", [][]string{
			{"NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"},
			{"bindings", "", "v1", "true", "Binding"},
			{"configmaps", "cm", "v1", "true", "ConfigMap"},
			{"deployments", "deploy", "apps/v1", "true", "Deployment"},
		}},
		{"narrow columns", [][]string{{"a", "b", "c"}, {"", "d", ""}}},
		{"empty last column", [][]string{{"NAME", "VERBS", "CATEGORIES"}, {"pods", "get,list", ""}, {"x", "", "all"}}},
		{"one column", [][]string{{"NAME"}, {"pods"}}},
		{"spaces in cells", [][]string{{"A B", "C"}, {"x y z", "w"}}},
		{"no rows", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got bytes.Buffer
			if err := writeTable(&got, nil, tt.rows); err != nil {
				t.Fatal(err)
			}
			if want := kubectlTable(tt.rows); got.String() != want {
				t.Errorf("writeTable:\n%q\nkubectl's tabwriter:\n%q", got.String(), want)
			}
		})
	}
}
