package main

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kdxproject/kdx/internal/cli"
)


// apiVersionsOptions are the inputs of `kdx api-versions`.
type apiVersionsOptions struct {
	f cli.Factory
}

func newAPIVersionsCommand(f cli.Factory) *cobra.Command {
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
