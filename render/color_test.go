package render

import "testing"

func TestColor(t *testing.T) {
	for _, tt := range []struct {
		mode     string
		terminal bool
		noColor  string
		want     bool
	}{
		{"auto", true, "", true},
		{"auto", false, "", false},
		{"auto", true, "1", false},
		{"auto", true, "0", false}, // any value but empty
		{"", true, "yes", false},
		{"always", false, "1", true}, // the command line wins
		{"never", true, "", false},
	} {
		got, err := Color(tt.mode, tt.terminal, tt.noColor)
		if err != nil || got != tt.want {
			t.Errorf("Color(%q, terminal %v, NO_COLOR=%q) = %v, %v; want %v", tt.mode, tt.terminal, tt.noColor, got, err, tt.want)
		}
	}
	if _, err := Color("sometimes", true, ""); err == nil {
		t.Error("--color=sometimes accepted")
	}
}
