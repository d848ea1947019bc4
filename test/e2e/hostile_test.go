package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/kdxproject/kdx/internal/testenv"
)

// The tests of this file run the built kdx against hostile input: inputs
// that never come or never end, and fake API servers on loopback that
// send endless or undecodable answers. They need no control plane.

// maxRSS bounds the memory of a kdx fed hostile input: what it reads is
// capped (a document of -f at 64 MiB, a page of 2 objects at 20 MiB, a
// discovery document at 64 MiB, a watch event at 16 MiB), where it grew
// until the out-of-memory killer ended it.
const maxRSS = 512 << 20

// hostileRun is a run of the kdx binary, started by startHostile.
type hostileRun struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer
	done   chan struct{}
	// rssFile is where rssHelper wrote kdx's peak memory ("": not run by it).
	rssFile string
}

// startHostile starts kdx with args, with server (a URL, or "" for one
// that refuses connections) as the cluster of its kubeconfig and stdin as
// its standard input.
func startHostile(t *testing.T, server string, stdin io.Reader, args ...string) *hostileRun {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the kdx binary")
	}
	return startBinary(t, testenv.KdxBinary(t), "", server, stdin, args...)
}

// startHuge is startHostile for a run that reads tens of MiB before it
// meets its cap, and whose memory checkRSS bounds: with the kdx built
// without -race (see testenv.PlainKdxBinary), started by this test binary
// run as rssHelper.
func startHuge(t *testing.T, server string, stdin io.Reader, args ...string) *hostileRun {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the kdx binary")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	rssFile := filepath.Join(t.TempDir(), "rss")
	return startBinary(t, self, rssFile, server, stdin, append([]string{testenv.PlainKdxBinary(t)}, args...)...)
}

// rssFileEnv names the file in which this test binary, run as rssHelper,
// writes the peak memory of the command it ran.
const rssFileEnv = "KDX_E2E_RSS_FILE"

// rssHelper runs the command args with this process's standard streams
// and writes its peak resident memory, in bytes, to the file path; it
// returns the command's exit code. The tests do not read the peak of kdx
// started by themselves: Go starts a command with vfork, and Linux counts
// the parent's resident memory when the child calls exec in the child's
// peak, so that every kdx started by the test binary (500 MiB and more
// late in the suite) read as at least that. This process is a new test
// binary: what it holds when it starts kdx (about 60 MiB, race-built) is
// the floor of what is read, far below maxRSS.
func rssHelper(path string, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "rssHelper: no command")
		return 2
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	err := cmd.Run()
	if cmd.ProcessState == nil {
		fmt.Fprintln(os.Stderr, "rssHelper:", err)
		return 2
	}
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10
	if err := os.WriteFile(path, []byte(strconv.FormatInt(rss, 10)), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, "rssHelper:", err)
		return 2
	}
	return cmd.ProcessState.ExitCode()
}

// startBinary starts bin as startHostile says; with rssFile set, bin is
// this test binary run as rssHelper, writing the peak memory of the
// command there.
func startBinary(t *testing.T, bin, rssFile string, server string, stdin io.Reader, args ...string) *hostileRun {
	t.Helper()
	if server == "" {
		server = "https://127.0.0.1:1"
	}
	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "kubeconfig")
	config := fmt.Sprintf("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: %q}\n"+
		"contexts:\n- name: c\n  context: {cluster: c, user: u, namespace: ns}\nusers:\n- name: u\n  user: {}\ncurrent-context: c\n", server)
	if err := os.WriteFile(kubeconfig, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	r := &hostileRun{cmd: exec.Command(bin, args...), done: make(chan struct{}), rssFile: rssFile}
	r.cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig, "HOME="+dir, "XDG_CACHE_HOME="+filepath.Join(dir, ".cache"))
	if rssFile != "" {
		r.cmd.Env = append(r.cmd.Env, rssFileEnv+"="+rssFile)
	}
	r.cmd.Stdin = stdin
	r.cmd.Stderr = &r.stderr
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = r.cmd.Wait()
		close(r.done)
	}()
	t.Cleanup(func() {
		_ = r.cmd.Process.Kill()
		<-r.done
	})
	return r
}

