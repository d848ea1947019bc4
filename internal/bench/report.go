package bench

import (
	"fmt"
	"io"
	"time"
)

// Report says what Seed created and how long it took.
type Report struct {
	// Namespaces, CRDs, CustomObjects and ConfigMaps count each kind.
	Namespaces, CRDs, CustomObjects, ConfigMaps Tally
	// Duration is the wall time of Seed.
	Duration time.Duration
}

// Print writes one line per kind and the total time to w.
func (r *Report) Print(w io.Writer) error {
	rows := []struct {
		name  string
		tally *Tally
	}{
		{"namespaces", &r.Namespaces},
		{"CRDs", &r.CRDs},
		{"custom objects", &r.CustomObjects},
		{"ConfigMaps", &r.ConfigMaps},
	}
	for _, row := range rows {
		_, err := fmt.Fprintf(w, "%-15s %6d created, %6d existed\n", row.name, row.tally.Created(), row.tally.Existed())
		if err != nil {
			return fmt.Errorf("failed to write report: %w", err)
		}
	}
	if _, err := fmt.Fprintf(w, "seeded in %.1fs\n", r.Duration.Seconds()); err != nil {
		return fmt.Errorf("failed to write report: %w", err)
	}
	return nil
}
