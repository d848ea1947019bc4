package cliutil

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/go-logr/logr/funcr"
	"k8s.io/klog/v2"
)

// TestQuietAfterCancel: client-go's error logs are written until the
// context ends, and dropped after; verbose logs are kept.
func TestQuietAfterCancel(t *testing.T) {
	var logged []string
	base := funcr.New(func(prefix, args string) { logged = append(logged, args) }, funcr.Options{Verbosity: 6})
	ctx, cancel := context.WithCancel(klog.NewContext(context.Background(), base))
	logger := klog.FromContext(QuietAfterCancel(ctx)).WithName("client")
	logger.Error(errors.New("boom"), "before")
	cancel()
	logger.Error(errors.New("context canceled"), "Unexpected error when reading response body")
	logger.WithValues("k", "v").Error(errors.New("context canceled"), "after, with values")
	logger.V(6).Info("verbose after")
	got := strings.Join(logged, "\n")
	if !strings.Contains(got, `"before"`) || !strings.Contains(got, `"verbose after"`) || strings.Contains(got, "after, with values") || strings.Contains(got, "Unexpected error") {
		t.Errorf("logged:\n%s\nwant the error before the cancel and the verbose log, nothing else", got)
	}
}
