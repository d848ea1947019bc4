package render

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for the drawing goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestProgressDrawsAndClears(t *testing.T) {
	var w lockedBuffer
	p := startProgress(&w, ProgressOptions{Verb: "exporting", Total: 3, Objects: true})
	p.TypeDone()
	p.TypeDone()
	p.ObjectWritten()
	want := "\r\033[Kexporting: 2/3 types, 1 objects written"
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(w.String(), want); {
		if time.Now().After(deadline) {
			t.Fatalf("progress never drew %q; drew %q", want, w.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.Stop()
	if got := w.String(); !strings.HasSuffix(got, "\r\033[K") {
		t.Errorf("the line was not cleared at Stop: %q", got)
	}
}

func TestProgressQuickWorkDrawsNothing(t *testing.T) {
	var w lockedBuffer
	p := startProgress(&w, ProgressOptions{Verb: "listing", Total: 3, Delay: time.Hour})
	p.TypeDone()
	p.Stop()
	if got := w.String(); got != "" {
		t.Errorf("work done before the delay drew %q", got)
	}
	var nilProgress *Progress // what StartProgress gives off a terminal
	nilProgress.TypeDone()
	nilProgress.Stop()
	if StartProgress(&w, ProgressOptions{}) != nil {
		t.Error("a progress line on something that is not a terminal")
	}
}
