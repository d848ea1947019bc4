package ttytest

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/term"
)

// TestMain runs the helper program when asked to: the test binary under
// the pseudo-terminal.
func TestMain(m *testing.M) {
	if mode := os.Getenv("TTYTEST_HELPER"); mode != "" {
		os.Exit(helper(mode))
	}
	os.Exit(m.Run())
}

// helper puts the terminal in raw mode (on the alternate screen with a
// hidden cursor for "fullscreen"), says each key it reads, and on q quits:
// restoring the terminal, except in mode "leak".
func helper(mode string) int {
	state, err := term.MakeRaw(0)
	if err != nil {
		fmt.Println(err)
		return 2
	}
	if mode != "plain" {
		fmt.Print("\x1b[?1049h\x1b[?25l")
	}
	w, h, _ := term.GetSize(0)
	fmt.Printf("ready %dx%d\r\n", w, h)
	if mode == "reverse" {
		fmt.Print("\x1b[7mselected\x1b[0m\r\n")
	}
	buf := make([]byte, 16)
	for {
		n, err := os.Stdin.Read(buf)
		if err != nil {
			return 3
		}
		fmt.Printf("got %q\r\n", buf[:n])
		if buf[0] == 'q' {
			break
		}
	}
	if mode != "leak" {
		fmt.Print("\x1b[?25h\x1b[?1049l")
		_ = term.Restore(0, state)
	}
	return 0
}

func startHelper(t *testing.T, mode string) *Term {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "TTYTEST_HELPER="+mode)
	return Start(t, cmd, 80, 24)
}

func TestKeysAndScreen(t *testing.T) {
	tt := startHelper(t, "fullscreen")
	tt.WaitText("ready 80x24")
	tt.Send("a")
	tt.WaitText(`got "a"`)
	tt.Send(Up)
	tt.WaitText(`got "\x1b[A"`)
	if got := tt.Restored(); !strings.Contains(got, "raw mode") || !strings.Contains(got, "alternate screen") || !strings.Contains(got, "cursor hidden") {
		t.Errorf("while the program runs, Restored = %q, want raw mode, alternate screen and hidden cursor", got)
	}
	tt.Send("q")
	if err := tt.Wait(0); err != nil {
		t.Fatalf("exit: %v", err)
	}
	if got := tt.Restored(); got != "" {
		t.Errorf("after a clean exit, Restored = %q, want \"\"", got)
	}
	if s := tt.Screen(); strings.Contains(s, "ready") {
		t.Errorf("the main screen shows what was written on the alternate one:\n%s", s)
	}
}

func TestRestoredSeesALeak(t *testing.T) {
	tt := startHelper(t, "leak")
	tt.WaitText("ready")
	tt.Send("q")
	if err := tt.Wait(0); err != nil {
		t.Fatalf("exit: %v", err)
	}
	if got := tt.Restored(); !strings.Contains(got, "raw mode") || !strings.Contains(got, "alternate screen") {
		t.Errorf("Restored = %q, want the raw mode and the alternate screen left", got)
	}
}

func TestResize(t *testing.T) {
	tt := startHelper(t, "plain")
	tt.WaitText("ready 80x24")
	tt.Resize(100, 30)
	tt.Send("q")
	if err := tt.Wait(0); err != nil {
		t.Fatalf("exit: %v", err)
	}
	// the program reads its size again: a second run sees the new one
	tty, err := os.OpenFile(tt.tty.Name(), os.O_RDWR, 0) // Wait closed the test's own
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	cmd := exec.Command("stty", "size")
	cmd.Stdin = tty
	out, err := cmd.Output()
	if err != nil || strings.TrimSpace(string(out)) != "30 100" {
		t.Errorf("stty size = %q (%v), want 30 100", out, err)
	}
}

func TestReversed(t *testing.T) {
	tt := startHelper(t, "reverse")
	tt.WaitText("selected")
	if got := tt.Reversed(); len(got) != 1 || tt.Lines()[got[0]] != "selected" {
		t.Errorf("Reversed = %v, want the row of selected in\n%s", got, tt.Screen())
	}
	tt.Send("q")
	if err := tt.Wait(0); err != nil {
		t.Fatalf("exit: %v", err)
	}
}
