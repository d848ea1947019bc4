package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	tests := []struct {
		name   string
		values []int64
		want   int64
	}{
		{"one", []int64{7}, 7},
		{"odd, unsorted", []int64{9, 1, 5}, 5},
		{"even takes the mean of the middle two", []int64{4, 1, 10, 2}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := median(tt.values); got != tt.want {
				t.Errorf("median(%v): got %d, want %d", tt.values, got, tt.want)
			}
		})
	}
}

func TestResultString(t *testing.T) {
	r := Summarize([]Sample{
		{Wall: 3 * time.Second, MaxRSS: 30 << 20},
		{Wall: 1 * time.Second, MaxRSS: 10 << 20},
		{Wall: 2 * time.Second, MaxRSS: 20 << 20},
	})
	r.OutputBytes = 12
	if got, want := r.String(), "ok 2.000 20.0 1.000 3.000 12"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRun(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
	}{
		{"success", []string{"--runs", "2", "--", "true"}, 0, "ok "},
		{"failure shows the first stderr line", []string{"--", "sh", "-c", "echo; echo 'error: no such command' >&2; echo more >&2; exit 3"}, 1, "error error: no such command"},
		{"silent failure names the command", []string{"--", "false"}, 1, "error false: exit status 1"},
		{"fresh directory exists and is empty", []string{"--", "sh", "-c", `test -d "$0" && test -z "$(ls -A "$0")"`, "{fresh}"}, 0, "ok "},
		{"setup failure", []string{"--setup", "exit 4", "--", "true"}, 1, "error setup: bash: exit status 4"},
		{"no command", []string{"--runs", "2"}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), tt.args, &out, &errOut)
			if code != tt.wantCode || !strings.HasPrefix(out.String(), tt.wantOut) {
				t.Errorf("got code %d, output %q; want code %d, output starting %q (stderr %q)", code, out.String(), tt.wantCode, tt.wantOut, errOut.String())
			}
		})
	}
}

func TestMeasureReportsPeakRSS(t *testing.T) {
	s, err := Measure(context.Background(), []string{"sh", "-c", "true"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.MaxRSS <= 0 || s.Wall <= 0 {
		t.Errorf("got %+v, want a positive wall time and peak RSS", s)
	}
}

func TestOutputBytes(t *testing.T) {
	tests := []struct {
		name   string
		warmup int
		want   int64
	}{
		{"counted in the warm-up run", 1, 5},
		{"unknown without one", 0, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := NewOptions(nil)
			o.Runs, o.Warmup, o.Command = 1, tt.warmup, []string{"printf", "12345"}
			r, err := o.Run(context.Background())
			if err != nil || r.OutputBytes != tt.want {
				t.Errorf("got %d bytes, %v; want %d, nil", r.OutputBytes, err, tt.want)
			}
		})
	}
}
