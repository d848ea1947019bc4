package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/watch"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/export"
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
	// batch are the changes since the last commit: "wrote PATH", "removed PATH".
	batch []string
}

// watchTree runs after the export of --dir --watch until the timeout or an
// interrupt; the watch lists the types again (files already right are left
// alone), then follows every change, resuming after a lost connection or an
// API server restart without losing or repeating one.
func (o *exportOptions) watchTree(ctx context.Context, lister exportLister, opts export.Options, sink *export.DirSink) error {
	w := &treeWatch{o: o, sink: sink, cleaner: opts.Cleaner, out: o.f.streams.Out}
	var targets []discovery.Target
	for _, t := range opts.Types {
		targets = append(targets, discovery.Target{Mapping: lister.mappings[t.String()]})
	}
	req := watchRequest{allTypes: o.allTypes, timeout: o.watchTimeout}
	client, timeout, err := watchClient(o.f, req)
	if err != nil {
		return err
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	wr := query.WatchRequest{Namespace: opts.Namespace, LabelSelector: opts.LabelSelector, FieldSelector: opts.FieldSelector,
		Where: lister.where}
	report := query.NewWatchReport(o.f.streams.ErrOut, query.WatchReportOptions{AllTypes: o.allTypes, IgnoreForbidden: o.ignoreForbidden, Stops: len(targets) > 1})
	if !o.quiet {
		fmt.Fprintf(o.f.streams.ErrOut, "Watching %d types: the tree follows every change.\n", len(targets))
	}
	wopts := dynamicclient.WatchOptions{Concurrency: o.concurrency, Notify: report.Notify, Synced: report.Synced,
		Idle: func() error { return w.flush(ctx) }}
	err = wr.Watch(ctx, client, targets, wopts, w.handle(ctx))
	if ferr := w.flush(context.WithoutCancel(ctx)); err == nil {
		err = ferr
	}
	if err == nil && ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &cliutil.ExitError{Code: interruptedExitCode}
	}
	return report.Result(err)
}

// handle writes or removes the file of each event's object.
func (w *treeWatch) handle(ctx context.Context) func(dynamicclient.WatchEvent) error {
	return func(ev dynamicclient.WatchEvent) error {
		obj := ev.Object
		if ev.Type != watch.Deleted && w.cleaner.Skip(obj, false) == nil {
			obj = obj.DeepCopy()
			w.cleaner.Clean(obj)
			rel, changed, err := w.sink.Update(ctx, obj)
			if changed {
				w.batch = append(w.batch, "wrote "+rel)
			}
			return err
		}
		// Deleted, or now left out by a rule (owned by a controller, ...).
		rel, removed, err := w.sink.Remove(obj)
		if removed {
			w.batch = append(w.batch, "removed "+rel)
		}
		return err
	}
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
	if w.o.commit {
		if err := gitCommit(ctx, w.o.dir, commitMessage(batch)); err != nil {
			return err
		}
	}
	// Printed once durable (and committed): a script reading the lines sees
	// the tree as they say.
	for _, c := range batch {
		fmt.Fprintln(w.out, c)
	}
	return nil
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

// checkGit checks, before the export, that --commit can commit in dir: a
// git binary on PATH and dir inside a work tree.
func checkGit(ctx context.Context, dir string) error {
	if _, err := exec.LookPath("git"); err != nil {
		return errors.New("--commit needs git on PATH")
	}
	out, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "--is-inside-work-tree").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "true" {
		return fmt.Errorf("--commit needs %s to be in a git work tree (git init %s)", dir, dir)
	}
	return nil
}

// gitCommit commits every change under dir.
func gitCommit(ctx context.Context, dir, message string) error {
	for _, args := range [][]string{{"add", "-A", "."}, {"diff", "--cached", "--quiet"}, {"commit", "-q", "-F", "-"}} {
		cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
		if args[0] == "diff" {
			if cmd.Run() == nil {
				return nil // nothing staged: the batch changed nothing in the end
			}
			continue
		}
		cmd.Stdin = strings.NewReader(message)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("git %s in %s failed: %v: %s", args[0], dir, err, oneLine(strings.TrimSpace(out.String())))
		}
	}
	return nil
}
