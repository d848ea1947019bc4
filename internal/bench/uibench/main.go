// Command uibench measures an explorer of `configmaps -A` (kdx ui, and k9s
// beside it) the way a user sees it: the real binary under a
// pseudo-terminal (internal/ttytest), its screen read by a terminal
// emulator. Per run it times, from the start of the process:
//
//   - first: the first ConfigMap row on screen;
//   - whole: the whole list loaded and its last row reachable: the title's
//     count equals the number of ConfigMaps listed, then G (end) shows the
//     last row;
//
// and then, from the keystroke:
//
//   - filter: "/" and the name of one ConfigMap typed, until the title's
//     count says the rows that match.
//
// Then, once per explorer (both at once, seeing the same writes), the peak
// RSS (VmHWM) after -live of live updates, one write a second. It prints
// one line per explorer:
//
//	NAME first=S whole=S filter=S rss=MB total=N
//
// (medians of -runs runs; "-" for what failed, with the reason on stderr).
// It reports; it never judges.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kdxproject/kdx/internal/ttytest"
)

type options struct {
	kdx, k9s, kubeconfig, work string
	runs, cols, rows           int
	live, timeout              time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.kdx, "kdx", "", "the kdx binary")
	flag.StringVar(&o.k9s, "k9s", "", "the k9s binary (none: kdx alone)")
	flag.StringVar(&o.kubeconfig, "kubeconfig", os.Getenv("KUBECONFIG"), "the server's kubeconfig")
	flag.StringVar(&o.work, "work", "", "scratch directory (homes and caches of the explorers)")
	flag.IntVar(&o.runs, "runs", 5, "measured runs of each explorer (after one warm-up run)")
	flag.IntVar(&o.cols, "cols", 200, "terminal columns")
	flag.IntVar(&o.rows, "rows", 50, "terminal rows")
	flag.DurationVar(&o.live, "live", 5*time.Minute, "live updates (one write a second) before the peak RSS is read; 0: no RSS")
	flag.DurationVar(&o.timeout, "timeout", 60*time.Second, "how long one wait of one run may take")
	flag.Parse()
	if o.kdx == "" || o.kubeconfig == "" || o.work == "" {
		fmt.Fprintln(os.Stderr, "uibench: -kdx, -kubeconfig and -work are required")
		os.Exit(2)
	}
	if err := run(o); err != nil {
		fmt.Fprintf(os.Stderr, "uibench: %v\n", err)
		os.Exit(1)
	}
}

// explorer is one program measured: how it is started and how its screen
// says what it shows.
type explorer struct {
	name string
	// command is the process, started in home.
	command func(home string) *exec.Cmd
	// count is the number of rows its title says, and whether it is still
	// listing; ok false when the title is not there.
	count func(screen string) (n int, listing, ok bool)
	// filtered says whether the screen shows the rows of a filter: n rows.
	filtered func(screen string, n int) bool
	// last is the name of the last row in its order.
	last string
}

// the data of the server: every ConfigMap's name, the total, the filter.
type data struct {
	names  map[string]bool
	total  int
	filter string
	match  int
}

func run(o options) error {
	d, err := list(o.kubeconfig)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "uibench: %d ConfigMaps; filter /%s (%d rows)\n", d.total, d.filter, d.match)
	explorers := []*explorer{kdx(o, d)}
	if o.k9s != "" {
		explorers = append(explorers, k9s(o, d))
	}
	type result struct{ first, whole, filter []float64 }
	results := make([]result, len(explorers))
	for i, e := range explorers {
		for r := 0; r <= o.runs; r++ {
			first, whole, filter, err := once(o, d, e, filepath.Join(o.work, e.name))
			if err != nil {
				fmt.Fprintf(os.Stderr, "uibench: %s run %d: %v\n", e.name, r, err)
				continue
			}
			fmt.Fprintf(os.Stderr, "uibench: %s run %d: first %.3fs whole %.3fs filter %.4fs\n", e.name, r, first, whole, filter)
			if r == 0 {
				continue // warm-up (discovery caches)
			}
			results[i].first = append(results[i].first, first)
			results[i].whole = append(results[i].whole, whole)
			results[i].filter = append(results[i].filter, filter)
		}
	}
	rss := make([]float64, len(explorers))
	if o.live > 0 {
		rss = live(o, d, explorers)
	}
	for i, e := range explorers {
		r := results[i]
		fmt.Printf("%s first=%s whole=%s filter=%s rss=%s total=%d\n", e.name,
			median(r.first, "%.3f"), median(r.whole, "%.3f"), median(r.filter, "%.4f"), orDash(rss[i], "%.1f"), d.total)
	}
	return nil
}

