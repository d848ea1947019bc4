package cliutil

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// TestCancelOnSignals: the first signal cancels, the second exits with
// 128+signal.
func TestCancelOnSignals(t *testing.T) {
	for sig, want := range map[os.Signal]int{syscall.SIGINT: 130, syscall.SIGTERM: 143} {
		ch := make(chan os.Signal, 2)
		exited := make(chan int, 1)
		ctx, stop := cancelOnSignals(t.Context(), ch, func(code int) { exited <- code })
		ch <- sig
		select {
		case <-ctx.Done():
		case <-time.After(10 * time.Second):
			t.Fatalf("%v: the first signal did not cancel", sig)
		}
		select {
		case code := <-exited:
			t.Fatalf("%v: exit(%d) after the first signal", sig, code)
		case <-time.After(50 * time.Millisecond):
		}
		ch <- sig
		select {
		case code := <-exited:
			if code != want {
				t.Errorf("%v: exit code %d, want %d", sig, code, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%v: the second signal did not exit", sig)
		}
		stop()
	}
}

// TestSecondSignalAsTheCommandEnds: a second signal already sent when the
// command, cancelled by the first, returns exits with the second's code:
// SIGINT and SIGTERM sent at once end kdx with 143 however fast the
// cancelled command returned (e2e TestSecondSignalExits saw 130 under load).
func TestSecondSignalAsTheCommandEnds(t *testing.T) {
	for range 200 {
		ch := make(chan os.Signal, 2)
		var code int
		ctx, stop := cancelOnSignals(t.Context(), ch, func(c int) { code = c })
		ch <- syscall.SIGINT
		<-ctx.Done()
		ch <- syscall.SIGTERM // pending as the command returns
		stop()
		if code != 143 {
			t.Fatalf("exit code %d when the second signal came as the command ended, want 143", code)
		}
	}
}
