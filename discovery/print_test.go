package discovery

import (
	"bytes"
	"testing"
)

// TestPrintGolden prints the fake server's resources in every format.
func TestPrintGolden(t *testing.T) {
	snap := fakeSnapshot()
	all := snap.Select(Filter{}, SortByGroup)
	counts := make([]Count, len(all))
	for i, r := range all {
		counts[i] = Count{Listable: r.Supports("list"), N: int64(i)}
	}
	counts[1].Forbidden = true
	yes := true
	tests := []struct {
		name  string
		print func(*bytes.Buffer) error
	}{
		{"fake-table.golden", func(b *bytes.Buffer) error { return PrintTable(b, all, TableOptions{}) }},
		{"fake-wide.golden", func(b *bytes.Buffer) error { return PrintTable(b, all, TableOptions{Wide: true}) }},
		{"fake-count.golden", func(b *bytes.Buffer) error { return PrintTable(b, all, TableOptions{Counts: counts}) }},
		{"fake-by-kind-cluster.golden", func(b *bytes.Buffer) error {
			notNS := !yes
			return PrintTable(b, snap.Select(Filter{Namespaced: &notNS}, SortByKind), TableOptions{NoHeaders: true})
		}},
		{"fake-names.golden", func(b *bytes.Buffer) error { return PrintNames(b, snap.Select(Filter{}, SortByName)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.print(&b); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.name, b.String())
		})
	}
}

func TestSelect(t *testing.T) {
	snap := fakeSnapshot()
	apps, ns := "apps", true
	tests := []struct {
		name   string
		filter Filter
		sortBy string
		want   string
	}{
		{"group", Filter{APIGroup: &apps}, SortByGroup, "deployments.apps replicasets.apps"},
		{"namespaced by kind", Filter{Namespaced: &ns, Categories: []string{"kdxdemo"}}, SortByKind, "deployments.shadow.example.org gadgets.multi.example.org"},
		{"by name, ties in discovery order", Filter{Verbs: []string{"watch"}, Categories: []string{"all"}}, SortByName, "deployments.apps horizontalpodautoscalers.autoscaling pods replicasets.apps services"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			for i, r := range snap.Select(tt.filter, tt.sortBy) {
				if i > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(r.QualifiedName())
			}
			if b.String() != tt.want {
				t.Errorf("Select = %s, want %s", b.String(), tt.want)
			}
		})
	}
}
