package query

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/kdxproject/kdx/internal/cliutil"
)

// failure is one Add of a report test.
type failure struct {
	what string
	err  error
}

func forbidden(resource string) error {
	return apierrors.NewForbidden(podsGR, "", fmt.Errorf(`User "jane" cannot list resource %q`, resource))
}

func forbiddenAll(whats ...string) []failure {
	var out []failure
	for _, w := range whats {
		out = append(out, failure{w, forbidden(w)})
	}
	return out
}

func TestReportLines(t *testing.T) {
	unavailable := apierrors.NewServiceUnavailable("the server is currently unable to handle the request")
	long := errors.New(strings.Repeat("x", 300))
	tests := []struct {
		name     string
		failures []failure
		objects  []error
		want     []string
	}{
		{name: "none"},
		{
			name:     "one forbidden type",
			failures: forbiddenAll("secrets"),
			want:     []string{"could not list 1 type (forbidden): secrets"},
		},
		{
			name:     "three forbidden types, one line, in the order added",
			failures: forbiddenAll("configmaps", "secrets", "pods"),
			want:     []string{"could not list 3 types (forbidden): configmaps, secrets, pods"},
		},
		{
			name:     "five names are all listed",
			failures: forbiddenAll("a", "b", "c", "d", "e"),
			want:     []string{"could not list 5 types (forbidden): a, b, c, d, e"},
		},
		{
			name:     "cut after five names",
			failures: forbiddenAll("a", "b", "c", "d", "e", "f", "g"),
			want:     []string{"could not list 7 types (forbidden): a, b, c, d, e and 2 more"},
		},
		{
			name: "one line per class, in class order",
			failures: []failure{
				{"t1", errors.New("odd")},
				{"t2", apierrors.NewNotFound(podsGR, "x")},
				{"t3", apierrors.NewTimeoutError("request did not complete within 60s", 0)},
				{"t4", apierrors.NewInternalError(errors.New(`failed calling webhook "x.example.org": no endpoints`))},
				{"t5", apierrors.NewInternalError(errors.New("conversion webhook for multi.example.org/v1, Kind=Gadget failed: refused"))},
				{"t6", unavailable},
				{"t7", forbidden("t7")},
				{"t8", forbidden("t8")},
			},
			want: []string{
				"could not list 2 types (forbidden): t7, t8",
				"could not list 1 type (API unavailable: the server is currently unable to handle the request): t6",
				"could not list 1 type (conversion webhook failed: Internal error occurred: conversion webhook for multi.example.org/v1, Kind=Gadget failed: refused): t5",
				`could not list 1 type (admission webhook failed: Internal error occurred: failed calling webhook "x.example.org": no endpoints): t4`,
				"could not list 1 type (not found): t2",
				"could not list 1 type (timed out: Timeout: request did not complete within 60s): t3",
				"could not list 1 type (failed: odd): t1",
			},
		},
		{
			name: "other failures grouped by message, first seen first",
			failures: []failure{
				{"a", errors.New("cause one")},
				{"b", errors.New("cause two")},
				{"c", errors.New("cause one")},
			},
			want: []string{
				"could not list 2 types (failed: cause one): a, c",
				"could not list 1 type (failed: cause two): b",
			},
		},
		{
			name:     "a reason is its first line",
			failures: []failure{{"a", errors.New("first line\nsecond line")}},
			want:     []string{"could not list 1 type (failed: first line): a"},
		},
		{
			name:     "a reason is cut at 200 characters",
			failures: []failure{{"a", long}},
			want:     []string{"could not list 1 type (failed: " + strings.Repeat("x", 200) + "...): a"},
		},
		{
			name:     "object errors first, one per line, in the order added",
			failures: forbiddenAll("secrets"),
			objects:  []error{apierrors.NewNotFound(podsGR, "web-0"), apierrors.NewNotFound(podsGR, "web-1")},
			want: []string{
				`pods "web-0" not found`,
				`pods "web-1" not found`,
				"could not list 1 type (forbidden): secrets",
			},
		},
		{
			name:     "fatal failures are not lines",
			failures: append([]failure{{"pods", refused("pods")}, {"configmaps", refused("configmaps")}}, forbiddenAll("secrets")...),
			want:     []string{"could not list 1 type (forbidden): secrets"},
		},
		{
			name:     "unauthorized is not a line",
			failures: []failure{{"pods", apierrors.NewUnauthorized("Unauthorized")}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReport("list", "type")
			for _, f := range tt.failures {
				r.Add(f.what, f.err)
			}
			for _, err := range tt.objects {
				r.AddObject(err)
			}
			if got := r.Lines(); !slices.Equal(got, tt.want) {
				t.Errorf("Lines:\n got %q\nwant %q", got, tt.want)
			}
			if got, want := r.Len(), len(tt.failures)+len(tt.objects); got != want {
				t.Errorf("Len = %d, want %d", got, want)
			}
		})
	}
}

func TestReportNouns(t *testing.T) {
	tests := []struct {
		verb, noun string
		n          int
		want       string
	}{
		{"export", "type", 1, "could not export 1 type (forbidden): t0"},
		{"delete", "object", 2, "could not delete 2 objects (forbidden): t0, t1"},
		{"watch", "cluster", 3, "could not watch 3 clusters (forbidden): t0, t1, t2"},
	}
	for _, tt := range tests {
		r := NewReport(tt.verb, tt.noun)
		for i := range tt.n {
			r.Add(fmt.Sprintf("t%d", i), forbidden("x"))
		}
		if got := r.Lines(); len(got) != 1 || got[0] != tt.want {
			t.Errorf("%s %s x%d: Lines = %q, want [%q]", tt.verb, tt.noun, tt.n, got, tt.want)
		}
	}
}