// wait waits at most d for kdx to exit and returns its exit code.
func (r *hostileRun) wait(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(d):
		_ = r.cmd.Process.Kill()
		<-r.done
		t.Fatalf("kdx did not end within %v; stderr:\n%s", d, cutOutput(r.stderr.String()))
	}
	return r.cmd.ProcessState.ExitCode()
}

// checkRSS checks the most memory kdx used, once it exited (a run of
// startHuge).
func (r *hostileRun) checkRSS(t *testing.T) {
	t.Helper()
	if r.rssFile == "" {
		t.Fatal("checkRSS: kdx was not started by startHuge")
	}
	data, err := os.ReadFile(r.rssFile)
	if err != nil {
		t.Fatalf("kdx's peak memory: %v", err)
	}
	rss, err := strconv.ParseInt(string(data), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	if rss > maxRSS {
		t.Errorf("kdx used %d MiB", rss>>20)
	}
	t.Logf("kdx used %d MiB", rss>>20)
}

// signal sends sig to kdx.
func (r *hostileRun) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := r.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// checkOneLine checks that kdx exited with code, its stderr being the one
// line want.
func (r *hostileRun) checkOneLine(t *testing.T, code int, exit int, want string) {
	t.Helper()
	if got := r.stderr.String(); exit != code || got != want+"\n" {
		t.Errorf("exit %d, stderr:\n%s\nwant exit %d and the one line\n%s", exit, cutOutput(got), code, want)
	}
}

func cutOutput(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "..."
	}
	return s
}

// openWhenRead opens the FIFO path for writing once a reader has it open
// (before, such an open fails with ENXIO), and returns it: the reader then
// blocks reading it until it is written or closed. It fails t after a
// minute.
func openWhenRead(t *testing.T, path string) *os.File {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0)
		if err == nil {
			return f
		}
		if !errors.Is(err, syscall.ENXIO) || time.Now().After(deadline) {
			t.Fatalf("no reader of %s: %v", path, err)
		}
	}
}

// waitBlockedIn waits until a thread of kdx sleeps in the system call nr
// (its first argument first, when first >= 0), seen twice 20 ms apart: kdx
// then blocks on its input, its signal handling set up. (A fixed second was
// too short for a race-built kdx on a busy machine: a signal before that
// kills it, exit -1.) It fails t after a minute.
func (r *hostileRun) waitBlockedIn(t *testing.T, nr uintptr, first int) {
	t.Helper()
	seen := 0
	for deadline := time.Now().Add(time.Minute); seen < 2; time.Sleep(20 * time.Millisecond) {
		if r.blockedIn(nr, first) {
			seen++
		} else {
			seen = 0
		}
		if time.Now().After(deadline) {
			t.Fatalf("kdx did not block in system call %d within a minute", nr)
		}
	}
}

// waitState waits until every thread of kdx is in state (as
// /proc/PID/task/TID/stat says: 'T' is stopped); it fails t after a minute.
func (r *hostileRun) waitState(t *testing.T, state byte) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !r.inState(state); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the threads of kdx are not all in state %c after a minute", state)
		}
	}
}

// inState reports whether every thread of kdx is in state.
func (r *hostileRun) inState(state byte) bool {
	tasks := r.tasks()
	for _, task := range tasks {
		if s, ok := taskState(task); !ok || s != state {
			return false
		}
	}
	return len(tasks) > 0
}

// tasks are the /proc directories of kdx's threads.
func (r *hostileRun) tasks() []string {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*", r.cmd.Process.Pid))
	return tasks
}

// taskState is the state of the thread whose /proc directory is task ('S'
// sleeping, 'T' stopped), false when it cannot be read.
func taskState(task string) (byte, bool) {
	stat, err := os.ReadFile(filepath.Join(task, "stat"))
	// stat is "TID (comm) STATE ...": the state follows the last ') '.
	i := bytes.LastIndexByte(stat, ')')
	if err != nil || i < 0 || i+2 >= len(stat) {
		return 0, false
	}
	return stat[i+2], true
}

