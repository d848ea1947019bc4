// Package label is kdx label.
package label

import (
	"github.com/spf13/cobra"

	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/write"
)

// NewCmd is kdx label.
func NewCmd(f cli.Factory) *cobra.Command {
	o := cli.NewMetaOptions(f, write.Labels)
	cmd := &cobra.Command{
		Use:   "label [--overwrite] (-f FILENAME | TYPE NAME... | TYPE/NAME... | TYPE -l SELECTOR | TYPE --all) KEY_1=VAL_1 ... KEY_N=VAL_N | KEY-",
		Short: "Set or remove the labels of objects",
		Long: `Set (KEY=VALUE) or remove (KEY-) labels of objects of any type, as kubectl
label does: a label that has another value is changed only with --overwrite;
--resource-version changes one object only if it is at that version. Only the
labels that change are sent, as a merge patch. With -l, --field-selector,
--where or --all, the objects are listed first and each is patched on its own;
-f names the objects of files (kinds and names only are read).`,
		Example: `  # Label a deployment, then change the label
  kdx label deployment web tier=front
  kdx label deployment web tier=back --overwrite

  # Remove a label from every gadget of the team, in every namespace
  kdx label gadgets -l team=blue -A stale-

  # Label the config maps a CEL expression selects, in two clusters
  kdx label configmaps --where 'size(object.data) > 1' big=true --context staging,other

  # Print the labels of a deployment
  kdx label deployment web --list`,
		ValidArgsFunction: cli.CompleteObjects(f),
		RunE:              cli.RunE(o),
	}
	o.AddFlags(cmd.Flags())
	return cmd
}
