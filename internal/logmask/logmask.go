// Package logmask keeps credentials and Secret values out of kdx's logs.
//
// client-go logs every request from -v=6 (its URL), headers from -v=7 and
// request and response bodies from -v=8 (cut at 1 KiB, at 10 KiB with -v=9,
// whole with -v=10). It masks the Authorization header itself; the rest is
// masked here, on every line klog writes, whoever logs it:
//
//   - the password of a URL (https://admin:PASS@host): PASS becomes xxxxx,
//     as url.URL.Redacted writes it;
//   - in a logged body, the values of a Secret's data and stringData and
//     its kubectl.kubernetes.io/last-applied-configuration annotation
//     become "***" (keys are kept, as kubectl diff keeps them), and so do
//     those of a body that does not say its kind (a patch, a cut body),
//     and the value of a JSON patch operation on /data or /stringData.
package logmask

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/go-logr/logr"
	"k8s.io/klog/v2"
	"k8s.io/klog/v2/textlogger"
)

// Install makes every klog line, structured (client-go's request logs) or
// not, go to w masked. klog's -v still decides what is logged. It changes
// klog's global logger: call it once, before logging starts.
func Install(w io.Writer) {
	text := textlogger.NewLogger(textlogger.NewConfig(textlogger.Output(w), textlogger.Verbosity(math.MaxInt32)))
	klog.SetLoggerWithOptions(logr.New(&sink{next: text.GetSink()}),
		klog.ContextualLogger(true),
		// klog's own lines (Infof) come formatted, header included
		klog.WriteKlogBuffer(func(b []byte) { _, _ = io.WriteString(w, URLs(string(b))) }))
}

// sink is a logr.LogSink that masks the message and values of each entry
// and hands them to next (klog's text format). Verbosity is klog's -v.
type sink struct {
	next logr.LogSink
}

var _ logr.CallDepthLogSink = (*sink)(nil)

func (s *sink) Init(info logr.RuntimeInfo) {
	info.CallDepth++ // this sink's frame
	s.next.Init(info)
}

func (s *sink) Enabled(level int) bool {
	return klog.V(klog.Level(level)).Enabled()
}

func (s *sink) Info(level int, msg string, kv ...any) {
	s.next.Info(level, URLs(msg), maskValues(kv)...)
}

func (s *sink) Error(err error, msg string, kv ...any) {
	if err != nil {
		if m := URLs(err.Error()); m != err.Error() {
			err = errors.New(m)
		}
	}
	s.next.Error(err, URLs(msg), maskValues(kv)...)
}

func (s *sink) WithValues(kv ...any) logr.LogSink {
	return &sink{next: s.next.WithValues(maskValues(kv)...)}
}

func (s *sink) WithName(name string) logr.LogSink {
	return &sink{next: s.next.WithName(name)}
}

func (s *sink) WithCallDepth(depth int) logr.LogSink {
	if cd, ok := s.next.(logr.CallDepthLogSink); ok {
		return &sink{next: cd.WithCallDepth(depth)}
	}
	return s
}

// bodyKey is the key of the body in client-go's "Request Body" and
// "Response Body" entries.
const bodyKey = "body"

// maskValues is kv with every value masked (see Value); kv itself is left
// as it is.
func maskValues(kv []any) []any {
	out := make([]any, len(kv))
	copy(out, kv)
	for i := 1; i < len(out); i += 2 {
		key, _ := out[i-1].(string)
		out[i] = Value(key, out[i])
	}
	return out
}

// Value is v, the value of key in a log entry, masked: URL passwords in
// any text, and Secret values in a body (see Body). A value that holds
// nothing to mask is returned as it is; one that does is returned as a
// string.
func Value(key string, v any) any {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	case error:
		s = safeString(v.Error)
	case fmt.Stringer:
		s = safeString(v.String)
	default:
		return v
	}
	m := URLs(s)
	if key == bodyKey {
		m = Body(m)
	}
	if m == s {
		return v
	}
	return m
}

// safeString is f(), or "" when f panics (a nil pointer's String).
func safeString(f func() string) (s string) {
	defer func() {
		if recover() != nil {
			s = ""
		}
	}()
	return f()
}
