package main

import (
	"bufio"
	"context"
	"fmt"
	"sort"

	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/render"
)

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
