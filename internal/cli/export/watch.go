package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync/atomic"

	"k8s.io/apimachinery/pkg/watch"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/export"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/query"
)

// treeWatch keeps an export tree in step with the cluster from watch
// events, after the export: each event writes or removes one file
// atomically, as export does, and each batch of changes (the events that
// came before the watch went idle) is synced and, with --commit, committed.
type treeWatch struct {
	o       *exportOptions
	sink    *export.DirSink
	cleaner *export.Cleaner
	out     io.Writer
	// targets are the types watched, by WatchEvent.Source.
	targets []discovery.Target
	// batch are the changes since the last commit: "wrote PATH", "removed PATH".
	batch []string
	// exported are the files of the export, sorted; listed, those of the
	// objects of the watch's first lists (nil once they are all in).
	exported []string
	listed   map[string]bool
	// stopped is set (from the watching goroutines) when a source stops:
	// what its first list did not show is then unknown.
	stopped atomic.Bool
}

// watchTree runs after the export of --dir --watch until the timeout or an
// interrupt; the watch lists the types again (files already right are left
// alone), then follows every change, resuming after a lost connection or an
// API server restart without losing or repeating one.
func (o *exportOptions) watchTree(ctx context.Context, lister cli.ExportLister, opts export.Options, sink *export.DirSink) error {
	w := &treeWatch{o: o, sink: sink, cleaner: opts.Cleaner, out: o.F.Streams().Out,
		exported: sink.Stored(), listed: map[string]bool{}}
	var targets []discovery.Target
	for _, t := range opts.Types {
		targets = append(targets, discovery.Target{Mapping: lister.Mappings[t.String()]})
	}
	w.targets = targets
	req := cli.WatchRequest{AllTypes: o.AllTypes, Timeout: o.watchTimeout}
	client, timeout, err := cli.WatchClient(o.F, req)
	if err != nil {
		return err
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	wr := query.WatchRequest{Namespace: opts.Namespace, LabelSelector: opts.LabelSelector, FieldSelector: opts.FieldSelector,
		Where: lister.Where}
	report := query.NewWatchReport(o.F.Streams().ErrOut, query.WatchReportOptions{AllTypes: o.AllTypes, IgnoreForbidden: o.IgnoreForbidden, Stops: len(targets) > 1})
	if !o.quiet {
		fmt.Fprintf(o.F.Streams().ErrOut, "Watching %d types: the tree follows every change.\n", len(targets))
	}
	notify := func(n dynamicclient.Notice) {
		if n.Kind == dynamicclient.NoticeStopped {
			w.stopped.Store(true)
		}
		report.Notify(n)
	}
	wopts := dynamicclient.WatchOptions{Concurrency: o.Concurrency, Notify: notify, Synced: report.Synced,
		SyncedEvent: true, Idle: func() error { return w.flush(ctx) }}
	err = wr.Watch(ctx, client, targets, wopts, w.handle(ctx))
	if ferr := w.flush(context.WithoutCancel(ctx)); err == nil {
		err = ferr
	}
	if err == nil && ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &cliutil.ExitError{Code: cli.InterruptedExitCode}
	}
	return report.Result(err)
}

// handle writes or removes the file of each event's object, as an object
// of the type watched whatever kind it says (export.AsListed).
func (w *treeWatch) handle(ctx context.Context) func(dynamicclient.WatchEvent) error {
	return func(ev dynamicclient.WatchEvent) error {
		if ev.Type == dynamicclient.Synced {
			return w.removeUnlisted()
		}
		obj := ev.Object.DeepCopy()
		if ev.Source < len(w.targets) {
			export.AsListed(obj, w.targets[ev.Source].GVK)
		}
		if ev.Type != watch.Deleted && w.cleaner.Skip(obj, false) == nil {
			w.cleaner.Clean(obj)
			rel, changed, err := w.sink.Update(ctx, obj)
			w.list(rel)
			if changed {
				w.batch = append(w.batch, "wrote "+rel)
			}
			return err
		}
		// Deleted, or now left out by a rule (owned by a controller, ...).
		rel, removed, err := w.sink.Remove(obj)
		w.list(rel)
		if removed {
			w.batch = append(w.batch, "removed "+rel)
		}
		return err
	}
}

// list notes that the first lists showed the object of the file rel.
func (w *treeWatch) list(rel string) {
	if w.listed != nil {
		w.listed[rel] = true
	}
}

// removeUnlisted runs once the watch's first lists are all in: the watch
// lists the types again after the export, and an object deleted in
// between is in neither that list nor any event, so its file is removed
// here. Nothing is removed when a source stopped before its list.
func (w *treeWatch) removeUnlisted() error {
	listed := w.listed
	w.listed = nil
	if listed == nil || w.stopped.Load() {
		return nil
	}
	for _, rel := range w.exported {
		if listed[rel] {
			continue
		}
		removed, err := w.sink.RemoveFile(rel)
		if removed {
			w.batch = append(w.batch, "removed "+rel)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// flush ends a batch of changes: printed, synced and, with --commit, committed.
func (w *treeWatch) flush(ctx context.Context) error {
	if len(w.batch) == 0 {
		return nil
	}
	batch := w.batch
	w.batch = nil
	// An interrupt must not cut a sync or a commit halfway: both are short.
	ctx = context.WithoutCancel(ctx)
	if err := w.sink.Close(ctx); err != nil {
		return err
	}
	var err error
	if w.o.commit {
		paths := make([]string, len(batch))
		for i, c := range batch {
			_, paths[i], _ = strings.Cut(c, " ")
		}
		err = w.o.gitCommit(ctx, paths, commitMessage(batch))
	}
	// Printed once durable (and committed): a script reading the lines sees
	// the tree as they say. A commit that failed stops the watch, but
	// the files were written: they are printed all the same.
	for _, c := range batch {
		fmt.Fprintln(w.out, c)
	}
	return err
}

// commitMessage names what a batch changed: a summary line, then each file.
func commitMessage(batch []string) string {
	slices.Sort(batch)
	wrote, removed := 0, 0
	for _, c := range batch {
		if strings.HasPrefix(c, "removed ") {
			removed++
		} else {
			wrote++
		}
	}
	subject := fmt.Sprintf("kdx export: %d written, %d removed", wrote, removed)
	if len(batch) == 1 {
		subject = "kdx export: " + batch[0]
	}
	return subject + "\n\n" + strings.Join(batch, "\n") + "\n"
}

// checkCommit checks, before the export, that --commit can commit in
// --dir (see export.CheckGit) and that it would not commit the values of
// Secrets, which git keeps for every clone to read, unless asked.
func (o *exportOptions) checkCommit(ctx context.Context, types []export.Type) error {
	if !o.RedactSecrets && !o.commitSecrets && slices.ContainsFunc(types, export.Type.HoldsSecrets) {
		return errors.New("--commit would store the values of Secrets in git, for every clone to read: add --redact-secrets (or --exclude secrets), or --commit-secrets to commit them as they are")
	}
	return export.CheckGit(ctx, o.Dir)
}

// gitCommit commits the paths of --dir kdx changed (see export.GitTree),
// and says which ones git ignores.
func (o *exportOptions) gitCommit(ctx context.Context, paths []string, message string) error {
	c, err := export.GitTree{Dir: o.Dir}.Commit(ctx, paths, message)
	if len(c.Ignored) > 0 {
		fmt.Fprintf(o.F.Streams().ErrOut, "Warning: not committed, ignored by git: %s\n", query.Names(c.Ignored, 5))
	}
	return err
}