// list reads the names of the ConfigMaps and picks a filter: the name of
// one of them that no other contains.
func list(kubeconfig string) (*data, error) {
	cs, err := client(kubeconfig)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d := &data{names: map[string]bool{}}
	var all []string
	opts := metav1.ListOptions{Limit: 500}
	for {
		l, err := cs.CoreV1().ConfigMaps("").List(ctx, opts)
		if err != nil {
			return nil, err
		}
		for _, cm := range l.Items {
			d.names[cm.Name] = true
			all = append(all, cm.Name)
		}
		if opts.Continue = l.Continue; opts.Continue == "" {
			break
		}
	}
	d.total = len(all)
	if d.total == 0 {
		return nil, errors.New("no ConfigMaps on the server (seed it first)")
	}
	sort.Strings(all)
	d.filter = all[len(all)/2]
	for _, n := range all {
		if strings.Contains(n, d.filter) {
			d.match++
		}
	}
	return d, nil
}

func client(kubeconfig string) (*kubernetes.Clientset, error) {
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
		&clientcmd.ClientConfigLoadingRules{ExplicitPath: kubeconfig}, nil).ClientConfig()
	if err != nil {
		return nil, err
	}
	cfg.QPS, cfg.Burst = -1, 100
	return kubernetes.NewForConfig(cfg)
}

var (
	kdxTitle = regexp.MustCompile(`configmaps: (\d+)( of \d+)?`)
	// k9s writes its count with thousands separators (configmaps(all)[10,025]),
	// and a filter between the two (configmaps(all)</cm-00380>[1])
	k9sTitle = regexp.MustCompile(`(?i)configmaps\(all\)(?:<[^>]*>)?\[([\d,]+)\]`)
)

func kdx(o options, d *data) *explorer {
	return &explorer{
		name: "kdx",
		command: func(home string) *exec.Cmd {
			return exec.Command(o.kdx, "ui", "configmaps", "-A", "--kubeconfig", o.kubeconfig, "--cache-dir", filepath.Join(home, "cache"))
		},
		count: func(s string) (int, bool, bool) {
			m := kdxTitle.FindStringSubmatch(firstLine(s))
			if m == nil {
				return 0, false, false
			}
			n, _ := strconv.Atoi(m[1])
			return n, strings.Contains(firstLine(s), "(listing)"), true
		},
		filtered: func(s string, n int) bool {
			m := kdxTitle.FindStringSubmatch(firstLine(s))
			return m != nil && m[1] == strconv.Itoa(n) && m[2] != ""
		},
		last: lastByNamespace(o.kubeconfig),
	}
}

// k9sCount is the count of k9s's title, if on screen.
func k9sCount(screen string) (int, bool) {
	m := k9sTitle.FindStringSubmatch(screen)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
	return n, err == nil
}

func k9s(o options, d *data) *explorer {
	return &explorer{
		name: "k9s",
		command: func(home string) *exec.Cmd {
			return exec.Command(o.k9s, "--kubeconfig", o.kubeconfig, "-A", "-c", "configmaps")
		},
		count: func(s string) (int, bool, bool) {
			n, ok := k9sCount(s)
			return n, false, ok
		},
		filtered: func(s string, n int) bool {
			got, ok := k9sCount(s)
			return ok && got == n
		},
		last: lastByNamespace(o.kubeconfig), // k9s sorts by namespace, then name, too
	}
}

