// Package annotate is kdx annotate.
package annotate

import (
	"github.com/spf13/cobra"

	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/write"
)

// NewCmd is kdx annotate.
func NewCmd(f cli.Factory) *cobra.Command {
	o := cli.NewMetaOptions(f, write.Annotations)
	cmd := &cobra.Command{
		Use:   "annotate [--overwrite] (-f FILENAME | TYPE NAME... | TYPE/NAME... | TYPE -l SELECTOR | TYPE --all) KEY_1=VAL_1 ... KEY_N=VAL_N | KEY-",
		Short: "Set or remove the annotations of objects",
		Long: `Set (KEY=VALUE) or remove (KEY-) annotations of objects of any type, as
kubectl annotate does: an annotation that has another value is changed only
with --overwrite; --resource-version changes one object only if it is at that
version. Only the annotations that change are sent, as a merge patch. With -l,
--field-selector, --where or --all, the objects are listed first and each is
patched on its own; -f names the objects of files (kinds and names only are
read).`,
		Example: `  # Annotate a deployment, then change the annotation
  kdx annotate deployment web owner='team blue'
  kdx annotate deployment web owner='team red' --overwrite

  # Remove an annotation from every config map of the namespace
  kdx annotate configmaps --all note-

  # Print the annotations of a service
  kdx annotate service web --list`,
		ValidArgsFunction: cli.CompleteObjects(f),
		RunE:              cli.RunE(o),
	}
	o.AddFlags(cmd.Flags())
	return cmd
}
