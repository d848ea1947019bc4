package cliutil

import (
	"context"

	"github.com/go-logr/logr"
	"k8s.io/klog/v2"
)

// QuietAfterCancel returns ctx with the logger client-go reads from it
// (klog's), whose error logs stop when ctx ends: after Ctrl-C, client-go's
// complaints about the requests it cut ("Unexpected error when reading
// response body") are not printed; the command reports the interruption.
// Verbose (-v) logs are kept.
func QuietAfterCancel(ctx context.Context) context.Context {
	sink := klog.FromContext(ctx).GetSink()
	if sink == nil {
		return ctx
	}
	if cd, ok := sink.(logr.CallDepthLogSink); ok {
		sink = cd.WithCallDepth(1) // the caller is client-go, not quietSink
	}
	return klog.NewContext(ctx, logr.New(quietSink{LogSink: sink, done: ctx.Done()}))
}

// quietSink drops error logs once done is closed.
type quietSink struct {
	logr.LogSink
	done <-chan struct{}
}

func (s quietSink) Init(logr.RuntimeInfo) {} // the wrapped sink is initialized

func (s quietSink) Error(err error, msg string, keysAndValues ...any) {
	select {
	case <-s.done:
	default:
		s.LogSink.Error(err, msg, keysAndValues...)
	}
}

func (s quietSink) WithValues(keysAndValues ...any) logr.LogSink {
	return quietSink{LogSink: s.LogSink.WithValues(keysAndValues...), done: s.done}
}

func (s quietSink) WithName(name string) logr.LogSink {
	return quietSink{LogSink: s.LogSink.WithName(name), done: s.done}
}

func (s quietSink) WithCallDepth(depth int) logr.LogSink {
	if cd, ok := s.LogSink.(logr.CallDepthLogSink); ok {
		return quietSink{LogSink: cd.WithCallDepth(depth), done: s.done}
	}
	return s
}
