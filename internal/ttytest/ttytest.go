// Package ttytest runs a program under a pseudo-terminal and reads its
// screen with a terminal emulator written in Go (charmbracelet/x/vt), so
// that a test can send keys and assert what a user would see, with no tmux
// or other program. The emulator answers the program's queries (cursor
// position, colors) as a terminal does.
package ttytest

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// Keys a test sends, as a terminal encodes them.
const (
	Enter     = "\r"
	Esc       = "\x1b"
	Backspace = "\x7f"
	CtrlC     = "\x03"
	Up        = "\x1b[A"
	Down      = "\x1b[B"
	PageDown  = "\x1b[6~"
	PageUp    = "\x1b[5~"
)

// DefaultTimeout is how long WaitFor (and Wait) waits by default: a bound
// on waiting for a screen, not a measure of speed (a test that times
// something measures it). The end-to-end tests run the race-built kdx,
// several at once, on machines of two cores that others share: there a
// screen that comes in a second alone took more than 10 s.
const DefaultTimeout = 30 * time.Second

// TB is what a Term needs of its test: testing.TB has it, and so can a
// program that is not a test (the bench of kdx ui, internal/bench/uibench),
// whose Fatalf ends what it measures.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// Term is one program running under a pseudo-terminal.
type Term struct {
	t   TB
	cmd *exec.Cmd
	pty *os.File // the terminal's side: the program's output, its input
	tty *os.File // the program's side, kept open to read its modes

	mu  sync.Mutex // guards emu and out
	emu *vt.Emulator
	out strings.Builder // every byte the program wrote, for failures

	ttyOnce  sync.Once // closes tty
	readDone chan struct{}
	exited   chan struct{}
	waitErr  error
}

// Start runs cmd on a new pseudo-terminal of cols x rows, as the leader of
// a session whose controlling terminal it is. The program is killed at the
// end of the test if it still runs.
func Start(t TB, cmd *exec.Cmd, cols, rows int) *Term {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("ttytest: open a pseudo-terminal: %v", err)
	}
	if err := pty.Setsize(ptmx, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)}); err != nil {
		t.Fatalf("ttytest: size the pseudo-terminal: %v", err)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		ptmx.Close()
		tty.Close()
		t.Fatalf("ttytest: start %s: %v", cmd.Path, err)
	}
	term := &Term{t: t, cmd: cmd, pty: ptmx, tty: tty, emu: vt.NewEmulator(cols, rows),
		readDone: make(chan struct{}), exited: make(chan struct{})}
	go term.read()
	go term.answer()
	go func() {
		term.waitErr = cmd.Wait()
		close(term.exited)
	}()
	t.Cleanup(term.close)
	return term
}

