package testenv

import (
	"context"
	"flag"
	"testing"
	"time"
)

// TestTakeAloneWaitsAtMaxAlone: with Options.MaxAlone control planes held,
// takeAlone starts none: it waits until one is handed back and hands that
// one over. (Not parallel: it sets the package's shared state, which no
// other test reads while the serial tests run.)
func TestTakeAloneWaitsAtMaxAlone(t *testing.T) {
	shared.mu.Lock()
	saved := struct {
		main           bool
		ctx            context.Context
		opts           Options
		aloneAll, free []*Env
		starting       int
	}{shared.main, shared.ctx, shared.opts, shared.aloneAll, shared.aloneFree, shared.aloneStarting}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel() // a start, which must not happen, fails at once
	held := &Env{}
	shared.main, shared.ctx = true, cancelled
	shared.opts.MaxAlone = 1
	shared.aloneAll, shared.aloneFree, shared.aloneStarting = []*Env{held}, nil, 0
	if shared.aloneFreed.L == nil { // under -short Main sets up nothing
		shared.aloneFreed.L = &shared.mu
	}
	shared.mu.Unlock()
	t.Cleanup(func() {
		shared.mu.Lock()
		defer shared.mu.Unlock()
		shared.main, shared.ctx, shared.opts = saved.main, saved.ctx, saved.opts
		shared.aloneAll, shared.aloneFree, shared.aloneStarting = saved.aloneAll, saved.free, saved.starting
	})

	type taken struct {
		env *Env
		err error
	}
	got := make(chan taken, 1)
	go func() {
		env, err := takeAlone()
		got <- taken{env, err}
	}()
	select {
	case g := <-got:
		t.Fatalf("with the one control plane allowed held, takeAlone returned %v, %v; want it to wait", g.env, g.err)
	case <-time.After(200 * time.Millisecond):
	}
	handBackAlone(held)
	select {
	case g := <-got:
		if g.env != held || g.err != nil {
			t.Errorf("takeAlone returned %p, %v; want the control plane handed back, %p", g.env, g.err, held)
		}
	case <-time.After(time.Minute):
		t.Fatal("takeAlone still waits after a control plane was handed back")
	}
}

// TestSetParallel: Options.Parallel sets -test.parallel, unless the
// command line set it; zero leaves it alone.
func TestSetParallel(t *testing.T) {
	f := flag.Lookup("test.parallel")
	before := f.Value.String()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	t.Cleanup(func() { _ = f.Value.Set(before) })
	if err := setParallel(0); err != nil || f.Value.String() != before {
		t.Errorf("setParallel(0): %v, -test.parallel %s; want it left at %s", err, f.Value, before)
	}
	if err := setParallel(7); err != nil {
		t.Fatal(err)
	}
	want := "7"
	if given {
		want = before
	}
	if f.Value.String() != want {
		t.Errorf("after setParallel(7), -test.parallel is %s, want %s (given on the command line: %v)", f.Value, want, given)
	}
}
