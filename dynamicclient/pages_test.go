package dynamicclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// reply is one answer of a fakeServer: a page of object names with its
// continue token, or an error.
type reply struct {
	names []string
	next  string
	err   error
	// remaining is the server's count of the objects after the page; -1
	// for none.
	remaining int64
}

// fakeServer answers the requests of a pager from a script: for each
// continue token ("" for the first page), the replies in order; the last
// reply repeats.
type fakeServer struct {
	mu     sync.Mutex
	script map[string][]reply
	calls  []string // the continue token of each request
}

func (f *fakeServer) fetch(_ context.Context, o metav1.ListOptions) (*metav1.PartialObjectMetadataList, metav1.ListMeta, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, o.Continue)
	rs, ok := f.script[o.Continue]
	if !ok {
		return nil, metav1.ListMeta{}, fmt.Errorf("unexpected continue token %q", o.Continue)
	}
	r := rs[0]
	if len(rs) > 1 {
		f.script[o.Continue] = rs[1:]
	}
	if r.err != nil {
		return nil, metav1.ListMeta{}, r.err
	}
	l := &metav1.PartialObjectMetadataList{}
	for _, n := range r.names {
		om := metav1.ObjectMeta{Namespace: "ns", Name: n}
		if n == "" {
			om.Namespace = "" // an object without a key
		}
		l.Items = append(l.Items, metav1.PartialObjectMetadata{ObjectMeta: om})
	}
	meta := metav1.ListMeta{Continue: r.next}
	if r.remaining > 0 {
		meta.RemainingItemCount = &r.remaining
	}
	return l, meta, nil
}

// expired is the 410 of an expired continue token; token is the one the
// server offers for an inconsistent continuation ("" for none).
func expired(token string) error {
	err := apierrors.NewResourceExpired("The provided continue parameter is too old to display a consistent list result.")
	err.ErrStatus.ListMeta.Continue = token
	return err
}

// tooMany is a 429 of priority and fairness asking to come back in s seconds.
func tooMany(s int) error {
	return apierrors.NewTooManyRequests("Too many requests, please try again later.", s)
}

// runPager lists with f and returns the names handed on, the warnings, the
// waits asked for and the error.
func runPager(ctx context.Context, f *fakeServer, limit int64) (names []string, warnings string, waits []time.Duration, err error) {
	var buf bytes.Buffer
	p := &pager[*metav1.PartialObjectMetadataList]{resource: "configmaps", fetch: f.fetch,
		keys: metadataKeys, filter: filterMetadata, warnings: &buf,
		wait: func(ctx context.Context, d time.Duration) error {
			waits = append(waits, d)
			return ctx.Err()
		}}
	err = p.list(ctx, metav1.ListOptions{Limit: limit}, func(l *metav1.PartialObjectMetadataList) error {
		for _, it := range l.Items {
			names = append(names, it.Name)
		}
		return nil
	})
	return names, buf.String(), waits, err
}

