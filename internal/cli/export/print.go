package export

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kdxproject/kdx/export"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/render"
)

// clusterExport is what the export of one cluster came to.
type clusterExport struct {
	context string
	// out and log are the stdout and stderr of a cluster of several, held
	// to be written in context order (the one cluster writes to the
	// command's own).
	out bytes.Buffer
	log cli.ClusterLog
	err error
}

// exportCluster exports the cluster of f as the one cluster is exported; a
// cluster of several (held) writes to c, and with --dir into
// DIR/<context> (the name made safe as a file name by export.SafeName, as
// object names are).
func (o *exportOptions) exportCluster(ctx context.Context, f cli.Factory, held bool) *clusterExport {
	c := &clusterExport{context: f.ContextName()}
	co := *o
	co.F = f
	if held {
		co.F = f.WithStreams(genericiooptions.IOStreams{In: o.F.Streams().In, Out: &c.out, ErrOut: &c.log})
		if o.Dir != "" {
			co.Dir = o.contextDir(c.context)
		}
	}
	c.err = co.export(ctx)
	return c
}

// contextDir is the tree of one context of a fleet under --dir.
func (o *exportOptions) contextDir(context string) string {
	return filepath.Join(o.Dir, export.SafeName(context))
}

// printer writes what the export of each cluster came to, in context
// order. The one cluster's export wrote its output and summary itself, and
// its error is the command's. Of several, each cluster's summary and pruned
// files are written under a line naming it (--dir), or its objects are one
// stream in context order (stdout: docs) and its summary lines name it; a
// cluster that failed is one error line, and the exit code is 1.
type printer struct {
	o      *exportOptions
	fleet  bool
	docs   *render.ContextDocs // stdout of several clusters
	failed bool
}

func (o *exportOptions) newPrinter(fleet bool) *printer {
	p := &printer{o: o, fleet: fleet}
	if fleet && o.Dir == "" {
		p.docs = o.fleetStream()
	}
	return p
}

// print writes what the export of c came to.
func (p *printer) print(c *clusterExport) error {
	if !p.fleet {
		return c.err
	}
	o := p.o
	errOut := o.F.Streams().ErrOut
	if o.Dir == "" {
		if c.out.Len() > 0 || c.err == nil {
			p.docs.Add(c.context, c.out.Bytes())
		}
		c.log.Replay(errOut, c.context)
	} else {
		if !o.quiet {
			fmt.Fprintf(errOut, "Context %s (%s):\n", c.context, o.contextDir(c.context))
		}
		o.F.Streams().Out.Write(c.out.Bytes())
		errOut.Write(c.log.Bytes())
	}
	var exit *cliutil.ExitError
	switch {
	case errors.As(c.err, &exit):
		p.failed = true
	case c.err != nil:
		p.failed = true
		cli.ContextError(errOut, c.context, cliutil.Message(c.err))
	}
	return nil
}

// close ends the output, after err (the runner's, or the one cluster's).
func (p *printer) close(err error) error {
	if !p.fleet || err != nil {
		return err
	}
	if p.docs != nil {
		p.docs.Close()
		if err := p.docs.Out.Flush(); err != nil {
			return fmt.Errorf("failed to write output: %w", err)
		}
	}
	return cli.FleetResult(p.failed, nil)
}

// fleetStream is the one stream of an export of several contexts to
// stdout, in the shapes of get's: json, a mapping of context to the List
// the context alone exports; jsonl, {"context": ..., "object": ...} per
// line; yaml, one document per object, {context: ..., object: ...}.
func (o *exportOptions) fleetStream() *render.ContextDocs {
	format := map[export.Format]render.Format{export.FormatYAML: render.FormatYAML, export.FormatJSON: render.FormatJSON, export.FormatJSONL: render.FormatJSONL}[o.Format]
	return &render.ContextDocs{Out: bufio.NewWriterSize(o.F.Streams().Out, 64<<10), Format: format, YAMLDocs: true,
		EmptyJSON: `{"apiVersion":"v1","items":[],"kind":"List"}`}
}
