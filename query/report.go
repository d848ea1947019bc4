package query

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/kdxproject/kdx/internal/cliutil"
)

// maxNames is how many names one report line lists before "and N more".
const maxNames = 5

// maxReason is how long the quoted cause of a report line may be.
const maxReason = 200

// Report collects the failures of one command: what could not be read or
// written, grouped by cause when written. It is safe for concurrent use.
type Report struct {
	// Verb is what was attempted: "list", "watch", "export", "delete".
	Verb string
	// Noun is what Failure.What names: "type", "object", "cluster".
	Noun string
	// Itemize writes each failure on its own line with the server's words,
	// as kubectl does for the few types a user named, instead of grouping
	// them by cause as for "every type".
	Itemize bool

	mu       sync.Mutex // guards failures and objects
	failures []Failure
	objects  []error // failures of named objects, reported one by one
}

// NewReport starts a report of failures to verb nouns.
func NewReport(verb, noun string) *Report { return &Report{Verb: verb, Noun: noun} }

// Add records that what failed with err.
func (r *Report) Add(what string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, NewFailure(what, err))
}

// AddObject records the failure of one named object (a get by name): such
// failures are reported one by one, with the server's words, as kubectl
// reports them.
func (r *Report) AddObject(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.objects = append(r.objects, err)
}

// Failures are the failures recorded so far, in the order added.
func (r *Report) Failures() []Failure {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Failure(nil), r.failures...)
}

// Len is the number of failures, of targets and of objects.
func (r *Report) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.failures) + len(r.objects)
}

// Fatal is the failure that makes every other one moot: the server could
// not be reached, or refused the credentials. Reports say it once, as the
// command's error, instead of once per type.
func (r *Report) Fatal() *Failure {
	for _, f := range r.Failures() {
		if f.Class == Unreachable || f.Class == Unauthorized {
			return &f
		}
	}
	return nil
}

// Lines are the report's lines: each object failure, then one line per
// cause, in class order: "could not list 3 types (forbidden): configmaps,
// secrets, pods". A fatal failure is not among them (see Fatal).
func (r *Report) Lines() []string {
	r.mu.Lock()
	var out []string
	for _, err := range r.objects {
		out = append(out, cliutil.Message(err))
	}
	r.mu.Unlock()
	if r.Itemize {
		for _, f := range r.Failures() {
			if f.Class != Unreachable && f.Class != Unauthorized {
				out = append(out, cliutil.Message(f.Err))
			}
		}
		return out
	}
	for _, g := range group(r.Failures()) {
		out = append(out, r.line(g))
	}
	return out
}

// Write writes Lines to w, each as an "error: " line.
func (r *Report) Write(w io.Writer) {
	for _, l := range r.Lines() {
		fmt.Fprintf(w, "error: %s\n", l)
	}
}

// Err is what the command returns after writing the report: nil without
// failures; the fatal failure's error, to be printed as the command's one
// error; else an exit code 1 with nothing more to print.
func (r *Report) Err() error {
	if f := r.Fatal(); f != nil {
		return f.Err
	}
	if r.Len() == 0 {
		return nil
	}
	return &cliutil.ExitError{Code: 1}
}

// failureGroup is the failures of one cause.
type failureGroup struct {
	class  Class
	reason string // the cause in words; "" when the class says it all
	what   []string
}

// group gathers failures by cause: by class, and by message within Other.
func group(failures []Failure) []failureGroup {
	var groups []failureGroup
	index := map[string]int{}
	for _, f := range failures {
		if f.Class == Unreachable || f.Class == Unauthorized {
			continue
		}
		reason := reasonOf(f)
		key := fmt.Sprint(f.Class)
		if f.Class == Other {
			key += "\x00" + reason
		}
		i, ok := index[key]
		if !ok {
			i = len(groups)
			index[key] = i
			groups = append(groups, failureGroup{class: f.Class, reason: reason})
		}
		groups[i].what = append(groups[i].what, f.What)
	}
	sortGroups(groups)
	return groups
}

// sortGroups orders groups by class, keeping first-seen order within one.
func sortGroups(groups []failureGroup) {
	for i := 1; i < len(groups); i++ {
		for j := i; j > 0 && groups[j].class < groups[j-1].class; j-- {
			groups[j], groups[j-1] = groups[j-1], groups[j]
		}
	}
}

// reasonOf is the cause of f worth quoting: none for the classes whose
// name says it (forbidden, not found), else the error's first line, cut.
func reasonOf(f Failure) string {
	if f.Class == Forbidden || f.Class == NotFound {
		return ""
	}
	return cliutil.Cut(cliutil.Message(f.Err), maxReason)
}

func (r *Report) line(g failureGroup) string {
	cause := g.class.String()
	if g.reason != "" {
		cause += ": " + g.reason
	}
	return fmt.Sprintf("could not %s %s (%s): %s", r.Verb, count(len(g.what), r.Noun), cause, Names(g.what, maxNames))
}

// count is "1 type", "3 types".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Names joins names, listing at most n and "and N more" for the rest.
func Names(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
}
