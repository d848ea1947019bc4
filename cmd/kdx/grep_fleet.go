package main

import (
	"bufio"
	"bytes"
	"context"

	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/render"
)

// runFleet searches several clusters, --cluster-concurrency at a time, and
// prints their matches in context order: match lines start with the
// context; -o formats take the shapes of get over several contexts. A
// cluster that cannot be searched is one line naming it, and the exit code
// is 2, as when a type of one cluster could not be read.
func (o *grepOptions) runFleet(ctx context.Context, contexts []string) error {
	type found struct {
		out bytes.Buffer
		res grepResult
	}
	results, ok, failed, err := cli.EachContext(ctx, o.f, contexts, o.f.Streams().ErrOut, func(ctx context.Context, f cli.Factory) (*found, error) {
		c := &found{}
		var err error
		c.res, err = o.grep(ctx, f, &c.out, f.ContextName())
		return c, err
	})
	if err != nil {
		return err
	}
	out := bufio.NewWriterSize(o.f.Streams().Out, 64<<10)
	docs := render.ContextDocs{Out: out, Format: grepFormat(o.output),
		EmptyJSON: `{"apiVersion":"v1","items":[],"kind":"List","metadata":{"resourceVersion":""}}`,
		EmptyYAML: "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\""}
	matched := 0
	for i, c := range results {
		if !ok[i] {
			continue
		}
		matched += c.res.matched
		if o.printer == nil {
			out.Write(c.out.Bytes())
		} else {
			docs.Add(contexts[i], c.out.Bytes())
		}
		for _, l := range c.res.report.Lines() {
			cli.ContextError(o.f.Streams().ErrOut, contexts[i], l)
		}
		failed = failed || c.res.report.Len() > 0
	}
	if o.printer != nil {
		docs.Close()
	}
	if err := out.Flush(); err != nil {
		return err
	}
	switch {
	case failed:
		return &cliutil.ExitError{Code: cliutil.ToolFailure}
	case matched == 0:
		return grepNoMatch
	}
	return nil
}

// grepFormat is -o as render names it.
func grepFormat(output string) render.Format {
	f, _ := render.AllOutputs().Parse(output, "")
	return f
}