// read feeds the program's output to the emulator.
func (t *Term) read() {
	defer close(t.readDone)
	buf := make([]byte, 32<<10)
	for {
		n, err := t.pty.Read(buf)
		if n > 0 {
			t.mu.Lock()
			t.out.Write(buf[:n])
			_, _ = t.emu.Write(buf[:n])
			t.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

// answer hands the emulator's replies (to the program's queries) to the
// program, as a terminal's input.
func (t *Term) answer() {
	buf := make([]byte, 1024)
	for {
		n, err := t.emu.Read(buf)
		if n > 0 {
			if _, werr := t.pty.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (t *Term) close() {
	select {
	case <-t.exited:
	default:
		_ = t.cmd.Process.Kill()
		<-t.exited
	}
	t.closeTTY()
	t.pty.Close()
	<-t.readDone
	// The emulator is left open: closing it races with answer's read of
	// its closed flag; answer stays blocked on an idle pipe.
}

// escPause follows a lone Esc, as a user's next key would: a key read
// with it would make it alt+key.
const escPause = 100 * time.Millisecond

// Send writes keys to the program as typed (see the key constants).
func (t *Term) Send(keys ...string) {
	t.t.Helper()
	for _, k := range keys {
		if _, err := io.WriteString(t.pty, k); err != nil {
			t.t.Fatalf("ttytest: send %q: %v", k, err)
		}
		if k == Esc {
			time.Sleep(escPause)
		}
	}
}

// Type sends text one key at a time, as a user types it.
func (t *Term) Type(text string) {
	t.t.Helper()
	for _, r := range text {
		t.Send(string(r))
	}
}

// Screen is the text of the screen, one line per row, each without its
// trailing spaces, with the trailing empty lines cut.
func (t *Term) Screen() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return screenText(t.emu)
}

// Lines is Screen split in rows.
func (t *Term) Lines() []string { return strings.Split(t.Screen(), "\n") }

func screenText(emu *vt.Emulator) string {
	lines := make([]string, emu.Height())
	for y := range lines {
		var b strings.Builder
		for x := 0; x < emu.Width(); {
			c := emu.CellAt(x, y)
			if c == nil || c.Width == 0 {
				x++
				continue
			}
			if c.Content == "" {
				b.WriteByte(' ')
			} else {
				b.WriteString(c.Content)
			}
			x += c.Width
		}
		lines[y] = strings.TrimRight(b.String(), " ")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}

// Reversed are the rows whose first cell is in reverse video (a
// selected line, a title bar), as indexes into Lines.
func (t *Term) Reversed() []int {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []int
	for y := range t.emu.Height() {
		if c := t.emu.CellAt(0, y); c != nil && c.Style.Attrs&uv.AttrReverse != 0 {
			out = append(out, y)
		}
	}
	return out
}

// WaitFor waits until cond holds for the screen, up to timeout (0 for
// DefaultTimeout), and returns that screen; the test fails with the last
// screen otherwise.
func (t *Term) WaitFor(what string, timeout time.Duration, cond func(screen string) bool) string {
	t.t.Helper()
	s, err := t.waitFor(timeout, cond)
	if err != nil {
		t.t.Fatalf("ttytest: waited %s for %s: %v; the screen:\n%s", orDefault(timeout), what, err, s)
	}
	return s
}

func (t *Term) waitFor(timeout time.Duration, cond func(screen string) bool) (string, error) {
	deadline := time.Now().Add(orDefault(timeout))
	for {
		s := t.Screen()
		if cond(s) {
			return s, nil
		}
		select {
		case <-t.exited:
			if s := t.Screen(); cond(s) {
				return s, nil
			}
			return t.Screen(), fmt.Errorf("the program exited (%v)", t.waitErr)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return s, errors.New("timed out")
		}
	}
}

func orDefault(d time.Duration) time.Duration {
	if d <= 0 {
		return DefaultTimeout
	}
	return d
}

// WaitText waits until the screen shows text, and returns the screen.
func (t *Term) WaitText(text string) string {
	t.t.Helper()
	return t.WaitFor(fmt.Sprintf("%q", text), 0, func(s string) bool { return strings.Contains(s, text) })
}

// WaitGone waits until the screen no longer shows text.
func (t *Term) WaitGone(text string) string {
	t.t.Helper()
	return t.WaitFor(fmt.Sprintf("%q to go", text), 0, func(s string) bool { return !strings.Contains(s, text) })
}

// Resize changes the terminal's size; the program gets SIGWINCH.
func (t *Term) Resize(cols, rows int) {
	t.t.Helper()
	t.mu.Lock()
	t.emu.Resize(cols, rows)
	t.mu.Unlock()
	if err := pty.Setsize(t.pty, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)}); err != nil {
		t.t.Fatalf("ttytest: resize: %v", err)
	}
}

// Signal sends sig to the program.
func (t *Term) Signal(sig os.Signal) {
	t.t.Helper()
	if err := t.cmd.Process.Signal(sig); err != nil {
		t.t.Fatalf("ttytest: signal %v: %v", sig, err)
	}
}

// Wait waits up to timeout (0 for DefaultTimeout) for the program to exit
// and returns its exit error (nil for exit 0); the test fails if it does
// not exit.
func (t *Term) Wait(timeout time.Duration) error {
	t.t.Helper()
	select {
	case <-t.exited:
	case <-time.After(orDefault(timeout)):
		t.t.Fatalf("ttytest: the program did not exit within %s; the screen:\n%s", orDefault(timeout), t.Screen())
	}
	// What it wrote last has reached the emulator once the reader met the
	// end: with the program gone, closing our end of the terminal leaves
	// the master its last bytes and then EIO (a child of the program
	// still holding the terminal would keep it open: give up then).
	t.closeTTY()
	select {
	case <-t.readDone:
	case <-time.After(orDefault(timeout)):
	}
	return t.waitErr
}

// closeTTY closes the test's end of the terminal's slave side, once.
func (t *Term) closeTTY() {
	t.ttyOnce.Do(func() { _ = t.tty.Close() })
}

// Restored reports how the program left the terminal: "" when as a shell
// expects it (line mode with echo, the main screen, the cursor shown),
// else what is wrong.
func (t *Term) Restored() string {
	var wrong []string
	// the master answers with the slave's modes (Linux's pty driver), and
	// stays open after Wait
	tio, err := unix.IoctlGetTermios(int(t.pty.Fd()), unix.TCGETS)
	switch {
	case err != nil:
		wrong = append(wrong, fmt.Sprintf("its modes cannot be read: %v", err))
	case tio.Lflag&unix.ICANON == 0:
		wrong = append(wrong, "still in raw mode (no ICANON)")
	case tio.Lflag&unix.ECHO == 0:
		wrong = append(wrong, "echo off")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.emu.IsAltScreen() {
		wrong = append(wrong, "still on the alternate screen")
	}
	if t.emu.CursorHidden() {
		wrong = append(wrong, "the cursor hidden")
	}
	return strings.Join(wrong, ", ")
}

// Output is every byte the program wrote, for a failure's message.
func (t *Term) Output() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.out.String()
}

// Pid is the program's process id (to read its memory, say).
func (t *Term) Pid() int { return t.cmd.Process.Pid }
