package discovery

import (
	"io"
	"sort"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Surface is the API surface of one cluster of a fleet: the resources it
// serves (as Snapshot.Select returns them) and, with --count, their counts.
type Surface struct {
	// Context names the cluster.
	Context string
	// Resources are what the cluster serves.
	Resources []APIResource
	// Counts are the counts of Resources, index for index; nil without --count.
	Counts []Count
}

// PrintFleetTable writes the API surface of several clusters side by side:
// one row per resource (group and plural) served by any of them, with
// NAME, SHORTNAMES, APIGROUP, NAMESPACED and KIND, then one column per
// cluster saying at which versions it serves the resource ("-": not
// served), or with counts how many objects it has there. Rows are sorted
// as sortBy says (group, name or kind, then name).
func PrintFleetTable(w io.Writer, clusters []Surface, sortBy string, noHeaders bool) error {
	type row struct {
		r     APIResource
		cells []string
	}
	index := map[schema.GroupResource]int{}
	var rows []*row
	for ci, c := range clusters {
		for i, r := range c.Resources {
			gr := r.GroupResource()
			k, ok := index[gr]
			if !ok {
				k = len(rows)
				index[gr] = k
				cells := make([]string, len(clusters))
				for j := range cells {
					cells[j] = "-"
				}
				rows = append(rows, &row{r: r, cells: cells})
			}
			if c.Counts != nil {
				rows[k].cells[ci] = c.Counts[i].String()
			} else {
				rows[k].cells[ci] = strings.Join(r.Versions, ",")
			}
		}
	}
	less := orderBy(sortBy)
	sort.SliceStable(rows, func(i, j int) bool { return less(rows[i].r, rows[j].r) })
	var header []string
	if !noHeaders {
		header = []string{"NAME", "SHORTNAMES", "APIGROUP", "NAMESPACED", "KIND"}
		for _, c := range clusters {
			header = append(header, c.Context)
		}
	}
	out := make([][]string, len(rows))
	for i, rw := range rows {
		r := rw.r
		out[i] = append([]string{r.Resource, strings.Join(r.ShortNames, ","), r.Group, strconv.FormatBool(r.Namespaced), r.Kind}, rw.cells...)
	}
	return writeTable(w, header, out)
}
