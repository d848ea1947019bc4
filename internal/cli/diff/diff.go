package diff

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kdxproject/kdx/export"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/render"
	"github.com/kdxproject/kdx/write"
)

// diffFound is diff's answer when there are differences, as diff(1)'s
// and kubectl diff's 1; any failure exits 2 (cli.UnixTool).
const diffFound cliutil.Outcome = 1

// diffOptions are the flags and inputs of `kdx diff --dir`: export's
// selection and cleaning flags, so that the comparison is with what `kdx
// export` would write now with the same flags.
type diffOptions struct {
	export cli.ExportFlags
	// formatGiven says that --format was given: else the tree's files say.
	formatGiven bool
	file        diffFileFlags // -f: what apply would change (file.go)
	stat        bool
	output      string
	color       string
	// showSecrets shows Secret values, both modes (else ***).
	showSecrets bool

	paint bool // colour the diffs: --color, the terminal and NO_COLOR (Complete)
}

func NewCmd(f cli.Factory) *cobra.Command {
	o := &diffOptions{export: *cli.NewExportFlags(f), color: "auto"}
	cmd := &cobra.Command{
		Use:   "diff (--dir DIR (TYPE[,TYPE...] | --all-types) | -f FILENAME) [flags]",
		Short: "Show how the cluster drifted from an export tree, or what apply -f would change",
		Long: `With -f, diff shows what kdx apply -f would change: a server-side dry-run
apply of every object (concurrently, as apply is) compared with the live object,
both cleaned with export's rules so that only meaningful fields show (live/...
to merged/...). --prune also shows the live objects of the input's types and
namespaces that the input lacks. Secret values are shown as *** unless
--show-secrets.

With --dir, diff compares an export tree (kdx export --dir DIR) with what kdx export would
write now with the same flags and rules, and writes nothing: the objects only in
the cluster (new), only in the tree (gone), changed (a unified diff per file),
and, with --all-types, the types the tree has that the server no longer serves.
A fresh export shows no drift, byte for byte. Secret values are shown as *** on
both sides unless --show-secrets. --stat prints one line per file and the
counts; -o json a machine-readable report.

Diffs are coloured on a terminal unless NO_COLOR is set; --color=always or
never decides instead.

Give the flags the tree was exported with (-A or -n, --all-types or the types,
-l, --field-selector, --where, --keep-status, --include-owned, --include-system,
--redact-secrets); whether the tree holds YAML or JSON files is read from it.
With a selection (-l, --field-selector, --where) a file is gone when the object
it holds matches it and the cluster has no such object that does. Only the files
kdx wrote count (as for export --prune), and a symbolic link in the tree is an
error, never followed. Exit codes are diff's: 0 when there is no difference, 1
when there is, 2 on any error: a bad flag or input, a server out of reach,
Ctrl-C, or something that could not be read (what could be read is still
compared and printed).`,
		Example: `  # What changed in the namespace since it was exported
  kdx export --all-types -n demo --dir ./demo-tree -q
  kdx diff --all-types -n demo --dir ./demo-tree

  # Counts only, for a cron job or CI check
  kdx diff --all-types -n demo --dir ./demo-tree --stat

  # What applying a file would change
  kdx diff -f app.yaml`,
		ValidArgsFunction: cli.CompleteObjects(f),
		RunE:              cli.RunE(o),
	}
	o.AddFlags(cmd.Flags())
	_ = cmd.MarkFlagDirname("dir") // an export tree: directories only
	_ = cmd.RegisterFlagCompletionFunc("color", cobra.FixedCompletions(render.ColorModes, cobra.ShellCompDirectiveNoFileComp))
	return cli.UnixTool(cmd)
}