// blockedIn reports whether a thread of kdx sleeps in the system call nr
// (with first as its first argument, when first >= 0), as
// /proc/PID/task/TID/stat and syscall say.
func (r *hostileRun) blockedIn(nr uintptr, first int) bool {
	for _, task := range r.tasks() {
		state, ok := taskState(task)
		call, err := os.ReadFile(filepath.Join(task, "syscall"))
		if !ok || err != nil {
			continue
		}
		f := strings.Fields(string(call))
		if state != 'S' || len(f) < 2 || f[0] != fmt.Sprint(nr) {
			continue
		}
		if first < 0 || f[1] == fmt.Sprintf("0x%x", first) {
			return true
		}
	}
	return false
}

// TestSignalWhileReadingInput: SIGINT or SIGTERM ends kdx at once while it
// reads -f from a FIFO that has no writer, or from a pipe whose writer
// sleeps (kubectl dies at SIGTERM; kdx survived both for 730 s).
func TestSignalWhileReadingInput(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		// (No comma in the names: -f takes a list, as kubectl's.)
		t.Run("FIFO without a writer "+sig.String(), func(t *testing.T) {
			fifo := filepath.Join(t.TempDir(), "in.yaml")
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Skipf("no FIFO: %v", err)
			}
			r := startHostile(t, "", nil, "apply", "-f", fifo)
			r.waitBlockedIn(t, syscall.SYS_OPENAT, -1) // the open of a FIFO waits for a writer
			r.signal(t, sig)
			r.checkOneLine(t, 1, r.wait(t, 10*time.Second), "error: interrupted while reading "+fifo)
		})
		t.Run("pipe whose writer sleeps "+sig.String(), func(t *testing.T) {
			pr, pw, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer pr.Close()
			defer pw.Close() // the writer that sleeps
			r := startHostile(t, "", pr, "apply", "-f", "-")
			r.waitBlockedIn(t, syscall.SYS_READ, 0) // a read of stdin
			r.signal(t, sig)
			r.checkOneLine(t, 1, r.wait(t, 10*time.Second), "error: interrupted while reading STDIN")
		})
	}
}

// TestSecondSignalExits: a second signal exits at once with 128+signal,
// whatever the first one's cancellation still does. The two arrive while
// kdx is stopped, so that both are pending when it resumes. The kernel
// does not keep the order in which two different signals were sent: each
// may go to another of kdx's threads, and SIGTERM can reach kdx's handler
// first (seen once in a few hundred runs). So the code is that of either
// signal, never the 1 of an interrupted apply that ignored the second.
// Which one kdx saw second is unit-tested (cliutil's signal tests).
func TestSecondSignalExits(t *testing.T) {
	t.Parallel()
	fifo := filepath.Join(t.TempDir(), "in.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFO: %v", err)
	}
	r := startHostile(t, "", nil, "apply", "-f", fifo)
	// Not a fixed settle(): a race-built kdx on a busy machine may take
	// longer than a second to set up its signal handling, and a signal
	// before that kills it (exit -1). Once it reads the FIFO it has.
	w := openWhenRead(t, fifo)
	defer w.Close()
	r.signal(t, syscall.SIGSTOP)
	// Both signals must wait for SIGCONT: a SIGINT sent before every thread
	// of kdx has stopped was handled at once, the apply ended, and the
	// SIGTERM came too late to matter (exit 1, seen in CI under load).
	r.waitState(t, 'T')
	r.signal(t, syscall.SIGINT)
	r.signal(t, syscall.SIGTERM)
	r.signal(t, syscall.SIGCONT)
	if code := r.wait(t, 10*time.Second); code != 143 && code != 130 {
		t.Errorf("exit %d after SIGINT then SIGTERM, want 143 (or 130 if SIGTERM came first); stderr:\n%s", code, r.stderr.String())
	}
}

// zeroReader reads zeros, at most n bytes: endless for kdx, whose cap of a
// document is 64 MiB, and bounded for the kdx of before the cap, which
// read it all.
type zeroReader struct{ n int64 }

func (z *zeroReader) Read(p []byte) (int, error) {
	if z.n <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), z.n)]
	clear(p)
	z.n -= int64(len(p))
	return len(p), nil
}

// yesReader reads "y\n", at most n bytes, as `yes` writes.
type yesReader struct{ n int64 }

