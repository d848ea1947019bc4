// Command watchload measures how well `kdx watch -o jsonl` keeps up with a
// writer: it starts kdx, creates -count ConfigMaps in a new namespace as fast
// as the server takes them (then -rounds of updates to all of them), reads
// kdx's event lines and prints one tab-separated line: events per second,
// the lag of the last event after the last write, and kdx's RSS after the
// first round and after the last (a flat RSS does not grow with events).
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kdxproject/kdx/internal/bench"
)

// options are the flags of watchload.
type options struct {
	kdx     string
	count   int
	rounds  int
	workers int
	timeout time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.kdx, "kdx", "kdx", "the kdx binary")
	flag.IntVar(&o.count, "count", 10000, "objects to create")
	flag.IntVar(&o.rounds, "rounds", 3, "rounds of updates of every object after the creations")
	flag.IntVar(&o.workers, "workers", 64, "concurrent writers")
	flag.DurationVar(&o.timeout, "timeout", 10*time.Minute, "give up after this long")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintf(os.Stderr, "watchload: %v\n", err)
		os.Exit(1)
	}
}

func run(o options) error {
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(clientcmd.NewDefaultClientConfigLoadingRules(), nil).ClientConfig()
	if err != nil {
		return err
	}
	cfg.QPS, cfg.Burst = -1, 1000
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	ns := fmt.Sprintf("kdx-bench-watch-%d", time.Now().UnixNano()%1_000_000)
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		return err
	}
	defer cs.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{}) //nolint:errcheck
	r, err := startReader(ctx, o.kdx, ns)
	if err != nil {
		return err
	}
	defer r.stop()
	time.Sleep(2 * time.Second) // the watch is established
	start := time.Now()
	lastWrite, err := bench.WriteAll(ctx, o.count, o.workers, func(ctx context.Context, i int) error {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "cm-" + strconv.Itoa(i)}, Data: map[string]string{"v": "0"}}
		_, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, cm, metav1.CreateOptions{})
		return err
	})
	if err != nil {
		return err
	}
	lastEvent, err := r.waitFor(ctx, int64(o.count))
	if err != nil {
		return err
	}
	rssFirst := r.rss()
	for round := 1; round <= o.rounds; round++ {
		if _, err := bench.WriteAll(ctx, o.count, o.workers, func(ctx context.Context, i int) error {
			patch := fmt.Sprintf(`{"data":{"v":"%d"}}`, round)
			_, err := cs.CoreV1().ConfigMaps(ns).Patch(ctx, "cm-"+strconv.Itoa(i), "application/merge-patch+json", []byte(patch), metav1.PatchOptions{})
			return err
		}); err != nil {
			return err
		}
		if _, err := r.waitFor(ctx, int64(o.count*(round+1))); err != nil {
			return err
		}
	}
	rate := float64(o.count) / lastEvent.Sub(start).Seconds()
	lag := lastEvent.Sub(lastWrite).Seconds()
	fmt.Printf("%.0f\t%.3f\t%.1f\t%.1f\t%d\n", rate, lag, rssFirst, r.rss(), r.lines.Load())
	return nil
}

// reader runs kdx watch and counts its lines.
type reader struct {
	cmd   *exec.Cmd
	lines atomic.Int64
	// last is the arrival time of the last line, in Unix nanoseconds.
	last atomic.Int64
	done chan struct{}
}

func startReader(ctx context.Context, kdx, ns string) (*reader, error) {
	r := &reader{done: make(chan struct{})}
	r.cmd = exec.CommandContext(ctx, kdx, "watch", "configmaps", "-n", ns, "-o", "jsonl", "--watch-only")
	r.cmd.Stderr = os.Stderr
	out, err := r.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := r.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		defer close(r.done)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			r.last.Store(time.Now().UnixNano())
			r.lines.Add(1)
		}
	}()
	return r, nil
}

// waitFor waits until n lines arrived and returns when the last did.
func (r *reader) waitFor(ctx context.Context, n int64) (time.Time, error) {
	for r.lines.Load() < n {
		select {
		case <-ctx.Done():
			return time.Time{}, fmt.Errorf("kdx printed %d of %d events: %w", r.lines.Load(), n, ctx.Err())
		case <-r.done:
			return time.Time{}, errors.New("kdx watch ended early")
		case <-time.After(5 * time.Millisecond):
		}
	}
	return time.Unix(0, r.last.Load()), nil
}

// rss is kdx's peak resident set size in MB (VmHWM).
func (r *reader) rss() float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", r.cmd.Process.Pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return -1
}

func (r *reader) stop() {
	_ = r.cmd.Process.Kill()
	<-r.done
	_ = r.cmd.Wait()
}
