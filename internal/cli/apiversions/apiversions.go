package apiversions

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/render"
)

// apiVersionsOptions are the inputs of `kdx api-versions`.
type apiVersionsOptions struct {
	f cli.Factory
}

func NewCmd(f cli.Factory) *cobra.Command {
	o := &apiVersionsOptions{f: f}
	return &cobra.Command{
		Use:   "api-versions",
		Short: "Print the group/versions the server serves",
		Long: `Print the group/versions the server serves, one "group/version" per line,
sorted, as kubectl api-versions does.`,
		Example: `  # Every served group/version
  kdx api-versions`,
		Args: cobra.NoArgs,
		RunE: cli.RunE(o),
	}
}

// Run prints the sorted group/versions of each context (a fleet of one is
// one context), asking the server (a 304 when the cache is current).
func (o *apiVersionsOptions) Run(ctx context.Context) error {
	contexts, _, err := o.f.Fleet()
	if err != nil {
		return err
	}
	reads, err := cli.ReadClusters(ctx, o.f, contexts, servedGroupVersions)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(o.f.Streams().Out)
	err = printGroupVersions(out, reads)
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	return reads.Err()
}

// servedGroupVersions are the group/versions f's server serves, sorted,
// asking the server (a 304 when the cache is current); groups that could
// not be read are named on stderr.
func servedGroupVersions(ctx context.Context, f cli.Factory, _ string) ([]string, error) {
	c, err := f.Discovery()
	if err != nil {
		return nil, err
	}
	snap, err := c.Refresh(ctx)
	if err != nil {
		return nil, err
	}
	c.WarnSkipped(snap.Failures) // the list is incomplete without them
	gvs := snap.GroupVersions()
	sort.Strings(gvs)
	return gvs, nil
}

// printGroupVersions writes the group/versions read: one context's one a line, as
// kubectl api-versions; a fleet's every group/version served by any of
// the contexts read, one row each, with a column per context: "yes" where
// it is served, "-" where not.
func printGroupVersions(out io.Writer, reads cli.ClusterReads[[]string]) error {
	if !reads.Fleet() {
		if reads[0].Err != nil {
			return nil
		}
		_, err := fmt.Fprint(out, strings.Join(reads[0].Value, "\n")+"\n")
		return err
	}
	var all []string
	served := make([]map[string]bool, len(reads))
	for i, r := range reads {
		served[i] = map[string]bool{}
		for _, gv := range r.Value {
			served[i][gv] = true
		}
		all = append(all, r.Value...)
	}
	sort.Strings(all)
	all = slices.Compact(all)
	tw := render.NewTableWriter(out)
	w := tw.Writer()
	fmt.Fprint(w, "GROUP/VERSION")
	for _, r := range reads {
		if r.Err == nil {
			fmt.Fprintf(w, "\t%s", r.Context)
		}
	}
	fmt.Fprintln(w)
	for _, gv := range all {
		fmt.Fprint(w, gv)
		for i, r := range reads {
			if r.Err != nil {
				continue
			}
			cell := "-"
			if served[i][gv] {
				cell = "yes"
			}
			fmt.Fprintf(w, "\t%s", cell)
		}
		fmt.Fprintln(w)
	}
	return tw.Flush()
}
