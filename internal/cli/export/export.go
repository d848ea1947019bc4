package export

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kdxproject/kdx/export"
	"github.com/kdxproject/kdx/internal/cli"
)

// exportOptions are the flags and inputs of `kdx export`: those diff
// shares (cli.ExportFlags) and export's own.
type exportOptions struct {
	cli.ExportFlags
	prune bool
	quiet bool
	rules bool
	// watch keeps the --dir tree in step after the export (watch.go),
	// until watchTimeout; commit makes a git commit per batch of changes.
	watch        bool
	watchTimeout time.Duration
	commit       bool
	// commitSecrets lets --commit commit Secrets that are not redacted.
	commitSecrets bool
}

// newExportOptions returns the options of `kdx export` with their defaults.
func newExportOptions(f cli.Factory) *exportOptions {
	return &exportOptions{ExportFlags: *cli.NewExportFlags(f)}
}

func NewCmd(f cli.Factory) *cobra.Command {
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
	fs.StringVarP(&o.Output, "output", "o", o.Output, "output format: yaml (documents separated by ---), json (a List) or jsonl; with --dir, yaml or json files")
	fs.StringVar(&o.Dir, "dir", o.Dir, "write one file per object under this directory instead of stdout")
	fs.BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "export from all namespaces (with --all-types, cluster-scoped types too)")
	fs.StringVarP(&o.Selector, "selector", "l", "", "label selector to filter on (e.g. -l key1=value1,key2=value2)")
	fs.StringVar(&o.FieldSelector, "field-selector", "", "field selector to filter on (e.g. --field-selector metadata.name=web)")
	fs.BoolVar(&o.AllTypes, "all-types", false, "export every type that can be listed (without -A, the namespaced ones)")
	fs.StringSliceVar(&o.Exclude, "exclude", nil, "with --all-types, types to leave out (e.g. --exclude pods,replicasets.apps)")
	fs.BoolVar(&o.IgnoreForbidden, "ignore-forbidden", false, "with --all-types, leave out the types you may not list instead of reporting them (their files are not pruned)")
	fs.BoolVar(&o.KeepStatus, "keep-status", false, "keep the status of objects")
	fs.BoolVar(&o.IncludeOwned, "include-owned", false, "keep objects a controller owns (pods of a ReplicaSet, ReplicaSets of a Deployment, ...)")
	fs.BoolVar(&o.IncludeSystem, "include-system", false, "keep objects the cluster makes by itself (kube-root-ca.crt, default service accounts, bootstrap RBAC, leases, events, ...)")
	fs.BoolVar(&o.IncludeDeleting, "include-deleting", false, "with --dir, write the objects being deleted too (a restore would make them again); stdout has them, with a warning")
	fs.BoolVar(&o.RedactSecrets, "redact-secrets", false, "replace every value of Secrets with "+export.RedactedMarker+" (apply, create and replace refuse such Secrets unless --allow-redacted)")
	fs.BoolVar(&o.prune, "prune", false, "with --dir, remove the files of objects that no longer exist")
	fs.IntVar(&o.Concurrency, "concurrency", o.Concurrency, "number of types exported at once to --dir")
	fs.Int64Var(&o.ChunkSize, "chunk-size", o.ChunkSize, "objects per list request")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "print no summary (warnings and pruned files are still printed)")
	fs.BoolVar(&o.rules, "rules", false, "print the fields export removes and the objects it skips, with why, and exit")
	fs.BoolVarP(&o.watch, "watch", "w", false, "with --dir, keep the tree in step with the cluster after the export, from watch events (until --timeout or an interrupt)")
	fs.DurationVar(&o.watchTimeout, "timeout", 0, "with --watch, stop after this long (e.g. 30s, 5m) and exit 0")
	fs.BoolVar(&o.commit, "commit", false, "with --dir, make a git commit of the files the export changed and, with --watch, one per batch of changes (DIR must be in a git work tree); Secrets need --redact-secrets or --commit-secrets")
	fs.BoolVar(&o.commitSecrets, "commit-secrets", false, "with --commit, commit Secrets with their values (git keeps them for every clone to read)")
	o.Where.AddFlags(fs, "exported")
}

// Validate checks that the flags go together.
func (o *exportOptions) Validate() error {
	if err := o.ExportFlags.Validate(); err != nil {
		return err
	}
	switch {
	case o.prune && o.Dir == "":
		return errors.New("--prune needs --dir")
	case (o.watch || o.commit) && o.Dir == "":
		return errors.New("--watch and --commit need --dir: the tree to keep in step")
	case o.commitSecrets && !o.commit:
		return errors.New("--commit-secrets goes with --commit")
	case o.watchTimeout != 0 && !o.watch:
		return errors.New("--timeout goes with --watch")
	case o.watchTimeout < 0:
		return fmt.Errorf("--timeout must not be negative, not %s", o.watchTimeout)
	case o.prune && (o.Selector != "" || o.FieldSelector != "" || len(o.Where.Exprs) > 0 || cli.HasNames(o.Args)):
		return errors.New("--prune cannot be used with --selector, --field-selector, --where or object names: kdx could not tell which files they leave out")
	}
	return nil
}

// Complete reads the arguments and the output format.
func (o *exportOptions) Complete(_ *cobra.Command, args []string) error {
	return o.ExportFlags.Complete(args)
}

// printRules is `export --rules`: the rules table, from the rules export
// applies.
func (o *exportOptions) printRules(args []string) error {
	if len(args) > 0 || o.AllTypes {
		return errors.New("--rules prints the rules: give no TYPE, NAME or --all-types with it")
	}
	return export.WriteRules(o.F.Streams().Out, export.DefaultRules(), export.DefaultSkipRules())
}
