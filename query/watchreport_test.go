package query

import (
	"bytes"
	"errors"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/internal/cliutil"
)

func stoppedNotice(i int, resource string, err error) dynamicclient.Notice {
	return dynamicclient.Notice{Kind: dynamicclient.NoticeStopped, Source: i, Resource: resource, Err: err}
}

func TestWatchReport(t *testing.T) {
	forbidden := func(r string) error {
		return apierrors.NewForbidden(schema.GroupResource{Resource: r}, "", errors.New("no"))
	}
	gone := apierrors.NewNotFound(schema.GroupResource{Resource: "gadgets"}, "")

	t.Run("every type: stops folded by cause, in type order, once synced", func(t *testing.T) {
		var out bytes.Buffer
		r := NewWatchReport(&out, WatchReportOptions{AllTypes: true, Stops: true})
		r.Notify(stoppedNotice(2, "secrets", forbidden("secrets")))
		r.Notify(stoppedNotice(1, "configmaps", forbidden("configmaps")))
		r.Notify(stoppedNotice(3, "gadgets.multi.example.org", gone))
		if out.Len() != 0 {
			t.Fatalf("reported before every type started: %q", out.String())
		}
		r.Synced()
		want := "error: could not watch 2 types (forbidden): configmaps, secrets\n"
		if out.String() != want {
			t.Errorf("report = %q, want %q", out.String(), want)
		}
		if code := cliutil.ExitCode(r.Result(nil)); code != 1 {
			t.Errorf("exit %d, want 1", code)
		}
	})
	t.Run("every type, forbidden ignored: nothing to say, exit 0", func(t *testing.T) {
		var out bytes.Buffer
		r := NewWatchReport(&out, WatchReportOptions{AllTypes: true, IgnoreForbidden: true, Stops: true})
		r.Notify(stoppedNotice(0, "secrets", forbidden("secrets")))
		r.Synced()
		if out.Len() != 0 || r.Result(nil) != nil {
			t.Errorf("out %q, result %v", out.String(), r.Result(nil))
		}
		if err := r.Result(dynamicclient.ErrNothingWatched); !errors.Is(err, ErrNothingWatched) {
			t.Errorf("nothing watched: %v", err)
		}
	})
	t.Run("named types: one warning per stop, exit 1", func(t *testing.T) {
		var out bytes.Buffer
		r := NewWatchReport(&out, WatchReportOptions{Stops: true})
		r.Notify(stoppedNotice(0, "gadgets.multi.example.org", gone))
		if want := "Warning: stopped watching gadgets.multi.example.org: "; !bytes.HasPrefix(out.Bytes(), []byte(want)) {
			t.Errorf("out = %q, want prefix %q", out.String(), want)
		}
		if code := cliutil.ExitCode(r.Result(nil)); code != 1 {
			t.Errorf("exit %d, want 1", code)
		}
	})
}
