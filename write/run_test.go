package write

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestRunOrderedSameObject checks that writes of one object run one after
// the other in input order, while other objects run concurrently.
func TestRunOrderedSameObject(t *testing.T) {
	tasks := make([]Task, 90)
	for i := range tasks {
		ref := cmRef
		ref.Name = []string{"a", "b", "c"}[i%3]
		tasks[i] = Task{Ref: ref, Source: strconv.Itoa(i)}
	}
	var mu sync.Mutex // guards running and order
	running := map[string]int{}
	order := map[string][]int{}
	var inFlight, peak atomic.Int32
	op := func(_ context.Context, task Task) Result {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		mu.Lock()
		running[task.Ref.Name]++
		if running[task.Ref.Name] > 1 {
			task.Source += " ran beside another write of " + task.Ref.Name
		}
		i, _ := strconv.Atoi(task.Source)
		order[task.Ref.Name] = append(order[task.Ref.Name], i)
		mu.Unlock()
		time.Sleep(time.Duration(rand.IntN(1000)) * time.Microsecond)
		mu.Lock()
		running[task.Ref.Name]--
		mu.Unlock()
		return Result{Task: task, Action: ActionApplied}
	}
	var got []string
	RunOrdered(context.Background(), tasks, 8, op, func(r Result) { got = append(got, r.Task.Source) })
	for i, src := range got {
		if src != strconv.Itoa(i) {
			t.Errorf("result %d is from task %q, want %d", i, src, i)
		}
	}
	for name, idx := range order {
		for k := 1; k < len(idx); k++ {
			if idx[k] < idx[k-1] {
				t.Errorf("writes of %s ran in the order %v, want input order", name, idx)
				break
			}
		}
	}
	if len(got) != len(tasks) || peak.Load() < 2 || peak.Load() > 3 {
		t.Errorf("%d results, peak concurrency %d (want 2 or 3: one per object)", len(got), peak.Load())
	}
}

// TestRunOrderedInterrupted checks that a cancel while a write of an object
// waits for an earlier one of the same object fails the waiting one and
// every one not started, in order.
func TestRunOrderedInterrupted(t *testing.T) {
	tasks := make([]Task, 5)
	for i := range tasks {
		tasks[i] = Task{Ref: cmRef, Source: strconv.Itoa(i)}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	op := func(ctx context.Context, t Task) Result {
		cancel()
		<-ctx.Done()
		return Result{Task: t, Err: ctx.Err()}
	}
	var got []string
	RunOrdered(ctx, tasks, 4, op, func(r Result) {
		got = append(got, fmt.Sprintf("%s:%v", r.Task.Source, r.Err))
	})
	want := "[0:context canceled 1:context canceled 2:context canceled 3:context canceled 4:context canceled]"
	if fmt.Sprint(got) != want {
		t.Errorf("got %v, want %s", got, want)
	}
}

func TestWarnTwice(t *testing.T) {
	other := cmRef
	other.Name = "other"
	nameless := cmRef
	nameless.Name = ""
	v1 := gadgetRef
	v1.GVR.Version, v1.GVK.Version = "v1", "v1"
	jobs := []job{
		{task: Task{Ref: cmRef, Source: "f.yaml document 1 (line 1)"}},
		{task: Task{Ref: other, Source: "f.yaml document 2 (line 5)"}},
		{task: Task{Ref: gadgetRef, Source: "g.yaml document 1 (line 1)"}},
		{task: Task{Ref: cmRef, Source: "f.yaml document 3 (line 9)"}},
		{task: Task{Ref: nameless}}, {task: Task{Ref: nameless}},
		{task: Task{Ref: cmRef}, failed: &Result{}},
		{task: Task{Ref: v1, Source: "g.yaml document 2 (line 7)"}},
		{task: Task{Ref: cmRef, Source: "f.yaml document 4 (line 13)"}},
		{task: Task{Ref: nsRef, Source: "ns.yaml document 1 (line 1)"}},
		{task: Task{Ref: nsRef, Source: "ns.yaml document 2 (line 4)"}},
	}
	var got []string
	b := &Batch{Verb: "apply", Warn: func(msg string) { got = append(got, msg) }}
	b.warnTwice(jobs)
	want := []string{
		"the input names configmap/c in namespace ns 3 times (f.yaml document 1 (line 1), f.yaml document 3 (line 9), f.yaml document 4 (line 13)): they are written in input order, so the last one wins",
		"the input names gadget.multi.example.org/g in namespace ns twice (g.yaml document 1 (line 1), g.yaml document 2 (line 7)): they are written in input order, so the last one wins",
		"the input names namespace/ns twice (ns.yaml document 1 (line 1), ns.yaml document 2 (line 4)): they are written in input order, so the last one wins",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("warnings:\n%s\nwant:\n%s", got, want)
	}
}

func TestWarnTwiceDelete(t *testing.T) {
	var got []string
	b := &Batch{Verb: "delete", Warn: func(msg string) { got = append(got, msg) }}
	b.warnTwice([]job{{task: Task{Ref: nsRef}}, {task: Task{Ref: nsRef}}})
	want := "[the input names namespace/ns twice: they are written one after the other, in input order]"
	if fmt.Sprint(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