// AddFlags adds diff's flags: export's selection and cleaning flags, and
// --stat, -o and --color.
func (o *diffOptions) AddFlags(fs *pflag.FlagSet) {
	e := &o.export
	fs.StringVar(&e.Dir, "dir", "", "the export tree to compare with (written by kdx export --dir)")
	fs.StringVar(&e.Output, "format", e.Output, "the format of the tree's files: yaml or json (export's -o); by default, that of the files")
	fs.BoolVarP(&e.AllNamespaces, "all-namespaces", "A", false, "compare every namespace (with --all-types, cluster-scoped types too)")
	fs.StringVarP(&e.Selector, "selector", "l", "", "label selector, as given to export")
	fs.StringVar(&e.FieldSelector, "field-selector", "", "field selector, as given to export")
	e.Where.AddFlags(fs, "compared, as given to export")
	fs.BoolVar(&e.AllTypes, "all-types", false, "compare every type that can be listed; the tree's types no longer served are reported")
	fs.StringSliceVar(&e.Exclude, "exclude", nil, "with --all-types, types to leave out")
	fs.BoolVar(&e.IgnoreForbidden, "ignore-forbidden", false, "with --all-types, leave out the types you may not list instead of reporting them (their files are not reported gone)")
	fs.BoolVar(&e.KeepStatus, "keep-status", false, "as export's --keep-status")
	fs.BoolVar(&e.IncludeOwned, "include-owned", false, "as export's --include-owned")
	fs.BoolVar(&e.IncludeSystem, "include-system", false, "as export's --include-system")
	fs.BoolVar(&e.RedactSecrets, "redact-secrets", false, "as export's --redact-secrets")
	fs.BoolVar(&e.IncludeDeleting, "include-deleting", false, "as export's --include-deleting")
	fs.IntVar(&e.Concurrency, "concurrency", e.Concurrency, "number of types read at once")
	fs.Int64Var(&e.ChunkSize, "chunk-size", e.ChunkSize, "objects per list request")
	fs.BoolVar(&o.stat, "stat", false, "print one line per file that differs and the counts, not the diffs")
	fs.StringVarP(&o.output, "output", "o", "", "json: a machine-readable report instead of diffs")
	fs.StringVar(&o.color, "color", o.color, "colour the diffs: auto (on a terminal, unless NO_COLOR is set), always or never")
	o.file.files.AddFlags(fs, "diff against the cluster (what apply -f would change)")
	o.file.files.AddAllowRedacted(fs, "with -f, diff")
	fs.StringVar(&o.file.fieldManager, "field-manager", "kdx", "with -f, the manager of the dry-run apply (that of your kdx apply)")
	fs.BoolVar(&o.file.forceConflicts, "force-conflicts", false, "with -f, diff as apply --force-conflicts would apply")
	fs.BoolVar(&o.showSecrets, "show-secrets", false, "show the values of Secrets instead of ***")
	fs.BoolVar(&o.file.prune, "prune", false, "with -f, also show the live objects of the input's types and namespaces that it lacks")
}

// Complete parses --color and the export flags.
func (o *diffOptions) Complete(cmd *cobra.Command, args []string) error {
	var err error
	if o.paint, err = render.Color(o.color, cli.IsTerminal(o.export.F.Streams().Out), os.Getenv("NO_COLOR")); err != nil {
		return err
	}
	if o.fileMode() {
		if !cmd.Flags().Changed("concurrency") {
			o.export.Concurrency = write.DefaultConcurrency // apply's
		}
		return nil
	}
	o.formatGiven = cmd.Flags().Changed("format")
	return o.export.Complete(args)
}

// fileMode says that -f was given: diff what apply would change.
func (o *diffOptions) fileMode() bool { return len(o.file.files.Filenames) > 0 }

// Validate checks the flags.
func (o *diffOptions) Validate() error {
	if o.fileMode() {
		return o.validateFile()
	}
	switch {
	case o.export.Dir == "":
		return errNoFiles
	case o.file.prune || o.file.forceConflicts || o.file.files.AllowRedacted:
		return errors.New("--prune, --force-conflicts and --allow-redacted go with -f")
	case o.output != "" && o.output != "json":
		return fmt.Errorf("unable to match a printer suitable for the output format %q, allowed formats are: json", o.output)
	case cli.HasNames(o.export.Args):
		return errors.New("diff compares whole types: give types without object names")
	}
	return o.export.Validate()
}

// validateFile checks the flags of diff -f.
func (o *diffOptions) validateFile() error {
	switch {
	case o.export.Dir != "" || o.export.AllTypes || len(o.export.Args) > 0:
		return errors.New("-f compares files with the cluster: give no --dir, TYPE or --all-types with it")
	case o.output != "":
		return errors.New("-o json goes with --dir")
	}
	return cli.CheckConcurrency(o.export.Concurrency)
}