func (y *yesReader) Read(p []byte) (int, error) {
	if y.n <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), y.n)&^1]
	for i := 0; i < len(p); i += 2 {
		p[i], p[i+1] = 'y', '\n'
	}
	y.n -= int64(len(p))
	return len(p), nil
}

// TestHugeInput: `yes | kdx apply -f -` and `kdx apply -f /dev/zero` fail
// with one line naming the cap, in little memory (they grew to 1.7 GB).
func TestHugeInput(t *testing.T) {
	t.Parallel()
	const limit = 1 << 30
	t.Run("yes on stdin", func(t *testing.T) {
		r := startHuge(t, "", &yesReader{n: limit}, "apply", "-f", "-")
		r.checkOneLine(t, 1, r.wait(t, 2*time.Minute), "error: STDIN document 1 (line 1) is larger than 64 MiB, kdx's cap for one document of -f")
		r.checkRSS(t)
	})
	t.Run("/dev/zero", func(t *testing.T) {
		r := startHuge(t, "", nil, "apply", "-f", "/dev/zero")
		r.checkOneLine(t, 1, r.wait(t, 2*time.Minute), "error: /dev/zero document 1 (line 1) is larger than 64 MiB, kdx's cap for one document of -f")
		r.checkRSS(t)
	})
	t.Run("zeros on stdin", func(t *testing.T) {
		r := startHuge(t, "", &zeroReader{n: limit}, "apply", "-f", "-")
		r.checkOneLine(t, 1, r.wait(t, 2*time.Minute), "error: STDIN document 1 (line 1) is larger than 64 MiB, kdx's cap for one document of -f")
		r.checkRSS(t)
	})
}

// fakeAPIServer is a server on loopback that serves the discovery of
// configmaps (legacy, as an aggregated API server may) and answers their
// requests with configMaps. It counts the requests of configmaps.
type fakeAPIServer struct {
	*httptest.Server
	configMaps func(w http.ResponseWriter, r *http.Request)
	// apis, when set, answers /apis instead.
	apis     func(w http.ResponseWriter, r *http.Request)
	requests atomic.Int32
}

func newFakeAPIServer(t *testing.T, configMaps func(w http.ResponseWriter, r *http.Request)) *fakeAPIServer {
	s := &fakeAPIServer{configMaps: configMaps}
	s.Server = httptest.NewServer(s)
	t.Cleanup(s.Close)
	return s
}

func (s *fakeAPIServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/api":
		fmt.Fprint(w, `{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[]}`)
	case "/apis":
		if s.apis != nil {
			s.apis(w, r)
			return
		}
		fmt.Fprint(w, `{"kind":"APIGroupList","apiVersion":"v1","groups":[]}`)
	case "/api/v1":
		fmt.Fprint(w, `{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"configmaps","singularName":"configmap",`+
			`"namespaced":true,"kind":"ConfigMap","verbs":["get","list","watch"],"shortNames":["cm"]}]}`)
	default:
		if !strings.HasPrefix(r.URL.Path, "/api/v1/namespaces/ns/configmaps") || s.configMaps == nil {
			http.NotFound(w, r)
			return
		}
		s.requests.Add(1)
		s.configMaps(w, r)
	}
}

