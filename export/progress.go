package export

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// progressInterval is how often the progress line is redrawn.
const progressInterval = 100 * time.Millisecond

// Progress draws one line on a terminal: types done and objects written.
// A nil *Progress does nothing, so callers need not check.
type Progress struct {
	// w is the terminal.
	w io.Writer
	// total is the number of types.
	total int
	// types and objects count what is done.
	types, objects atomic.Int64

	// stop ends the drawing goroutine; done is closed when it has ended.
	stop, done chan struct{}
	// once guards stop.
	once sync.Once
}

// StartProgress starts drawing the progress of an export of total types on
// w, which should be a terminal; Stop ends it.
func StartProgress(w io.Writer, total int) *Progress {
	p := &Progress{w: w, total: total, stop: make(chan struct{}), done: make(chan struct{})}
	go p.draw()
	return p
}

func (p *Progress) draw() {
	defer close(p.done)
	tick := time.NewTicker(progressInterval)
	defer tick.Stop()
	for {
		select {
		case <-p.stop:
			fmt.Fprint(p.w, "\r\033[K")
			return
		case <-tick.C:
			fmt.Fprintf(p.w, "\r\033[Kexporting: %d/%d types, %d objects written", p.types.Load(), p.total, p.objects.Load())
		}
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

func (p *Progress) typeDone() {
	if p != nil {
		p.types.Add(1)
	}
}

func (p *Progress) objectWritten() {
	if p != nil {
		p.objects.Add(1)
	}
}
