package delete

import (
	"fmt"
	"testing"
)

func TestDeleteGracePeriodRules(t *testing.T) {
	cases := []struct {
		name       string
		grace      int
		now, force bool
		want       string // "" for nil
		wantErr    string
	}{
		{name: "default", grace: -1, want: ""},
		{name: "--now", grace: -1, now: true, want: "1"},
		{name: "--force", grace: -1, force: true, want: "0"},
		{name: "0 without --force becomes 1, as kubectl", grace: 0, want: "1"},
		{name: "0 with --force", grace: 0, force: true, want: "0"},
		{name: "explicit", grace: 30, want: "30"},
		{name: "--now with --grace-period", grace: 5, now: true, wantErr: "--now and --grace-period"},
		{name: "--force with a grace period", grace: 5, force: true, wantErr: "--force and --grace-period greater than 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := &deleteOptions{cascade: "background", gracePeriod: c.grace, now: c.now, force: c.force}
			d, err := o.deleteOptions()
			if c.wantErr != "" {
				if err == nil {
					t.Fatalf("no error, want %q", c.wantErr)
				}
				return
			}
			got := ""
			if d.GracePeriod != nil {
				got = fmt.Sprint(*d.GracePeriod)
			}
			if err != nil || got != c.want {
				t.Errorf("grace period %q (%v), want %q", got, err, c.want)
			}
		})
	}
}
