package query

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// gatedWork is n pieces of work, each of which waits for its gate, then
// returns its index; started and finished tell the test where each is.
type gatedWork struct {
	gates, started, finished []chan struct{}
	running, maxRunning      atomic.Int32
}

func newGatedWork(n int) *gatedWork {
	g := &gatedWork{}
	for range n {
		g.gates = append(g.gates, make(chan struct{}))
		g.started = append(g.started, make(chan struct{}))
		g.finished = append(g.finished, make(chan struct{}))
	}
	return g
}

func (g *gatedWork) work(ctx context.Context, i int) int {
	n := g.running.Add(1)
	for m := g.maxRunning.Load(); n > m && !g.maxRunning.CompareAndSwap(m, n); m = g.maxRunning.Load() {
	}
	close(g.started[i])
	defer close(g.finished[i])
	defer g.running.Add(-1)
	select {
	case <-g.gates[i]:
	case <-ctx.Done():
	}
	return i
}

// release lets work i finish and waits until it has.
func (g *gatedWork) release(t *testing.T, i int) {
	t.Helper()
	wait(t, g.started[i], "work to start")
	close(g.gates[i])
	wait(t, g.finished[i], "work to finish")
}

func TestOrderedEmitsInSubmissionOrder(t *testing.T) {
	perm := rand.New(rand.NewPCG(1, 2)).Perm(8)
	tests := []struct {
		name    string
		limit   int
		release []int // order in which the work is let finish
	}{
		{"reverse, all at once", 8, []int{7, 6, 5, 4, 3, 2, 1, 0}},
		{"random, all at once", 8, perm},
		{"reverse within waves of 4", 4, []int{3, 2, 1, 0, 7, 6, 5, 4}},
		{"one at a time", 1, []int{0, 1, 2, 3, 4, 5, 6, 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer noLeak(t)()
			g := newGatedWork(8)
			var mu sync.Mutex
			var got []int
			errc := make(chan error, 1)
			go func() {
				errc <- Ordered(context.Background(), 8, tt.limit, g.work, func(i, v int) error {
					if i != v {
						t.Errorf("emit(%d, %d): index and result differ", i, v)
					}
					mu.Lock()
					defer mu.Unlock()
					got = append(got, v)
					return nil
				})
			}()
			for i := range tt.limit { // the first wave is all running
				wait(t, g.started[i], "work to start")
			}
			for _, i := range tt.release {
				g.release(t, i)
			}
			if err := <-errc; err != nil {
				t.Fatalf("Ordered: %v", err)
			}
			if want := []int{0, 1, 2, 3, 4, 5, 6, 7}; !slices.Equal(got, want) {
				t.Errorf("emitted %v, want %v", got, want)
			}
			if got := g.maxRunning.Load(); got != int32(tt.limit) {
				t.Errorf("at most %d ran at once, want %d", got, tt.limit)
			}
		})
	}
}

// TestOrderedNeverAboveLimit runs quick work many times and checks that no
// more than limit pieces ever run at once.
func TestOrderedNeverAboveLimit(t *testing.T) {
	for _, limit := range []int{0, 1, 3, 16} {
		var running, peak atomic.Int32
		var emitted int
		err := Ordered(context.Background(), 200, limit, func(ctx context.Context, i int) int {
			n := running.Add(1)
			for m := peak.Load(); n > m && !peak.CompareAndSwap(m, n); m = peak.Load() {
			}
			defer running.Add(-1)
			if i%7 == 0 {
				time.Sleep(time.Microsecond) // uneven work, not pacing
			}
			return i
		}, func(i, v int) error {
			if i != emitted || v != i {
				t.Errorf("emit(%d, %d) after %d emits", i, v, emitted)
			}
			emitted++
			return nil
		})
		if err != nil {
			t.Fatalf("limit %d: %v", limit, err)
		}
		if want := int32(max(limit, 1)); peak.Load() > want {
			t.Errorf("limit %d: %d ran at once", limit, peak.Load())
		}
		if emitted != 200 {
			t.Errorf("limit %d: %d emitted, want 200", limit, emitted)
		}
	}
}

func TestOrderedZeroWork(t *testing.T) {
	err := Ordered(context.Background(), 0, 4, func(context.Context, int) int { t.Error("work called"); return 0 },
		func(int, int) error { t.Error("emit called"); return nil })
	if err != nil {
		t.Errorf("Ordered of nothing: %v", err)
	}
}

// TestRunnerGoBlocksOnWindow: with emit stuck, Go returns while there is
// room in the window and blocks once window results wait.
func TestRunnerGoBlocksOnWindow(t *testing.T) {
	defer noLeak(t)()
	emitting := make(chan int, 10)
	unblock := make(chan struct{})
	r := NewRunner(context.Background(), 1, 2, func(v int) error {
		emitting <- v
		<-unblock
		return nil
	})
	quick := func(v int) func(context.Context) int { return func(context.Context) int { return v } }
	if err := r.Go(quick(0)); err != nil {
		t.Fatal(err)
	}
	select { // result 0 is being emitted: the window is empty again
	case <-emitting:
	case <-time.After(guard):
		t.Fatal("emit(0) not called")
	}
	for v := 1; v <= 2; v++ { // fills the window
		if err := r.Go(quick(v)); err != nil {
			t.Fatal(err)
		}
	}
	returned := make(chan error, 1)
	go func() { returned <- r.Go(quick(3)) }()
	select {
	case err := <-returned:
		t.Fatalf("Go returned (%v) while 2 results waited in a window of 2", err)
	case <-time.After(50 * time.Millisecond): // blocked, as it must be
	}
	close(unblock)
	select {
	case err := <-returned:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(guard):
		t.Fatal("Go still blocked once emit went on")
	}
	if err := r.Wait(); err != nil {
		t.Fatal(err)
	}
	var got []int
	for len(emitting) > 0 {
		got = append(got, <-emitting)
	}
	if want := []int{1, 2, 3}; !slices.Equal(got, want) {
		t.Errorf("emitted after 0: %v, want %v", got, want)
	}
}

