package apiversions

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"bufio"

	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cliutil"
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

// Run prints the sorted group/versions, asking the server (a 304 when the
// cache is current).
func (o *apiVersionsOptions) Run(ctx context.Context) error {
	if contexts, fleet, err := o.f.Fleet(); err != nil || fleet {
		if err != nil {
			return err
		}
		return o.runFleet(ctx, contexts)
	}
	gvs, err := servedGroupVersions(ctx, o.f)
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(o.f.Streams().Out, strings.Join(gvs, "\n")+"\n")
	return err
}

// servedGroupVersions are the group/versions f's server serves, sorted,
// asking the server (a 304 when the cache is current); groups that could
// not be read are named on stderr.
func servedGroupVersions(ctx context.Context, f cli.Factory) ([]string, error) {
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

// runFleet prints every group/version served by any of the contexts, one
// row each, with a column per context: "yes" where it is served, "-" where not.
func (o *apiVersionsOptions) runFleet(ctx context.Context, contexts []string) error {
	served, ok, failed, err := cli.EachContext(ctx, o.f, contexts, o.f.Streams().ErrOut, func(ctx context.Context, f cli.Factory) (map[string]bool, error) {
		gvs, err := servedGroupVersions(ctx, f)
		m := map[string]bool{}
		for _, gv := range gvs {
			m[gv] = true
		}
		return m, err
	})
	if err != nil {
		return err
	}
	all := map[string]bool{}
	for _, m := range served {
		for gv := range m {
			all[gv] = true
		}
	}
	gvs := make([]string, 0, len(all))
	for gv := range all {
		gvs = append(gvs, gv)
	}
	sort.Strings(gvs)
	out := bufio.NewWriter(o.f.Streams().Out)
	tw := render.NewTableWriter(out)
	w := tw.Writer()
	fmt.Fprint(w, "GROUP/VERSION")
	for i, name := range contexts {
		if ok[i] {
			fmt.Fprintf(w, "\t%s", name)
		}
	}
	fmt.Fprintln(w)
	for _, gv := range gvs {
		fmt.Fprint(w, gv)
		for i, m := range served {
			if !ok[i] {
				continue
			}
			cell := "-"
			if m[gv] {
				cell = "yes"
			}
			fmt.Fprintf(w, "\t%s", cell)
		}
		fmt.Fprintln(w)
	}
	err = tw.Flush()
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err == nil && failed {
		err = &cliutil.ExitError{Code: 1}
	}
	return err
}