// Run compares and prints the drift.
func (o *diffOptions) Run(ctx context.Context) error {
	if err := o.export.F.OneContext(); err != nil {
		return err
	}
	if o.fileMode() {
		return o.runFile(ctx) // file.go
	}
	e := &o.export
	out := bufio.NewWriterSize(e.F.Streams().Out, 64<<10)
	defer out.Flush()
	p := &driftPrinter{o: o, out: out, color: o.paint}
	cfg, err := e.F.Config()
	if err != nil {
		return err
	}
	namespace := cfg.Namespace
	if e.AllNamespaces {
		namespace = ""
	}
	if err := o.treeFormat(namespace); err != nil {
		return err
	}
	sink, err := export.NewDiffSink(e.Dir, e.Format, p.found) // a missing tree is said before the server is asked
	if err != nil {
		return err
	}
	var where func(map[string]any) bool
	if e.Where.On() {
		where = e.Where.Filter.Match
	}
	if sink.Selected, err = export.Selection(e.Selector, e.FieldSelector, where); err != nil {
		return err
	}
	p.sink = sink
	lister, opts, err := e.Prepare(ctx)
	if err != nil {
		return err
	}
	opts.Sink, opts.Concurrency, opts.Writers = sink, e.Concurrency, export.DefaultWriters
	sum, err := export.Run(ctx, lister, opts)
	if err != nil {
		return err
	}
	gone, err := sink.Gone(sum.PruneScope(opts, e.AllTypes))
	if err != nil {
		return err
	}
	if err := p.finish(gone); err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return fmt.Errorf("failed to write output: %w", err)
	}
	e.Where.Warn(e.F.Streams().ErrOut)
	for _, w := range sum.Warnings(e.Terminating) {
		fmt.Fprintln(e.F.Streams().ErrOut, w)
	}
	rep := sum.Report(false)
	rep.Write(e.F.Streams().ErrOut)
	links := sink.Links()
	for _, l := range links {
		fmt.Fprintf(e.F.Streams().ErrOut, "error: %s is a symbolic link: not followed, not compared\n", l)
	}
	switch {
	case rep.Len() > 0 || len(links) > 0:
		return &cliutil.ExitError{Code: cliutil.ToolFailure}
	case p.n > 0:
		return diffFound
	}
	return nil
}

// treeFormat is the format of the tree's files, without --format: json
// for a tree of JSON files, else yaml.
func (o *diffOptions) treeFormat(namespace string) error {
	if o.formatGiven {
		return nil
	}
	switch formats := export.TreeFormats(o.export.Dir, namespace); len(formats) {
	case 1:
		o.export.Format = formats[0]
	case 2:
		return fmt.Errorf("%s holds both YAML and JSON object files: give --format yaml or --format json", o.export.Dir)
	}
	return nil
}

// driftPrinter prints the changes: the changed and new files sorted by
// path at the end (they arrive in any order), then the gone ones.
type driftPrinter struct {
	o     *diffOptions
	out   *bufio.Writer
	sink  *export.DiffSink
	color bool

	mu      sync.Mutex // found is called from the export's writers
	changes []export.Change
	diffs   map[string]string // the diffs of changes, by path
	n       int

	counts map[export.Drift]int // of the changes printed
}

// found keeps a change to print; only its diff is kept, not the objects.
func (p *driftPrinter) found(c export.Change) error {
	d, err := p.diff(c)
	if err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.diffs == nil {
		p.diffs = map[string]string{}
	}
	p.diffs[c.Path] = d
	p.changes = append(p.changes, export.Change{Path: c.Path, Drift: c.Drift})
	p.n++
	return nil
}

// diffOf is the diff of c, computed when it was found or now.
func (p *driftPrinter) diffOf(c export.Change) (string, error) {
	if d, ok := p.diffs[c.Path]; ok {
		return d, nil
	}
	return p.diff(c)
}

// finish prints every change in path order.
func (p *driftPrinter) finish(gone []export.Change) error {
	all := append(p.changes, gone...)
	p.n = len(all)
	sortChanges(all)
	if p.o.output == "json" {
		return p.json(all)
	}
	for _, c := range all {
		if err := p.print(c); err != nil {
			return err
		}
	}
	p.totals(true)
	return nil
}

// totals ends --stat with the counts of each drift: "1 changed, 2 new, 0
// gone", and the files in types no longer served with unserved (--dir).
func (p *driftPrinter) totals(unserved bool) {
	c := p.counts
	if !p.o.stat || len(c) == 0 {
		return
	}
	fmt.Fprintf(p.out, "%d changed, %d new, %d gone", c[export.DriftChanged], c[export.DriftNew], c[export.DriftGone])
	if unserved {
		fmt.Fprintf(p.out, ", %d in types no longer served", c[export.DriftUnserved])
	}
	fmt.Fprintln(p.out)
}

