package ui

import (
	"io"
	"strings"

	tea "charm.land/bubbletea/v2"
)

// warnings take what would go to stderr (the server's warnings, the
// watch's), which would tear the screen, to the status line.
type warnings struct {
	handoff // guards last
	last    string
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
	w.post(func() { w.last = line })
	return len(p), nil
}

type warningMsg string

func (w *warnings) next() tea.Msg {
	return w.take(func() tea.Msg { return warningMsg(w.last) })
}