// TestReportManyTypesOneLine is the case of issue 11: hundreds of types
// failing for one cause make one short line, not one per type.
func TestReportManyTypesOneLine(t *testing.T) {
	for _, tt := range []struct {
		name   string
		err    func(string) error
		maxLen int // the cause quoted adds to the names
	}{
		{"forbidden", forbidden, 200},
		{"unavailable", func(string) error {
			return apierrors.NewServiceUnavailable("the server is currently unable to handle the request")
		}, 300},
	} {
		r := NewReport("list", "type")
		for i := range 300 {
			what := fmt.Sprintf("things%03d.g%d.example.org", i, i%7)
			r.Add(what, tt.err(what))
		}
		got := r.Lines()
		if len(got) != 1 {
			t.Fatalf("%s: %d lines, want 1: %q", tt.name, len(got), got)
		}
		if !strings.HasPrefix(got[0], "could not list 300 types (") || !strings.HasSuffix(got[0], " and 295 more") {
			t.Errorf("%s: line %q", tt.name, got[0])
		}
		if len(got[0]) > tt.maxLen {
			t.Errorf("%s: line of %d characters, want at most %d: %q", tt.name, len(got[0]), tt.maxLen, got[0])
		}
	}
}

// TestReportReasonCutIsValidUTF8: cutting a reason must not split a
// character.
func TestReportReasonCutIsValidUTF8(t *testing.T) {
	r := NewReport("list", "type")
	r.Add("a", errors.New(strings.Repeat("x", 199)+strings.Repeat("é", 10)))
	for _, l := range r.Lines() {
		if !utf8.ValidString(l) {
			t.Errorf("line is not valid UTF-8: %q", l)
		}
	}
}

func TestReportFatalAndErr(t *testing.T) {
	conn := refused("pods")
	unauth := apierrors.NewUnauthorized("Unauthorized")
	tests := []struct {
		name      string
		failures  []failure
		objects   []error
		wantFatal error // nil: no fatal failure
		wantCode  int   // exit code of Err; 0: Err is nil
	}{
		{name: "empty"},
		{name: "forbidden", failures: forbiddenAll("secrets"), wantCode: 1},
		{name: "object error only", objects: []error{apierrors.NewNotFound(podsGR, "x")}, wantCode: 1},
		{name: "unreachable", failures: append(forbiddenAll("secrets"), failure{"pods", conn}, failure{"cm", refused("cm")}), wantFatal: conn, wantCode: 1},
		{name: "unauthorized", failures: []failure{{"pods", unauth}}, wantFatal: unauth, wantCode: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReport("list", "type")
			for _, f := range tt.failures {
				r.Add(f.what, f.err)
			}
			for _, err := range tt.objects {
				r.AddObject(err)
			}
			fatal := r.Fatal()
			switch {
			case tt.wantFatal == nil && fatal != nil:
				t.Errorf("Fatal = %+v, want none", *fatal)
			case tt.wantFatal != nil && (fatal == nil || fatal.Err != tt.wantFatal):
				t.Errorf("Fatal = %+v, want the failure of %v", fatal, tt.wantFatal)
			}
			err := r.Err()
			if got := cliutil.ExitCode(err); got != tt.wantCode {
				t.Errorf("Err = %v: exit code %d, want %d", err, got, tt.wantCode)
			}
			switch {
			case tt.wantFatal != nil:
				if err != tt.wantFatal {
					t.Errorf("Err = %v, want the fatal error %v", err, tt.wantFatal)
				}
				if msg := cliutil.Message(err); !strings.Contains(msg, "connection refused") && !strings.Contains(msg, "You must be logged in to the server (Unauthorized)") {
					t.Errorf("Message(Err) = %q, want the server's cause", msg)
				}
			case tt.wantCode == 1:
				var ee *cliutil.ExitError
				if !errors.As(err, &ee) || cliutil.Message(err) != "" {
					t.Errorf("Err = %#v, want an ExitError with nothing more to print", err)
				}
			}
		})
	}
}

func TestReportWrite(t *testing.T) {
	r := NewReport("list", "type")
	r.AddObject(apierrors.NewNotFound(podsGR, "web-0"))
	r.Add("secrets", forbidden("secrets"))
	var b strings.Builder
	r.Write(&b)
	want := "error: pods \"web-0\" not found\nerror: could not list 1 type (forbidden): secrets\n"
	if b.String() != want {
		t.Errorf("Write:\n got %q\nwant %q", b.String(), want)
	}
}

// TestReportConcurrentAdds: a report is filled from many goroutines (run
// with -race).
func TestReportConcurrentAdds(t *testing.T) {
	r := NewReport("list", "type")
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			r.Add(fmt.Sprintf("t%d", i), forbidden("x"))
			r.AddObject(apierrors.NewNotFound(podsGR, fmt.Sprint(i)))
			_ = r.Lines()
			_ = r.Fatal()
		})
	}
	wg.Wait()
	if got := r.Len(); got != 100 {
		t.Errorf("Len = %d, want 100", got)
	}
	if got := len(r.Failures()); got != 50 {
		t.Errorf("%d failures, want 50", got)
	}
}

func TestNames(t *testing.T) {
	tests := []struct {
		names []string
		n     int
		want  string
	}{
		{nil, 5, ""},
		{[]string{"a"}, 5, "a"},
		{[]string{"a", "b", "c"}, 3, "a, b, c"},
		{[]string{"a", "b", "c", "d"}, 3, "a, b, c and 1 more"},
		{[]string{"a", "b"}, 0, " and 2 more"},
	}
	for _, tt := range tests {
		if got := Names(tt.names, tt.n); got != tt.want {
			t.Errorf("Names(%q, %d) = %q, want %q", tt.names, tt.n, got, tt.want)
		}
	}
}