func TestPager(t *testing.T) {
	const (
		continued = "the rest was read as it is now"
		restarted = "it was read again from the start, skipping the objects already shown"
	)
	tests := []struct {
		name      string
		script    map[string][]reply
		limit     int64
		wantNames []string
		wantWarn  string // a part of the one warning; "" for none
		wantWaits []time.Duration
		wantCalls []string
		wantErr   func(error) bool
	}{{
		name: "pages in order",
		script: map[string][]reply{
			"": {{names: []string{"a", "b"}, next: "t1"}}, "t1": {{names: []string{"c", "d"}, next: "t2"}}, "t2": {{names: []string{"e"}}},
		},
		limit:     2,
		wantNames: []string{"a", "b", "c", "d", "e"},
		wantCalls: []string{"", "t1", "t2"},
	}, {
		name:      "no limit is one request",
		script:    map[string][]reply{"": {{names: []string{"a"}, next: "t1"}}},
		wantNames: []string{"a"},
		wantCalls: []string{""},
	}, {
		name: "410 with a token goes on with it",
		script: map[string][]reply{
			"": {{names: []string{"a", "b"}, next: "t1"}}, "t1": {{err: expired("t1-new")}}, "t1-new": {{names: []string{"c", "d"}}},
		},
		limit:     2,
		wantNames: []string{"a", "b", "c", "d"},
		wantWarn:  continued,
		wantCalls: []string{"", "t1", "t1-new"},
	}, {
		name: "two 410s with tokens warn once",
		script: map[string][]reply{
			"": {{names: []string{"a"}, next: "t1"}}, "t1": {{err: expired("u1")}}, "u1": {{names: []string{"b"}, next: "t2"}},
			"t2": {{err: expired("u2")}}, "u2": {{names: []string{"c"}}},
		},
		limit:     1,
		wantNames: []string{"a", "b", "c"},
		wantWarn:  continued,
		wantCalls: []string{"", "t1", "u1", "t2", "u2"},
	}, {
		name: "410 without a token starts again without duplicates",
		script: map[string][]reply{
			// The second first page has a new object (a2) among the old ones.
			"":   {{names: []string{"a", "b"}, next: "t1"}, {names: []string{"a", "a2"}, next: "r1"}},
			"t1": {{names: []string{"c", "d"}, next: "t2"}}, "t2": {{err: expired("")}},
			"r1": {{names: []string{"b", "c"}, next: "r2"}}, "r2": {{names: []string{"d", "e"}}},
		},
		limit:     2,
		wantNames: []string{"a", "b", "c", "d", "a2", "e"},
		wantWarn:  restarted,
		wantCalls: []string{"", "t1", "t2", "", "r1", "r2"},
	}, {
		name: "410 without a token gives up after its restarts",
		script: map[string][]reply{
			"": {{names: []string{"a"}, next: "t1"}}, "t1": {{err: expired("")}},
		},
		limit:     1,
		wantNames: []string{"a"},
		wantWarn:  restarted,
		wantCalls: []string{"", "t1", "", "t1", "", "t1", "", "t1"},
		wantErr:   apierrors.IsResourceExpired,
	}, {
		name: "objects without a key are never dropped",
		script: map[string][]reply{
			"": {{names: []string{"", "a"}, next: "t1"}, {names: []string{"", "a"}, next: "r1"}}, "t1": {{err: expired("")}},
			"r1": {{names: []string{"b"}}},
		},
		limit:     2,
		wantNames: []string{"", "a", "", "b"},
		wantWarn:  restarted,
		wantCalls: []string{"", "t1", "", "r1"},
	}, {
		name:      "410 of a first page is the list's error",
		script:    map[string][]reply{"": {{err: expired("t")}}},
		limit:     1,
		wantCalls: []string{""},
		wantErr:   apierrors.IsResourceExpired,
	}, {
		name: "429 is tried again after its Retry-After",
		script: map[string][]reply{
			"":   {{err: tooMany(2)}, {err: tooMany(3)}, {names: []string{"a"}, next: "t1"}},
			"t1": {{err: tooMany(1)}, {names: []string{"b"}}},
		},
		limit:     1,
		wantNames: []string{"a", "b"},
		wantWaits: []time.Duration{2 * time.Second, 3 * time.Second, time.Second},
		wantCalls: []string{"", "", "", "t1", "t1"},
	}, {
		name:      "429 without Retry-After waits a second",
		script:    map[string][]reply{"": {{err: tooMany(0)}, {names: []string{"a"}}}},
		limit:     1,
		wantNames: []string{"a"},
		wantWaits: []time.Duration{time.Second},
		wantCalls: []string{"", ""},
	}, {
		name:      "429 gives up after maxTries",
		script:    map[string][]reply{"": {{err: tooMany(1)}}},
		limit:     1,
		wantWaits: []time.Duration{time.Second, time.Second, time.Second, time.Second},
		wantCalls: []string{"", "", "", "", ""},
		wantErr:   apierrors.IsTooManyRequests,
	}, {
		name:      "a dropped connection is tried again",
		script:    map[string][]reply{"": {{err: fmt.Errorf("read: %w", syscall.ECONNRESET)}, {names: []string{"a"}}}},
		limit:     1,
		wantNames: []string{"a"},
		wantWaits: []time.Duration{time.Second},
		wantCalls: []string{"", ""},
	}, {
		name: "a continue token sent twice ends the list",
		script: map[string][]reply{
			"": {{names: []string{"a"}, next: "t1"}}, "t1": {{names: []string{"b"}, next: "t2"}}, "t2": {{names: []string{"c"}, next: "t1"}},
		},
		limit:     1,
		wantNames: []string{"a", "b", "c"},
		wantCalls: []string{"", "t1", "t2"},
		wantErr:   errorSays("the server sent the same continue token twice while listing configmaps: stopped after 3 pages, which would repeat forever"),
	}, {
		name:      "the token of the request sent back ends the list",
		script:    map[string][]reply{"": {{names: []string{"a"}, next: "t1"}}, "t1": {{names: []string{"b"}, next: "t1"}}},
		limit:     1,
		wantNames: []string{"a", "b"},
		wantCalls: []string{"", "t1"},
		wantErr:   errorSays("the server sent the same continue token twice while listing configmaps: stopped after 2 pages, which would repeat forever"),
	}, {
		name: "more pages than the server's count allows end the list",
		script: map[string][]reply{
			"": {{names: []string{"a", "b"}, next: "t1", remaining: 3}}, "t1": {{names: []string{"c", "d"}, next: "t2", remaining: 1}},
			"t2": {{names: []string{"e"}, next: "t3"}}, "t3": {{names: []string{"f"}, next: "t4"}}, "t4": {{names: []string{"g"}, next: "t5"}},
		},
		limit:     2,
		wantNames: []string{"a", "b", "c", "d", "e", "f", "g"},
		wantCalls: []string{"", "t1", "t2", "t3", "t4"},
		wantErr: errorSays("the server sent more pages of configmaps than its count of the objects that remained allowed " +
			"(at most 4, as page 1 said 3 remained in pages of 2): stopped after 5 pages"),
	}, {
		name: "pages within the server's count",
		script: map[string][]reply{
			"": {{names: []string{"a", "b"}, next: "t1", remaining: 3}}, "t1": {{names: []string{"c", "d"}, next: "t2", remaining: 1}},
			"t2": {{names: []string{"e"}}},
		},
		limit:     2,
		wantNames: []string{"a", "b", "c", "d", "e"},
		wantCalls: []string{"", "t1", "t2"},
	}, {
		name:      "a forbidden list is not tried again",
		script:    map[string][]reply{"": {{err: apierrors.NewForbidden(schema.GroupResource{Resource: "configmaps"}, "", errors.New("no"))}}},
		limit:     1,
		wantCalls: []string{""},
		wantErr:   apierrors.IsForbidden,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeServer{script: tt.script}
			names, warnings, waits, err := runPager(context.Background(), f, tt.limit)
			if tt.wantErr == nil && err != nil || tt.wantErr != nil && !tt.wantErr(err) {
				t.Fatalf("got error %v", err)
			}
			if !reflect.DeepEqual(names, tt.wantNames) {
				t.Errorf("got names %q, want %q", names, tt.wantNames)
			}
			if !reflect.DeepEqual(f.calls, tt.wantCalls) {
				t.Errorf("got requests with continue %q, want %q", f.calls, tt.wantCalls)
			}
			if !reflect.DeepEqual(waits, tt.wantWaits) {
				t.Errorf("got waits %v, want %v", waits, tt.wantWaits)
			}
			lines := strings.Count(warnings, "\n")
			switch {
			case tt.wantWarn == "" && warnings != "":
				t.Errorf("got warnings %q, want none", warnings)
			case tt.wantWarn != "" && (lines != 1 || !strings.HasPrefix(warnings, "Warning: the list of configmaps ") || !strings.Contains(warnings, tt.wantWarn)):
				t.Errorf("got warnings %q, want one line about configmaps saying %q", warnings, tt.wantWarn)
			}
		})
	}
}

