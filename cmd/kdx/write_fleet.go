package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kdxproject/kdx/internal/clientconfig"
	"github.com/kdxproject/kdx/internal/cliutil"
)

// fleetWriter is a write verb (apply, create, replace, patch, delete) that
// runs once per context of an explicit list: --context a,b.
type fleetWriter interface {
	runner
	// factory is the factory the verb was built with.
	factory() *factory
	// withFactory is a copy of the verb's options (input already read)
	// that writes through f.
	withFactory(f *factory) runner
}

// fleetConfirmer is a write verb that may refuse to run over several
// contexts without --yes (delete by selector or --all).
type fleetConfirmer interface {
	confirmFleet() error
}

// writeContexts are the contexts of a write: an explicit list only (no
// globs, no --all-contexts: a write must name where it goes). fleet says
// whether there are several.
func writeContexts(f *factory) ([]string, bool, error) {
	if f.fleet.allContexts {
		return nil, false, errors.New("--all-contexts is for reads: a write names its contexts (--context a,b)")
	}
	if strings.ContainsAny(f.flags.Context, "*?[") {
		return nil, false, fmt.Errorf("--context %q: globs are for reads; a write names its contexts (--context a,b)", f.flags.Context)
	}
	if !strings.Contains(f.flags.Context, ",") {
		return nil, false, nil
	}
	names, err := clientconfig.SelectContexts(f.flags, false)
	if err != nil {
		return nil, false, err
	}
	if len(names) == 1 {
		f.flags.Context = names[0]
	}
	return names, len(names) > 1, nil
}

// runWriteFleet runs w against each context in the order given, one after
// the other, each line it prints prefixed with "CONTEXT: ". A context that
// fails is reported and the next one is still written; the exit code is 1
// when any failed.
func runWriteFleet(ctx context.Context, w fleetWriter, contexts []string) error {
	if c, ok := w.(fleetConfirmer); ok {
		if err := c.confirmFleet(); err != nil {
			return err
		}
	}
	f := w.factory()
	failed := false
	for _, name := range contexts {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var mu sync.Mutex // the verb may write from several goroutines
		out := &prefixWriter{w: f.streams.Out, prefix: name + ": ", mu: &mu}
		errOut := &prefixWriter{w: f.streams.ErrOut, prefix: name + ": ", mu: &mu}
		child := f.ForContext(name).withStreams(genericiooptions.IOStreams{In: f.streams.In, Out: out, ErrOut: errOut})
		err := w.withFactory(child).Run(ctx)
		out.Flush()
		errOut.Flush()
		var exit *cliutil.ExitError
		switch {
		case errors.As(err, &exit):
			failed = true
		case err != nil:
			failed = true
			contextError(f.streams.ErrOut, name, cliutil.Message(err))
		}
	}
	if failed {
		return &cliutil.ExitError{Code: 1}
	}
	return nil
}

// prefixWriter writes each complete line to w with prefix before it.
type prefixWriter struct {
	w      io.Writer
	prefix string
	mu     *sync.Mutex
	buf    bytes.Buffer
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf.Write(b)
	for {
		i := bytes.IndexByte(p.buf.Bytes(), '\n')
		if i < 0 {
			return len(b), nil
		}
		line := p.buf.Next(i + 1)
		if _, err := io.WriteString(p.w, p.prefix+string(line)); err != nil {
			return len(b), err
		}
	}
}

// Flush writes a last line without its newline.
func (p *prefixWriter) Flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.buf.Len() > 0 {
		io.WriteString(p.w, p.prefix+p.buf.String()+"\n")
		p.buf.Reset()
	}
}

func (o *applyOptions) factory() *factory { return o.f }
func (o *applyOptions) withFactory(f *factory) runner {
	c := *o
	c.f = f
	return &c
}

func (o *createOptions) factory() *factory { return o.f }
func (o *createOptions) withFactory(f *factory) runner {
	c := *o
	c.f = f
	return &c
}

func (o *replaceOptions) factory() *factory { return o.f }
func (o *replaceOptions) withFactory(f *factory) runner {
	c := *o
	c.f = f
	return &c
}

func (o *patchOptions) factory() *factory { return o.f }
func (o *patchOptions) withFactory(f *factory) runner {
	c := *o
	c.f = f
	return &c
}

func (o *deleteOptions) factory() *factory { return o.f }
func (o *deleteOptions) withFactory(f *factory) runner {
	c := *o
	c.f = f
	return &c
}

// confirmFleet: deleting by selector or --all over several contexts is
// done only with --yes.
func (o *deleteOptions) confirmFleet() error {
	if o.bySelector() && !o.yes {
		return errors.New("delete by -l, --field-selector, --where or --all over several contexts needs --yes")
	}
	return nil
}
