package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kdxproject/kdx/internal/cliutil"
)

// Every kdx verb is an options struct that turns flags into a typed request
// (Complete), checks it (Validate) and does the work (Run). RunE is the one
// place that calls them, in that order; a verb with nothing to complete or
// to check leaves that method out.
type (
	// Runner does a verb's work.
	Runner interface {
		Run(ctx context.Context) error
	}
	// Completer turns the flags and arguments into the verb's request.
	Completer interface {
		Complete(cmd *cobra.Command, args []string) error
	}
	// Validator checks the request.
	Validator interface {
		Validate() error
	}
	// FleetWriter is a write verb (apply, create, replace, patch, delete)
	// that runs once per context of an explicit list: --context a,b.
	FleetWriter interface {
		Runner
		// Factory is the factory the verb was built with.
		Factory() Factory
		// WithFactory is a copy of the verb's options (input already read)
		// that writes through f.
		WithFactory(f Factory) Runner
	}
	// FleetConfirmer is a write verb that may refuse to run over several
	// contexts without --yes (delete by selector or --all).
	FleetConfirmer interface {
		ConfirmFleet() error
	}
)

// RunE is a cobra RunE for o: Complete, then Validate, then Run with the
// command's context (cancelled by Ctrl-C); a FleetWriter given a list of
// contexts runs once per context.
func RunE(o Runner) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if c, ok := o.(Completer); ok {
			if err := c.Complete(cmd, args); err != nil {
				return err
			}
		}
		if v, ok := o.(Validator); ok {
			if err := v.Validate(); err != nil {
				return err
			}
		}
		if w, ok := o.(FleetWriter); ok {
			contexts, fleet, err := w.Factory().WriteContexts()
			if err != nil {
				return err
			}
			if fleet {
				return runWriteFleet(cmd.Context(), w, contexts)
			}
		}
		return o.Run(cmd.Context())
	}
}

// runWriteFleet runs w against each context in the order given, one after
// the other, each line it prints prefixed with "CONTEXT: ". A context that
// fails is reported and the next one is still written; the exit code is 1
// when any failed.
func runWriteFleet(ctx context.Context, w FleetWriter, contexts []string) error {
	if c, ok := w.(FleetConfirmer); ok {
		if err := c.ConfirmFleet(); err != nil {
			return err
		}
	}
	f := w.Factory()
	streams := f.Streams()
	failed := false
	for _, name := range contexts {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var mu sync.Mutex // the verb may write from several goroutines
		out := NewPrefixWriter(streams.Out, name+": ", &mu)
		errOut := NewPrefixWriter(streams.ErrOut, name+": ", &mu)
		child := f.ForContext(name).WithStreams(genericiooptions.IOStreams{In: streams.In, Out: out, ErrOut: errOut})
		err := w.WithFactory(child).Run(ctx)
		out.Flush()
		errOut.Flush()
		var exit *cliutil.ExitError
		switch {
		case errors.As(err, &exit):
			failed = true
		case err != nil:
			failed = true
			ContextError(streams.ErrOut, name, cliutil.Message(err))
		}
	}
	if failed {
		return &cliutil.ExitError{Code: 1}
	}
	return nil
}

// PrefixWriter writes each complete line to its writer with a prefix
// before it ("CONTEXT: " in a fleet's output); Flush writes a last line
// that has no newline.
type PrefixWriter struct {
	w      io.Writer
	prefix string
	mu     *sync.Mutex
	buf    bytes.Buffer
}

// NewPrefixWriter prefixes the lines written to w; mu, shared by the
// writers of one output, keeps their lines whole.
func NewPrefixWriter(w io.Writer, prefix string, mu *sync.Mutex) *PrefixWriter {
	return &PrefixWriter{w: w, prefix: prefix, mu: mu}
}

// Unprefixed writes whole lines to the same writer, under the same lock,
// without the prefix.
func (p *PrefixWriter) Unprefixed() *PrefixWriter { return NewPrefixWriter(p.w, "", p.mu) }

func (p *PrefixWriter) Write(b []byte) (int, error) {
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
func (p *PrefixWriter) Flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.buf.Len() > 0 {
		io.WriteString(p.w, p.prefix+p.buf.String()+"\n")
		p.buf.Reset()
	}
}

// unixToolAnnotation marks a command modelled on a Unix tool (diff, grep),
// which exits as the tool does (cliutil.ToolExitCode): 0; 1 for its
// answer, a cliutil.Outcome (differences found, nothing matched); 2 for any
// failure, from a bad flag to an unreachable server or Ctrl-C.
const unixToolAnnotation = "kdx.unix-tool"

// UnixTool marks cmd as modelled on a Unix tool (see unixToolAnnotation).
func UnixTool(cmd *cobra.Command) *cobra.Command {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[unixToolAnnotation] = "true"
	return cmd
}

// IsUnixTool says whether cmd is modelled on a Unix tool.
func IsUnixTool(cmd *cobra.Command) bool {
	return cmd != nil && cmd.Annotations[unixToolAnnotation] == "true"
}

// Execute runs the command tree with args and reports an error the kubectl
// way: one line starting "error: " on stderr, and the exit code; a command
// modelled on a Unix tool (see UnixTool) exits as the tool does.
func Execute(ctx context.Context, root *cobra.Command, args []string, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "error: internal error: %v (please report this as a kdx bug)\n", r)
			code = 2
		}
	}()
	root.SetArgs(append([]string{}, args...)) // never nil: cobra reads os.Args for nil
	cmd, err := root.ExecuteContextC(cliutil.QuietAfterCancel(ctx))
	if msg := cliutil.Message(err); msg != "" {
		fmt.Fprintf(stderr, "error: %s\n", msg)
	}
	if IsUnixTool(cmd) {
		return cliutil.ToolExitCode(err, ctx.Err() != nil)
	}
	return cliutil.ExitCode(err)
}