// TestOrderedEmitErrorStops: emit's error ends the run: nothing more is
// emitted, running work sees its context end, later work never starts.
func TestOrderedEmitErrorStops(t *testing.T) {
	defer noLeak(t)()
	const n, limit = 10, 2
	var mu sync.Mutex
	var started, emitted []int
	var sawDone atomic.Int32
	err := Ordered(context.Background(), n, limit, func(ctx context.Context, i int) int {
		mu.Lock()
		started = append(started, i)
		mu.Unlock()
		if i >= 2 { // runs until the runner stops
			select {
			case <-ctx.Done():
				sawDone.Add(1)
			case <-time.After(guard):
				t.Errorf("work %d: context not cancelled", i)
			}
		}
		return i
	}, func(i, v int) error {
		emitted = append(emitted, i)
		if i == 1 {
			return errBoom
		}
		return nil
	})
	if !errors.Is(err, errBoom) {
		t.Errorf("Ordered = %v, want %v", err, errBoom)
	}
	if want := []int{0, 1}; !slices.Equal(emitted, want) {
		t.Errorf("emitted %v, want %v", emitted, want)
	}
	mu.Lock()
	defer mu.Unlock()
	// 2 and 3 may have started in the slots 0 and 1 left; they hold them
	// until the stop, so nothing after them can start.
	if slices.Max(started) > 3 {
		t.Errorf("started %v: work after the stop started", started)
	}
	if got, want := int(sawDone.Load()), len(started)-2; got != want {
		t.Errorf("%d running pieces saw ctx.Done, want %d", got, want)
	}
}

// TestRunnerGoAfterStop: once stopped, Go starts nothing and returns the
// runner's error.
func TestRunnerGoAfterStop(t *testing.T) {
	defer noLeak(t)()
	emitted := make(chan struct{})
	r := NewRunner(context.Background(), 2, 2, func(int) error { close(emitted); return errBoom })
	if err := r.Go(func(context.Context) int { return 0 }); err != nil {
		t.Fatal(err)
	}
	wait(t, emitted, "emit")
	deadline := time.Now().Add(guard)
	for r.Err() == nil { // the stop is recorded as emit returns
		if time.Now().After(deadline) {
			t.Fatal("emit's error not recorded")
		}
		time.Sleep(time.Millisecond)
	}
	if err := r.Go(func(context.Context) int { t.Error("work started after the stop"); return 2 }); !errors.Is(err, errBoom) {
		t.Errorf("Go after the stop = %v, want %v", err, errBoom)
	}
	if err := r.Wait(); !errors.Is(err, errBoom) {
		t.Errorf("Wait = %v, want %v", err, errBoom)
	}
}

// TestOrderedCancel: cancelling the context ends running work, returns
// context.Canceled and leaves no goroutine.
func TestOrderedCancel(t *testing.T) {
	defer noLeak(t)()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	g := newGatedWork(10)
	var emitted atomic.Int32
	errc := make(chan error, 1)
	go func() {
		errc <- Ordered(ctx, 10, 3, g.work, func(int, int) error { emitted.Add(1); return nil })
	}()
	for i := range 3 {
		wait(t, g.started[i], "work to start")
	}
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Ordered = %v, want %v", err, context.Canceled)
		}
	case <-time.After(guard):
		t.Fatal("Ordered did not return after cancel")
	}
	for i := range 3 {
		wait(t, g.finished[i], "running work to see ctx.Done")
	}
	for i := 3; i < 10; i++ {
		select {
		case <-g.started[i]:
			t.Errorf("work %d started after the cancel", i)
		default:
		}
	}
	if n := emitted.Load(); n != 0 {
		t.Errorf("%d results emitted after the cancel, want 0", n)
	}
}

// TestRunnerGoAfterCancelStartsNothing: Go on a runner whose context has
// ended must not start the work.
func TestRunnerGoAfterCancelStartsNothing(t *testing.T) {
	defer noLeak(t)()
	var starts int
	for range 100 {
		ctx, cancel := context.WithCancel(context.Background())
		r := NewRunner(ctx, 4, 4, func(int) error { return nil })
		cancel()
		err := r.Go(func(context.Context) int { starts++; return 0 })
		if werr := r.Wait(); !errors.Is(werr, context.Canceled) {
			t.Errorf("Wait = %v, want %v (Go returned %v)", werr, context.Canceled, err)
		}
	}
	if starts > 0 {
		t.Errorf("work started %d times in 100 after its context was cancelled", starts)
	}
}

func TestNewRunnerLimits(t *testing.T) {
	tests := []struct{ limit, window, wantSem, wantQueue int }{
		{0, 0, 1, 1},
		{-3, 10, 1, 10},
		{4, 2, 4, 4},
		{4, 100, 4, 100},
	}
	for _, tt := range tests {
		r := NewRunner(context.Background(), tt.limit, tt.window, func(int) error { return nil })
		if cap(r.sem) != tt.wantSem || cap(r.queue) != tt.wantQueue {
			t.Errorf("NewRunner(%d, %d): limit %d, window %d; want %d, %d", tt.limit, tt.window, cap(r.sem), cap(r.queue), tt.wantSem, tt.wantQueue)
		}
		if err := r.Wait(); err != nil {
			t.Error(err)
		}
	}
}
