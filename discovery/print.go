package discovery

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// TableOptions shape the api-resources table.
type TableOptions struct {
	// Wide adds VERBS, CATEGORIES (as kubectl -o wide) and VERSIONS.
	Wide bool
	// NoHeaders leaves out the header line.
	NoHeaders bool
	// Counts, when not nil, adds a COUNT column, one entry per resource.
	Counts []Count
}

// PrintTable writes resources as kubectl api-resources does (the same
// columns, layout and values), plus kdx's columns.
func PrintTable(w io.Writer, resources []APIResource, opts TableOptions) error {
	var header []string
	if !opts.NoHeaders {
		header = []string{"NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"}
		if opts.Wide {
			header = append(header, "VERBS", "CATEGORIES", "VERSIONS")
		}
		if opts.Counts != nil {
			header = append(header, "COUNT")
		}
	}
	rows := make([][]string, len(resources))
	for i, r := range resources {
		row := []string{r.Resource, strings.Join(r.ShortNames, ","), r.GroupVersion(), strconv.FormatBool(r.Namespaced), r.Kind}
		if opts.Wide {
			row = append(row, strings.Join(r.Verbs, ","), strings.Join(r.Categories, ","), strings.Join(r.Versions, ","))
		}
		if opts.Counts != nil {
			row = append(row, opts.Counts[i].String())
		}
		rows[i] = row
	}
	return writeTable(w, header, rows)
}

// PrintNames writes one "plural.group" ("plural" for core) per line, as
// kubectl api-resources -o name does.
func PrintNames(w io.Writer, resources []APIResource) error {
	var b strings.Builder
	for _, r := range resources {
		b.WriteString(r.QualifiedName())
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ResourceList is api-resources as JSON or YAML: kubectl's APIResourceList
// (kind, apiVersion, groupVersion, resources with kubectl's field names),
// with kdx's fields added.
type ResourceList struct {
	Kind         string         `json:"kind"`
	APIVersion   string         `json:"apiVersion"`
	GroupVersion string         `json:"groupVersion"`
	Resources    []ResourceItem `json:"resources"`
	// Failures are the group/versions that could not be discovered.
	Failures []Failure `json:"failures,omitempty"`
}

// ResourceItem is one resource in a ResourceList.
type ResourceItem struct {
	Name         string   `json:"name"`
	SingularName string   `json:"singularName"`
	Namespaced   bool     `json:"namespaced"`
	Group        string   `json:"group,omitempty"`
	Version      string   `json:"version,omitempty"`
	Kind         string   `json:"kind"`
	Verbs        []string `json:"verbs"`
	ShortNames   []string `json:"shortNames,omitempty"`
	Categories   []string `json:"categories,omitempty"`
	// Versions, Subresources and Count are kdx's.
	Versions     []string `json:"versions,omitempty"`
	Subresources []string `json:"subresources,omitempty"`
	Count        *int64   `json:"count,omitempty"`
	CountError   string   `json:"countError,omitempty"`
}

// NewResourceList builds the structured api-resources output; counts may be nil.
func NewResourceList(resources []APIResource, counts []Count, failures []Failure) ResourceList {
	l := ResourceList{Kind: "APIResourceList", APIVersion: "v1", Resources: make([]ResourceItem, len(resources)), Failures: failures}
	for i, r := range resources {
		it := ResourceItem{Name: r.Resource, SingularName: r.Singular, Namespaced: r.Namespaced, Group: r.Group,
			Version: r.Version, Kind: r.Kind, Verbs: r.Verbs, ShortNames: r.ShortNames, Categories: r.Categories,
			Versions: r.Versions, Subresources: r.Subresources}
		if counts != nil && counts[i].Listable {
			if c := counts[i]; c.Err == nil {
				it.Count = &c.N
			} else {
				it.CountError = countError(c)
			}
		}
		l.Resources[i] = it
	}
	return l
}

func countError(c Count) string {
	if c.Forbidden {
		return "forbidden"
	}
	return fmt.Sprint(c.Err)
}