// errorSays matches an error by its message.
func errorSays(msg string) func(error) bool {
	return func(err error) bool { return err != nil && err.Error() == msg }
}

// TestPagerCancelDuringRetryAfter cancels the context while the pager waits
// for a Retry-After of a minute: the list ends at once with the context's
// error.
func TestPagerCancelDuringRetryAfter(t *testing.T) {
	f := &fakeServer{script: map[string][]reply{"": {{err: tooMany(60)}}}}
	ctx, cancel := context.WithCancel(context.Background())
	p := &pager[*metav1.PartialObjectMetadataList]{resource: "configmaps", fetch: f.fetch,
		keys: metadataKeys, filter: filterMetadata, warnings: io.Discard, wait: sleep}
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	err := p.list(ctx, metav1.ListOptions{Limit: 1}, func(*metav1.PartialObjectMetadataList) error {
		t.Error("got a page, want none")
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got error %v, want %v", err, context.Canceled)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("list returned after %v, want soon after the cancel", d)
	}
	if len(f.calls) != 1 {
		t.Errorf("got %d requests, want 1", len(f.calls))
	}
}

// TestPagerStopsOnFnError checks that an error of fn ends the list and that
// list returns only once the fetching goroutine has ended.
func TestPagerStopsOnFnError(t *testing.T) {
	f := &fakeServer{script: map[string][]reply{"": {{names: []string{"a"}, next: "t1"}}, "t1": {{names: []string{"b"}, next: "t2"}},
		"t2": {{names: []string{"c"}, next: "t3"}}, "t3": {{names: []string{"d"}, next: "t4"}}}}
	p := &pager[*metav1.PartialObjectMetadataList]{resource: "configmaps", fetch: f.fetch,
		keys: metadataKeys, filter: filterMetadata, wait: sleep}
	stop := errors.New("stop")
	pages := 0
	err := p.list(context.Background(), metav1.ListOptions{Limit: 1}, func(*metav1.PartialObjectMetadataList) error {
		if pages++; pages == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Errorf("got error %v, want %v", err, stop)
	}
	f.mu.Lock()
	n := len(f.calls)
	f.mu.Unlock()
	time.Sleep(20 * time.Millisecond)
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) != n {
		t.Errorf("requests went on after list returned: %d, then %d", n, len(f.calls))
	}
}
