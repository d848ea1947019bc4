package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kdxproject/kdx/export"
	"github.com/kdxproject/kdx/internal/cli"
)


// exportOptions are the flags and inputs of `kdx export`.
type exportOptions struct {
	f cli.Factory

	output        string
	dir           string
	allNamespaces bool
	selector      string
	fieldSelector string
	cli.AllTypesFlags
	keepStatus    bool
	includeOwned  bool
	includeSystem bool
	// includeDeleting writes to --dir the objects being deleted.
	includeDeleting bool
	redactSecrets   bool
	prune           bool
	concurrency     int
	chunkSize       int64
	quiet           bool
	rules           bool
	where           cli.WhereFlags
	// watch keeps the --dir tree in step after the export (export_watch.go),
	// until watchTimeout; commit makes a git commit per batch of changes.
	watch        bool
	watchTimeout time.Duration
	commit       bool
	// commitSecrets lets --commit commit Secrets that are not redacted.
	commitSecrets bool

	// Set by Run: the namespaces read from that are being deleted.
	terminating []string

	// Set by Complete.
	args   []string
	format export.Format
}

// newExportOptions returns the options of `kdx export` with their defaults.
func newExportOptions(f cli.Factory) *exportOptions {
	return &exportOptions{f: f, output: string(export.FormatYAML), concurrency: export.DefaultConcurrency, chunkSize: export.DefaultPageSize}
}

func newExportCommand(f cli.Factory) *cobra.Command {
	o := newExportOptions(f)
	cmd := &cobra.Command{
		Use:   "export [TYPE[,TYPE...] [NAME...] | TYPE/NAME ...] | --all-types",
		Short: "Write clean manifests of live objects, to re-apply to another cluster",
		Long: `Export objects as manifests that re-apply to another cluster: what the server
and controllers wrote (status, uid, resourceVersion, managedFields, allocated
cluster IPs, controller annotations, ...) is removed, and objects a controller
owns or the cluster makes by itself (kube-root-ca.crt, default service
accounts, bootstrap RBAC, leases, events, ...) are skipped, unless named: an
object named on the command line is exported, with a warning. 'kdx export
--rules' prints every rule and why. The output is YAML documents, a JSON List
or JSON lines on stdout, or, with --dir, one file per object:
DIR/<namespace>/<group>/<Kind>/<name>.yaml,
cluster-scoped objects under DIR/_cluster and the core group as "core"; what
a file name cannot hold is escaped as %XX (a name -rf is %2Drf.yaml). No
symbolic link below DIR is followed: one on the way is an error.
A summary on stderr counts what was written, skipped and why, and what failed;
--prune prints each file it removes ("PATH pruned") on stdout. A namespace
that does not exist is an error; objects of a namespace being deleted are
exported with a warning.`,
		Example: `  # The ConfigMaps and Secrets of the current namespace, as YAML
  kdx export configmaps,secrets

  # Everything the user made in the cluster, one file per object, in a git tree
  kdx export --all-types -A --dir ./cluster --prune

  # Re-create it elsewhere
  kdx --context other apply -f ./cluster -R

  # One namespace for a GitOps repository, without Secret values: such a tree
  # does not restore Secrets (apply, create, replace and diff -f refuse the
  # redacted ones, unless --allow-redacted), so put the real values back first
  kdx export --all-types -n shop --dir ./shop --redact-secrets

  # What export removes and skips, and why
  kdx export --rules`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.rules {
				return o.printRules(args)
			}
			return cli.RunE(o)(cmd, args)
		},
		ValidArgsFunction: cli.CompleteObjects(f),
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

// AddFlags adds export's flags.
func (o *exportOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.output, "output", "o", o.output, "output format: yaml (documents separated by ---), json (a List) or jsonl; with --dir, yaml or json files")
	fs.StringVar(&o.dir, "dir", o.dir, "write one file per object under this directory instead of stdout")
	fs.BoolVarP(&o.allNamespaces, "all-namespaces", "A", false, "export from all namespaces (with --all-types, cluster-scoped types too)")
	fs.StringVarP(&o.selector, "selector", "l", "", "label selector to filter on (e.g. -l key1=value1,key2=value2)")
	fs.StringVar(&o.fieldSelector, "field-selector", "", "field selector to filter on (e.g. --field-selector metadata.name=web)")
	fs.BoolVar(&o.AllTypes, "all-types", false, "export every type that can be listed (without -A, the namespaced ones)")
	fs.StringSliceVar(&o.Exclude, "exclude", nil, "with --all-types, types to leave out (e.g. --exclude pods,replicasets.apps)")
	fs.BoolVar(&o.IgnoreForbidden, "ignore-forbidden", false, "with --all-types, leave out the types you may not list instead of reporting them (their files are not pruned)")
	fs.BoolVar(&o.keepStatus, "keep-status", false, "keep the status of objects")
	fs.BoolVar(&o.includeOwned, "include-owned", false, "keep objects a controller owns (pods of a ReplicaSet, ReplicaSets of a Deployment, ...)")
	fs.BoolVar(&o.includeSystem, "include-system", false, "keep objects the cluster makes by itself (kube-root-ca.crt, default service accounts, bootstrap RBAC, leases, events, ...)")
	fs.BoolVar(&o.includeDeleting, "include-deleting", false, "with --dir, write the objects being deleted too (a restore would make them again); stdout has them, with a warning")
	fs.BoolVar(&o.redactSecrets, "redact-secrets", false, "replace every value of Secrets with "+export.RedactedMarker+" (apply, create and replace refuse such Secrets unless --allow-redacted)")
	fs.BoolVar(&o.prune, "prune", false, "with --dir, remove the files of objects that no longer exist")
	fs.IntVar(&o.concurrency, "concurrency", o.concurrency, "number of types exported at once to --dir")
	fs.Int64Var(&o.chunkSize, "chunk-size", o.chunkSize, "objects per list request")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "print no summary (warnings and pruned files are still printed)")
	fs.BoolVar(&o.rules, "rules", false, "print the fields export removes and the objects it skips, with why, and exit")
	fs.BoolVarP(&o.watch, "watch", "w", false, "with --dir, keep the tree in step with the cluster after the export, from watch events (until --timeout or an interrupt)")
	fs.DurationVar(&o.watchTimeout, "timeout", 0, "with --watch, stop after this long (e.g. 30s, 5m) and exit 0")
	fs.BoolVar(&o.commit, "commit", false, "with --dir, make a git commit of the files the export changed and, with --watch, one per batch of changes (DIR must be in a git work tree); Secrets need --redact-secrets or --commit-secrets")
	fs.BoolVar(&o.commitSecrets, "commit-secrets", false, "with --commit, commit Secrets with their values (git keeps them for every clone to read)")
	o.where.AddFlags(fs, "exported")
}

