package ui

import (
	"io"
	"strings"
	"sync"

	tea "charm.land/bubbletea/v2"
)

// warnings take what would go to stderr (the server's warnings, the
// watch's), which would tear the screen, to the status line.
type warnings struct {
	signal chan struct{}
	mu     sync.Mutex
	last   string
}

// Warnings is where the cluster's warnings go while the explorer runs:
// each line is shown on the status line.
func (a *App) Warnings() io.Writer { return a.warn }

func (w *warnings) Write(p []byte) (int, error) {
	line := strings.TrimSpace(string(p))
	if line == "" {
		return len(p), nil
	}
	if i := strings.LastIndexByte(line, '\n'); i >= 0 {
		line = line[i+1:]
	}
	w.mu.Lock()
	w.last = line
	w.mu.Unlock()
	select {
	case w.signal <- struct{}{}:
	default:
	}
	return len(p), nil
}

type warningMsg string

func (w *warnings) next() tea.Msg {
	<-w.signal
	w.mu.Lock()
	defer w.mu.Unlock()
	return warningMsg(w.last)
}
