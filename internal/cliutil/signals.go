package cliutil

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// NotifyContext is signal.NotifyContext for SIGINT and SIGTERM as kubectl
// and most Go command-line tools take them: the first cancels ctx, which
// ends everything the command does (a read of -f input included) and lets
// it report what was left undone; a second one exits at once with
// 128+signal (130 for SIGINT, 143 for SIGTERM), calling exit. stop
// releases the signals.
func NotifyContext(parent context.Context, exit func(code int)) (ctx context.Context, stop func()) {
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	ctx, release := cancelOnSignals(parent, ch, exit)
	return ctx, func() {
		signal.Stop(ch)
		release()
	}
}

// cancelOnSignals cancels ctx at the first signal of ch and calls exit at
// the second. A second signal that came while the command was ending (the
// release function runs as it returns) still exits with its code: two
// signals sent at once end kdx as the second says, however quickly the
// first one's cancellation was done.
func cancelOnSignals(parent context.Context, ch <-chan os.Signal, exit func(code int)) (context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		select {
		case <-ch:
			cancel()
		case <-done:
			return
		}
		select {
		case sig := <-ch:
			exit(SignalExitCode(sig))
		case <-done:
			select {
			case sig := <-ch: // came as the command ended
				exit(SignalExitCode(sig))
			default:
			}
		}
	}()
	return ctx, func() {
		close(done)
		<-finished
		cancel()
	}
}

// SignalExitCode is the exit code of a process killed by sig, as shells
// report it: 128 plus the signal's number.
func SignalExitCode(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 1
}
