package render

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"
)

// progressInterval is how often the progress line is redrawn.
const progressInterval = 100 * time.Millisecond

// Progress is the one progress line of kdx: types done out of a total, and
// objects when the command counts them, redrawn on a terminal's stderr
// while a long read runs and cleared at Stop. It draws nothing on anything
// but a terminal, and nothing before its delay has passed, so quick
// commands and scripts never see it. A nil *Progress does nothing.
type Progress struct {
	w       io.Writer
	verb    string
	total   int
	objects bool // the line counts objects too
	types   atomic.Int64
	written atomic.Int64

	stop, done chan struct{}
	once       sync.Once
}

// ProgressOptions say what the line shows and when.
type ProgressOptions struct {
	// Verb starts the line: "listing", "exporting".
	Verb string
	// Total is the number of types.
	Total int
	// Objects adds "N objects written".
	Objects bool
	// Delay is how long the work runs before the line is drawn.
	Delay time.Duration
}

// StartProgress starts the progress line on w when w is a terminal, else
// returns nil.
func StartProgress(w io.Writer, opts ProgressOptions) *Progress {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return startProgress(w, opts)
}

func startProgress(w io.Writer, opts ProgressOptions) *Progress {
	p := &Progress{w: w, verb: opts.Verb, total: opts.Total, objects: opts.Objects, stop: make(chan struct{}), done: make(chan struct{})}
	go p.draw(opts.Delay)
	return p
}

func (p *Progress) draw(delay time.Duration) {
	defer close(p.done)
	select {
	case <-time.After(delay):
	case <-p.stop:
		return
	}
	tick := time.NewTicker(progressInterval)
	defer tick.Stop()
	for {
		fmt.Fprint(p.w, p.line())
		select {
		case <-tick.C:
		case <-p.stop:
			fmt.Fprint(p.w, "\r\033[K")
			return
		}
	}
}

// line is the text drawn, from the start of the terminal's line.
func (p *Progress) line() string {
	s := fmt.Sprintf("\r\033[K%s: %d/%d types", p.verb, p.types.Load(), p.total)
	if p.objects {
		s += fmt.Sprintf(", %d objects written", p.written.Load())
	}
	return s
}

// TypeDone counts one type done.
func (p *Progress) TypeDone() {
	if p != nil {
		p.types.Add(1)
	}
}

// ObjectWritten counts one object written.
func (p *Progress) ObjectWritten() {
	if p != nil {
		p.written.Add(1)
	}
}

// Stop clears the line and stops drawing.
func (p *Progress) Stop() {
	if p == nil {
		return
	}
	p.once.Do(func() { close(p.stop) })
	<-p.done
}