// endless writes head, then filler until the client goes away.
func endless(w http.ResponseWriter, r *http.Request, head, filler string) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, head)
	chunk := []byte(strings.Repeat(filler, 64<<10/len(filler)))
	for r.Context().Err() == nil {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

// emptyList answers a list of configmaps with none.
func emptyList(w http.ResponseWriter, r *http.Request) {
	if strings.Contains(r.Header.Get("Accept"), "as=Table") {
		fmt.Fprint(w, `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"10"},"columnDefinitions":[{"name":"Name","type":"string","format":"name"}],"rows":[]}`)
		return
	}
	fmt.Fprint(w, `{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"10"},"items":[]}`)
}

// TestEndlessServerBodies: a server that streams an endless list body,
// discovery document or watch event makes kdx fail with one line naming
// the cap and the request, in little memory (22 GB and the out-of-memory
// killer before; kubectl: 8.3 GB in 10 s).
func TestEndlessServerBodies(t *testing.T) {
	t.Parallel()
	const items = `{"kind":"ConfigMapList","apiVersion":"v1","metadata":{},"items":[`
	cases := []struct {
		name       string
		configMaps func(w http.ResponseWriter, r *http.Request)
		apis       func(w http.ResponseWriter, r *http.Request)
		args       []string
		want       func(url string) string
	}{{
		name:       "list",
		configMaps: func(w http.ResponseWriter, r *http.Request) { endless(w, r, items, `{"metadata":{"name":"x"}},`) },
		args:       []string{"get", "configmaps", "--chunk-size", "2", "-o", "name"},
		want: func(url string) string {
			return "error: the response to GET " + url + "/api/v1/namespaces/ns/configmaps is larger than 20 MiB, kdx's cap for a page of 2 objects"
		},
	}, {
		name:       "table",
		configMaps: func(w http.ResponseWriter, r *http.Request) { endless(w, r, items, `{"metadata":{"name":"x"}},`) },
		args:       []string{"get", "configmaps", "--chunk-size", "2"},
		want: func(url string) string {
			return "error: the response to GET " + url + "/api/v1/namespaces/ns/configmaps is larger than 20 MiB, kdx's cap for a page of 2 objects"
		},
	}, {
		name:       "one string",
		configMaps: func(w http.ResponseWriter, r *http.Request) { endless(w, r, `{"kind":"`, "x") },
		args:       []string{"get", "configmaps", "a", "-o", "yaml"},
		want: func(url string) string {
			return "error: the response to GET " + url + "/api/v1/namespaces/ns/configmaps/a is larger than 16 MiB, kdx's cap for one object"
		},
	}, {
		name: "discovery",
		apis: func(w http.ResponseWriter, r *http.Request) {
			endless(w, r, `{"kind":"APIGroupList","groups":[`, `{"name":"x","versions":[]},`)
		},
		args: []string{"get", "configmaps"},
		want: func(url string) string {
			return "error: the response to GET " + url + "/apis is larger than 64 MiB, kdx's cap for a discovery document"
		},
	}, {
		name: "watch event",
		configMaps: func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("watch") != "true" {
				emptyList(w, r)
				return
			}
			endless(w, r, `{"type":"ADDED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"`, "a")
		},
		args: []string{"get", "configmaps", "--watch-only", "-o", "name"},
		want: func(string) string {
			return "error: the server sent a watch stream of configmaps that cannot be decoded: an event is larger than 16 MiB, kdx's cap for one watch event"
		},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := newFakeAPIServer(t, c.configMaps)
			srv.apis = c.apis
			r := startHuge(t, srv.URL, nil, c.args...)
			r.checkOneLine(t, 1, r.wait(t, 2*time.Minute), c.want(srv.URL))
			r.checkRSS(t)
		})
	}
}

// TestGarbageWatchStream: an undecodable watch stream is said once, as
// what it is, and the watch stops (it was "expired and started over" 64
// times in 10 s).
func TestGarbageWatchStream(t *testing.T) {
	t.Parallel()
	var watches atomic.Int32
	srv := newFakeAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("watch") != "true" {
			emptyList(w, r)
			return
		}
		watches.Add(1)
		fmt.Fprint(w, "<html>garbage</html>\n")
	})
	r := startHostile(t, srv.URL, nil, "watch", "configmaps")
	r.checkOneLine(t, 1, r.wait(t, time.Minute), "error: the server sent a watch stream of configmaps that cannot be decoded: "+
		"couldn't get version/kind; json parse error: invalid character '<' looking for beginning of value")
	if n := watches.Load(); n != 1 {
		t.Errorf("%d watch requests, want 1", n)
	}
}

// TestContinueTokenLoop: a server that sends the same continue token
// forever makes the list fail, naming the type, instead of paging forever
// (1,347 requests in 60 s; kubectl too).
func TestContinueTokenLoop(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	srv := newFakeAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1)
		fmt.Fprintf(w, `{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"continue":"same"},"items":[{"metadata":{"name":"cm%d","namespace":"ns"}}]}`, i)
	})
	r := startHostile(t, srv.URL, nil, "get", "configmaps", "--chunk-size", "1", "-o", "name")
	code := r.wait(t, time.Minute)
	r.checkOneLine(t, 1, code, "error: the server sent the same continue token twice while listing configmaps: stopped after 2 pages, which would repeat forever")
	if got := srv.requests.Load(); got != 2 {
		t.Errorf("%d list requests, want 2", got)
	}
}

