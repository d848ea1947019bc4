package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"

	apiversion "k8s.io/apimachinery/pkg/version"

	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/internal/version"
	"github.com/kdxproject/kdx/render"
)

// runFleet prints the client version once and each context's server
// version: a CONTEXT / SERVER VERSION table, or with -o json|yaml one
// mapping of context name to what version prints for that context alone.
func (o *versionOptions) runFleet(ctx context.Context, contexts []string) error {
	infos, ok, failed, err := cli.EachContext(ctx, o.f, contexts, o.f.Streams().ErrOut, func(ctx context.Context, f cli.Factory) (*apiversion.Info, error) {
		co := *o
		co.f = f
		return co.serverVersion(ctx)
	})
	if err != nil {
		return err
	}
	out := bufio.NewWriter(o.f.Streams().Out)
	switch o.output {
	case "json", "yaml":
		docs := render.ContextDocs{Out: out, Format: render.FormatJSON}
		if o.output == "yaml" {
			docs.Format = render.FormatYAML
		}
		for i, info := range infos {
			if !ok[i] {
				continue
			}
			var b bytes.Buffer
			doc := versionDocument{ClientVersion: version.Get(), ServerVersion: info}
			if o.output == "json" {
				err = render.JSON(&b, doc)
			} else {
				err = render.YAML(&b, doc)
			}
			if err != nil {
				return err
			}
			docs.Add(contexts[i], b.Bytes())
		}
		docs.Close()
	default:
		fmt.Fprintf(out, "Client Version: %s\n", version.Get().GitVersion)
		tw := render.NewTableWriter(out)
		fmt.Fprintln(tw.Writer(), "CONTEXT\tSERVER VERSION")
		for i, info := range infos {
			if ok[i] {
				fmt.Fprintf(tw.Writer(), "%s\t%s\n", contexts[i], info.GitVersion)
			}
		}
		err = tw.Flush()
	}
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err == nil && failed {
		err = &cliutil.ExitError{Code: 1}
	}
	return err
}
