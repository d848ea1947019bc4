package manifest

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kdxproject/kdx/internal/readcap"
)

// endless reads pattern forever, counting the bytes read.
type endless struct {
	pattern string
	n       int64
}

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = e.pattern[int(e.n+int64(i))%len(e.pattern)]
	}
	e.n += int64(len(p))
	return len(p), nil
}

// TestReadCaps: an endless or huge input fails with one line naming the cap
// and the input, having read little more than the cap.
func TestReadCaps(t *testing.T) {
	const docMax, inputMax = 64 << 10, 1 << 20
	doc := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n"
	cases := []struct {
		name    string
		in      *endless
		json    bool
		wantErr string
	}{
		{name: "yes", in: &endless{pattern: "y\n"},
			wantErr: "STDIN document 1 (line 1) is larger than 64 KiB, kdx's cap for one document of -f"},
		{name: "zeros", in: &endless{pattern: "\x00"},
			wantErr: "STDIN document 1 (line 1) is larger than 64 KiB, kdx's cap for one document of -f"},
		{name: "an endless JSON value", in: &endless{pattern: `{"a": [`},
			wantErr: "STDIN document 1 (line 1) is larger than 64 KiB, kdx's cap for one document of -f"},
		{name: "endless small documents", in: &endless{pattern: doc},
			wantErr: "STDIN is larger than 1 MiB, kdx's cap for one input of -f"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(t.Context(), Options{Filenames: []string{"-"}, Stdin: c.in, documentMax: docMax, inputMax: inputMax})
			var capErr *readcap.Error
			if !errors.As(err, &capErr) || err.Error() != c.wantErr {
				t.Fatalf("error %v, want %q", err, c.wantErr)
			}
			if c.in.n > inputMax+128<<10 {
				t.Errorf("read %d bytes of the input, more than its cap and a buffer", c.in.n)
			}
		})
	}
	// A document of exactly the cap is read.
	big := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: "
	big += strings.Repeat("x", docMax-len(big)-2) + "}\n"
	objs, err := Read(t.Context(), Options{Filenames: []string{"-"}, Stdin: strings.NewReader(big + "---\n" + big), documentMax: docMax})
	if err != nil || len(objs) != 2 {
		t.Errorf("documents of the cap: %d objects, error %v", len(objs), err)
	}
}

// TestReadDevZero reads the real /dev/zero with the real caps.
func TestReadDevZero(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	_, err := Read(t.Context(), Options{Filenames: []string{"/dev/zero"}})
	if want := "/dev/zero document 1 (line 1) is larger than 64 MiB, kdx's cap for one document of -f"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
}

// TestReadInterrupted: reading stdin or a FIFO that never gets data stops
// when ctx ends.
func TestReadInterrupted(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFO: %v", err)
	}
	pr, pw := io.Pipe()
	defer pw.Close()
	cases := []struct {
		name string
		opts Options
		want string
	}{
		{"a FIFO with no writer", Options{Filenames: []string{fifo}}, "interrupted while reading " + fifo},
		{"stdin with no data", Options{Filenames: []string{"-", fifo}, Stdin: pr}, "interrupted while reading STDIN"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan error, 1)
			go func() {
				_, err := Read(ctx, c.opts)
				done <- err
			}()
			time.Sleep(100 * time.Millisecond)
			cancel()
			select {
			case err := <-done:
				if err == nil || err.Error() != c.want || !errors.Is(err, context.Canceled) {
					t.Errorf("error %v, want %q", err, c.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Read did not return after its context ended")
			}
		})
	}
}
