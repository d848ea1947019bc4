package query

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/internal/cliutil"
)

// ErrNothingWatched ends a watch of every type when no type could be watched.
var ErrNothingWatched = errors.New("no resource type could be watched")

// WatchReportOptions say how a watch reports the sources it could not watch.
type WatchReportOptions struct {
	// AllTypes says that the sources are every type (--all-types): those
	// that could not be watched are reported grouped by cause once every type
	// started, and a type that went away (NotFound) is dropped without a word.
	AllTypes bool
	// IgnoreForbidden leaves out the forbidden sources without a report.
	IgnoreForbidden bool
	// Stops says whether to print that a source stopped; with one source, its
	// error is the command's error instead.
	Stops bool
}

// WatchReport prints a watch's notices as kubectl prints warnings, one line
// each, and collects the sources that stopped: with AllTypes they are
// reported grouped by cause (Report) once every type started (Synced), then
// one line each as they come. Result turns them into the exit code. Its
// methods are safe for concurrent use, as dynamicclient calls Notify.
type WatchReport struct {
	opts WatchReportOptions
	// mu serializes writes to w and guards pending, started and failed.
	mu sync.Mutex
	w  io.Writer
	// pending are the stops not yet reported, until every type started.
	pending []dynamicclient.Notice
	started bool
	// failed counts the sources that could not be watched (exit 1).
	failed int
}

// NewWatchReport reports to w (stderr).
func NewWatchReport(w io.Writer, opts WatchReportOptions) *WatchReport {
	return &WatchReport{w: w, opts: opts}
}

// Notify is dynamicclient.WatchOptions.Notify.
func (r *WatchReport) Notify(n dynamicclient.Notice) {
	if n.Kind == dynamicclient.NoticeStopped {
		r.stopped(n)
		return
	}
	msg := n.String()
	if n.Kind == dynamicclient.NoticeDisconnected {
		msg = fmt.Sprintf("lost the watch of %s, retrying: %s", n.Resource, cliutil.Message(n.Err))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(r.w, "Warning: %s\n", msg)
}

// stopped records a source that could not be watched.
func (r *WatchReport) stopped(n dynamicclient.Notice) {
	c := Classify(n.Err)
	switch {
	case r.opts.AllTypes && c == NotFound:
		return // the type went away: nothing to watch
	case r.opts.IgnoreForbidden && c == Forbidden:
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed++
	switch {
	case !r.opts.Stops:
	case !r.opts.AllTypes:
		fmt.Fprintf(r.w, "Warning: stopped watching %s: %s\n", n.Resource, cliutil.Message(n.Err))
	case r.started:
		rep := NewReport("watch", "type")
		rep.Add(n.Resource, n.Err)
		rep.Write(r.w)
	default:
		r.pending = append(r.pending, n)
	}
}

// Synced is dynamicclient.WatchOptions.Synced: it reports the types that
// could not be watched from the start, in the order of the types, as get
// --all-types reports them.
func (r *WatchReport) Synced() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.started = true
	sort.SliceStable(r.pending, func(i, j int) bool { return r.pending[i].Source < r.pending[j].Source })
	rep := NewReport("watch", "type")
	for _, n := range r.pending {
		rep.Add(n.Resource, n.Err)
	}
	rep.Write(r.w)
	r.pending = nil
}

// Result is the watch's outcome: err, else exit 1 when a source could not
// be watched (its reason was printed).
func (r *WatchReport) Result(err error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case errors.Is(err, dynamicclient.ErrNothingWatched) && r.opts.AllTypes && r.failed > 0:
		return &cliutil.ExitError{Code: 1} // the report said why
	case errors.Is(err, dynamicclient.ErrNothingWatched) && r.opts.AllTypes:
		return ErrNothingWatched
	case err != nil:
		return err
	case r.failed > 0:
		return &cliutil.ExitError{Code: 1}
	}
	return nil
}