// lastByNamespace is the name of the last ConfigMap in namespace, then
// name order.
func lastByNamespace(kubeconfig string) string {
	cs, err := client(kubeconfig)
	if err != nil {
		return ""
	}
	l, err := cs.CoreV1().ConfigMaps("").List(context.Background(), metav1.ListOptions{ResourceVersion: "0"})
	if err != nil || len(l.Items) == 0 {
		return ""
	}
	last := slices.MaxFunc(l.Items, func(a, b corev1.ConfigMap) int {
		if c := strings.Compare(a.Namespace, b.Namespace); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return last.Name
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// tb is the ttytest.TB of one run: Fatalf ends the run.
type tb struct{ cleanups []func() }

type fatal struct{ err error }

func (*tb) Helper()                           {}
func (*tb) Fatalf(format string, args ...any) { panic(fatal{fmt.Errorf(format, args...)}) }
func (t *tb) Cleanup(f func())                { t.cleanups = append(t.cleanups, f) }

func (t *tb) close() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// start starts e under a new pseudo-terminal, with its own home.
func start(o options, t *tb, e *explorer, home string) *ttytest.Term {
	for _, dir := range []string{"config", "state", "data", "cache"} {
		if err := os.MkdirAll(filepath.Join(home, dir), 0o755); err != nil {
			t.Fatalf("%v", err)
		}
	}
	cmd := e.command(home)
	cmd.Env = append(os.Environ(), "HOME="+home, "TERM=xterm-256color", "KUBECONFIG="+o.kubeconfig,
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"), "XDG_STATE_HOME="+filepath.Join(home, "state"),
		"XDG_DATA_HOME="+filepath.Join(home, "data"), "XDG_CACHE_HOME="+filepath.Join(home, "cache"))
	return ttytest.Start(t, cmd, o.cols, o.rows)
}

// once is one run of e: the times to the first rows and to the whole
// list, and of the filter, in seconds.
func once(o options, d *data, e *explorer, home string) (first, whole, filter float64, err error) {
	t := &tb{}
	defer t.close()
	defer func() {
		if r := recover(); r != nil {
			f, ok := r.(fatal)
			if !ok {
				panic(r)
			}
			err = f.err
		}
	}()
	began := time.Now()
	term := start(o, t, e, home)
	term.WaitFor("the first rows", o.timeout, func(s string) bool { return hasRow(s, d) })
	first = time.Since(began).Seconds()
	loaded(o, d, e, term)
	term.Send("G")
	term.WaitFor("the last row after G", o.timeout, func(s string) bool { return strings.Contains(s, " "+e.last+" ") })
	whole = time.Since(began).Seconds()
	time.Sleep(500 * time.Millisecond) // let it settle, as a user reads
	typed := time.Now()
	term.Send("/" + d.filter + ttytest.Enter)
	term.WaitFor("the filtered rows", o.timeout, func(s string) bool { return e.filtered(s, d.match) })
	filter = time.Since(typed).Seconds()
	return first, whole, filter, nil
}

// loaded waits until the title's count is the total and nothing is listing.
func loaded(o options, d *data, e *explorer, term *ttytest.Term) {
	term.WaitFor(fmt.Sprintf("the title's count to be %d", d.total), o.timeout, func(s string) bool {
		n, listing, ok := e.count(s)
		return ok && !listing && n == d.total
	})
}

// hasRow says whether a line of the screen shows a ConfigMap's name.
func hasRow(s string, d *data) bool {
	for _, line := range strings.Split(s, "\n") {
		for _, f := range strings.Fields(line) {
			if d.names[f] {
				return true
			}
		}
	}
	return false
}

// live runs every explorer at once on the whole list while one ConfigMap
// is written every second for o.live, and returns their peak RSS in MB.
func live(o options, d *data, explorers []*explorer) []float64 {
	out := make([]float64, len(explorers))
	cs, err := client(o.kubeconfig)
	if err != nil {
		fmt.Fprintf(os.Stderr, "uibench: live: %v\n", err)
		return out
	}
	terms := make([]*ttytest.Term, len(explorers))
	var wg sync.WaitGroup
	for i, e := range explorers {
		t := &tb{}
		defer t.close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					fmt.Fprintf(os.Stderr, "uibench: live %s: %v\n", e.name, r)
				}
			}()
			term := start(o, t, e, filepath.Join(o.work, e.name+"-live"))
			loaded(o, d, e, term)
			terms[i] = term
		}()
	}
	wg.Wait()
	fmt.Fprintf(os.Stderr, "uibench: live updates for %s, one write a second\n", o.live)
	ctx, cancel := context.WithTimeout(context.Background(), o.live)
	defer cancel()
	ns, name, remove := liveTarget(cs)
	defer remove()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for n := 0; ; n++ {
		patch := fmt.Sprintf(`{"data":{"uibench-live":"%d"}}`, n)
		if _, err := cs.CoreV1().ConfigMaps(ns).Patch(ctx, name, types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil && ctx.Err() == nil {
			fmt.Fprintf(os.Stderr, "uibench: live write: %v\n", err)
		}
		select {
		case <-ctx.Done():
		case <-tick.C:
			continue
		}
		break
	}
	for i, term := range terms {
		if term == nil {
			continue
		}
		if mb, err := peakRSS(term.Pid()); err == nil {
			out[i] = mb
		} else {
			fmt.Fprintf(os.Stderr, "uibench: live %s: %v\n", explorers[i].name, err)
		}
	}
	return out
}

// liveTarget creates the ConfigMap the live updates write, default/uibench-live
// (deleted by the function returned).
func liveTarget(cs *kubernetes.Clientset) (string, string, func()) {
	ns, name := "default", "uibench-live"
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if _, err := cs.CoreV1().ConfigMaps(ns).Create(context.Background(), cm, metav1.CreateOptions{}); err != nil {
		fmt.Fprintf(os.Stderr, "uibench: live: %v\n", err)
	}
	return ns, name, func() {
		_ = cs.CoreV1().ConfigMaps(ns).Delete(context.Background(), name, metav1.DeleteOptions{})
	}
}

// peakRSS is a process's peak resident set (VmHWM), in MB.
func peakRSS(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024, err
		}
	}
	return 0, errors.New("no VmHWM in /proc/PID/status")
}

func median(v []float64, format string) string {
	if len(v) == 0 {
		return "-"
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return fmt.Sprintf(format, s[len(s)/2])
}

func orDash(v float64, format string) string {
	if v == 0 {
		return "-"
	}
	return fmt.Sprintf(format, v)
}