// Complete parses the output format.
func (o *exportOptions) Complete(_ *cobra.Command, args []string) error {
	o.args = args
	if err := o.where.Complete(); err != nil {
		return err
	}
	if err := export.Outputs.Check(o.output); err != nil {
		return err
	}
	o.format = export.Format(o.output)
	return nil
}

// Validate checks that the flags go together.
func (o *exportOptions) Validate() error {
	switch {
	case len(o.args) == 0 && !o.AllTypes:
		return errors.New("you must specify the type of resource to export, or --all-types")
	case len(o.args) > 0 && o.AllTypes:
		return errors.New("--all-types exports every type: give no TYPE or NAME with it")
	case (len(o.Exclude) > 0 || o.IgnoreForbidden) && !o.AllTypes:
		return errors.New("--exclude and --ignore-forbidden only apply with --all-types")
	case o.dir != "" && o.format == export.FormatJSONL:
		return errors.New("--output jsonl cannot be written to --dir: use yaml or json")
	case o.prune && o.dir == "":
		return errors.New("--prune needs --dir")
	case o.includeDeleting && o.dir == "":
		return errors.New("--include-deleting needs --dir: stdout has the objects being deleted, with a warning")
	case (o.watch || o.commit) && o.dir == "":
		return errors.New("--watch and --commit need --dir: the tree to keep in step")
	case o.commitSecrets && !o.commit:
		return errors.New("--commit-secrets goes with --commit")
	case o.watchTimeout != 0 && !o.watch:
		return errors.New("--timeout goes with --watch")
	case o.watchTimeout < 0:
		return fmt.Errorf("--timeout must not be negative, not %s", o.watchTimeout)
	case len(o.where.Exprs) > 0 && hasNames(o.args):
		return errors.New("names cannot be given together with --where: a named object is exported or not found")
	case o.prune && (o.selector != "" || o.fieldSelector != "" || len(o.where.Exprs) > 0 || hasNames(o.args)):
		return errors.New("--prune cannot be used with --selector, --field-selector, --where or object names: kdx could not tell which files they leave out")
	case o.chunkSize < 0:
		return fmt.Errorf("--chunk-size must not be negative, not %d", o.chunkSize)
	}
	return cli.CheckConcurrency(o.concurrency)
}

// hasNames reports whether the arguments name objects (TYPE NAME or TYPE/NAME).
func hasNames(args []string) bool {
	return len(args) > 1 || (len(args) == 1 && strings.Contains(args[0], "/"))
}

// cleanOptions are the cleaning flags for the export package.
func (o *exportOptions) cleanOptions() export.CleanOptions {
	return export.CleanOptions{KeepStatus: o.keepStatus, IncludeOwned: o.includeOwned, IncludeSystem: o.includeSystem, RedactSecrets: o.redactSecrets,
		IncludeDeleting: o.includeDeleting || o.dir == ""} // a tree leaves them out, stdout warns of them
}

// printRules is `export --rules`: the rules table, from the rules export
// applies.
func (o *exportOptions) printRules(args []string) error {
	if len(args) > 0 || o.AllTypes {
		return errors.New("--rules prints the rules: give no TYPE, NAME or --all-types with it")
	}
	return export.WriteRules(o.f.Streams().Out, export.DefaultRules(), export.DefaultSkipRules())
}