// TestRequestTimeoutCutsStreamingBody: --request-timeout ends a list whose
// body is still streaming, too slowly to reach a cap.
func TestRequestTimeoutCutsStreamingBody(t *testing.T) {
	t.Parallel()
	srv := newFakeAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"kind":"ConfigMapList","apiVersion":"v1","metadata":{},"items":[`)
		for r.Context().Err() == nil {
			if _, err := fmt.Fprint(w, `{"metadata":{"name":"x"}},`); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			time.Sleep(100 * time.Millisecond)
		}
	})
	start := time.Now()
	r := startHostile(t, srv.URL, nil, "get", "configmaps", "-o", "name", "--request-timeout", "2s")
	code := r.wait(t, time.Minute)
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("kdx ended after %v, with --request-timeout 2s", d)
	}
	r.checkOneLine(t, 1, code, "error: the server's answer was still coming when --request-timeout ended it")
}

// TestApplyJSONInput: a JSON file is read as JSON, as kubectl reads it: a
// valid escape YAML lacks ("\/") and a byte order mark are applied, and a
// syntax error names its line and column (it was "invalid YAML").
func TestApplyJSONInput(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	valid := manifestFile(t, "valid.json", "\ufeff"+fmt.Sprintf(`{"apiVersion": "v1", "kind": "ConfigMap",
  "metadata": {"name": "json-input", "namespace": %q},
  "data": {"url": "https:\/\/example.com\/a", "smile": "\ud83d\ude00"}}`, ns))
	wantResult(t, env.Kdx(t, "apply", "-f", valid), 0)
	res := env.Kdx(t, "get", "configmap", "json-input", "-n", ns, "-o", "jsonpath={.data.url} {.data.smile}")
	if want := "https://example.com/a \U0001F600"; res.Stdout != want {
		t.Errorf("applied data %q, want %q", res.Stdout, want)
	}
	if k := env.RunKubectl(t, "apply", "-f", valid, "--dry-run=server", "-o", "jsonpath={.data.url}"); k.ExitCode != 0 || k.Stdout != "https://example.com/a" {
		t.Errorf("kubectl: exit %d, %q%s", k.ExitCode, k.Stdout, k.Stderr)
	}

	// A trailing comma is YAML: kubectl reads such a file again as YAML.
	comma := manifestFile(t, "comma.json", fmt.Sprintf(`{"apiVersion": "v1", "kind": "ConfigMap",
  "metadata": {"name": "json-comma", "namespace": %q,},
  "data": {}}`, ns))
	wantResult(t, env.Kdx(t, "apply", "-f", comma, "--dry-run=server"), 0)
	if k := env.RunKubectl(t, "apply", "-f", comma, "--dry-run=server"); k.ExitCode != 0 {
		t.Errorf("kubectl: exit %d, %s", k.ExitCode, k.Stderr)
	}

	// Neither JSON nor YAML: the JSON error.
	invalid := manifestFile(t, "invalid.json", fmt.Sprintf(`{"apiVersion": "v1", "kind": "ConfigMap",
  "metadata": {"name": "json-invalid", "namespace": %q]},
  "data": {}}`, ns))
	res = env.Kdx(t, "apply", "-f", invalid)
	if want := "error: " + invalid + " document 1 (line 2): invalid JSON at column " + fmt.Sprint(len(`  "metadata": {"name": "json-invalid", "namespace": "`)+len(ns)+2) +
		": invalid character ']' after object key:value pair\n"; res.ExitCode != 1 || res.Stderr != want {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 1 and\n%s", res.ExitCode, res.Stderr, want)
	}
	if k := env.RunKubectl(t, "apply", "-f", invalid); k.ExitCode != 1 {
		t.Errorf("kubectl: exit %d on invalid JSON", k.ExitCode)
	}
}