// print writes one change: a unified diff, or one --stat line.
func (p *driftPrinter) print(c export.Change) error {
	d, err := p.diffOf(c)
	if err != nil {
		return err
	}
	p.write(c.Drift, c.Path, d)
	return nil
}

// write writes the diff d of the file path, or its --stat line (its drift,
// path and counts of lines added and removed), and counts it.
func (p *driftPrinter) write(drift export.Drift, path, d string) {
	if p.counts == nil {
		p.counts = map[export.Drift]int{}
	}
	p.counts[drift]++
	if p.o.stat {
		plus, minus := diffCounts(d)
		fmt.Fprintf(p.out, "%-8s %s (+%d -%d)\n", drift, path, plus, minus)
		return
	}
	p.writeDiff(d)
}

// writeDiff writes a unified diff, coloured on a terminal.
func (p *driftPrinter) writeDiff(d string) {
	for _, line := range strings.SplitAfter(d, "\n") {
		if line != "" {
			p.out.WriteString(p.paint(line))
		}
	}
}

// diff is c as a unified diff between the tree (DIR/...) and the cluster (live/...).
func (p *driftPrinter) diff(c export.Change) (string, error) {
	old, err := p.sink.ReadOld(c)
	if err != nil {
		return "", err
	}
	cur := c.New
	if !p.o.showSecrets {
		if old, cur, err = export.MaskSecrets(c.Path, old, cur); err != nil {
			return "", err
		}
	}
	from, to := p.o.export.Dir+"/"+c.Path, "live/"+c.Path
	switch c.Drift {
	case export.DriftNew:
		from = "/dev/null"
	case export.DriftGone, export.DriftUnserved:
		to = "/dev/null"
	}
	d, err := unifiedDiff(old, cur, from, to)
	if c.Drift == export.DriftUnserved {
		d = fmt.Sprintf("# %s: its type is no longer served\n", c.Path) + d
	}
	return d, err
}

// unifiedDiff is the unified diff (3 lines of context) from a to b.
func unifiedDiff(a, b []byte, from, to string) (string, error) {
	return difflib.GetUnifiedDiffString(difflib.UnifiedDiff{A: splitLines(a), B: splitLines(b), FromFile: from, ToFile: to, Context: 3})
}

// splitLines splits b into lines that keep their newline.
func splitLines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	return difflib.SplitLines(strings.TrimSuffix(string(b), "\n"))
}

// diffCounts counts the added and removed lines of a unified diff.
func diffCounts(d string) (plus, minus int) {
	for _, l := range strings.Split(d, "\n") {
		switch {
		case strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "---"):
		case strings.HasPrefix(l, "+"):
			plus++
		case strings.HasPrefix(l, "-"):
			minus++
		}
	}
	return plus, minus
}

// paint colours a diff line as git does, on a terminal.
func (p *driftPrinter) paint(line string) string {
	if !p.color {
		return line
	}
	code := ""
	switch {
	case strings.HasPrefix(line, "+++"), strings.HasPrefix(line, "---"):
		code = "1"
	case strings.HasPrefix(line, "+"):
		code = "32"
	case strings.HasPrefix(line, "-"):
		code = "31"
	case strings.HasPrefix(line, "@@"):
		code = "36"
	}
	if code == "" {
		return line
	}
	return "\x1b[" + code + "m" + strings.TrimSuffix(line, "\n") + "\x1b[0m\n"
}

// driftEntry is one change of the -o json report.
type driftEntry struct {
	Path  string `json:"path"`
	Drift string `json:"drift"`
	Diff  string `json:"diff"`
}

// json writes the report: {"changes": [{path, drift, diff}...]}.
func (p *driftPrinter) json(all []export.Change) error {
	entries := make([]driftEntry, 0, len(all))
	for _, c := range all {
		d, err := p.diffOf(c)
		if err != nil {
			return err
		}
		entries = append(entries, driftEntry{Path: c.Path, Drift: string(c.Drift), Diff: d})
	}
	b, err := json.MarshalIndent(map[string]any{"changes": entries}, "", "    ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(p.out, "%s\n", b)
	return err
}

// sortChanges sorts changes by path.
func sortChanges(cs []export.Change) {
	slices.SortFunc(cs, func(a, b export.Change) int { return strings.Compare(a.Path, b.Path) })
}
