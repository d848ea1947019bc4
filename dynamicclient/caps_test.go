package dynamicclient

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/internal/readcap"
)

// endlessBody writes head, then filler until the client goes away.
func endlessBody(w http.ResponseWriter, r *http.Request, head, filler string) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(head))
	chunk := bytes.Repeat([]byte(filler), 64<<10/len(filler))
	for r.Context().Err() == nil {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

// smallCaps lowers the caps for t to 256 KiB an object and 64 KiB a
// page's object (tests of this package are not parallel).
func smallCaps(t *testing.T) {
	page, object := pageObjectBytes, objectBytes
	pageObjectBytes, objectBytes = 64*readcap.KiB, 256*readcap.KiB
	t.Cleanup(func() { pageObjectBytes, objectBytes = page, object })
}

// TestBodyCaps: a server that streams an endless answer fails each read
// with the cap's one line, having sent little more than the cap. The caps
// are lowered (smallCaps); TestBodyLimit checks the real ones.
func TestBodyCaps(t *testing.T) {
	smallCaps(t)
	var sent atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &countingWriter{ResponseWriter: w, n: &sent}
		endlessBody(cw, r, `{"kind":"ConfigMapList","apiVersion":"v1","metadata":{},"items":[`, `{"metadata":{"name":"x"}},`)
	}))
	defer srv.Close()
	c, err := New(&rest.Config{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	path := srv.URL + "/api/v1/namespaces/ns/configmaps"
	cases := []struct {
		name string
		read func() error
		cap  int64
		want string
	}{
		{"ListPages", func() error {
			return c.ListPages(ctx, configMaps, "ns", metav1.ListOptions{Limit: 1}, func(*unstructured.UnstructuredList) error { return nil })
		}, 320 * readcap.KiB, "the response to GET " + path + " is larger than 320 KiB, kdx's cap for a page of 1 object"},
		{"MetadataPages", func() error {
			return c.MetadataPages(ctx, configMaps, "ns", metav1.ListOptions{Limit: 3}, func(*metav1.PartialObjectMetadataList) error { return nil })
		}, 448 * readcap.KiB, "the response to GET " + path + " is larger than 448 KiB, kdx's cap for a page of 3 objects"},
		{"TablePages", func() error {
			return c.TablePages(ctx, configMaps, "ns", metav1.ListOptions{Limit: 2}, "", func(*metav1.Table) error { return nil })
		}, 384 * readcap.KiB, "the response to GET " + path + " is larger than 384 KiB, kdx's cap for a page of 2 objects"},
		{"Get", func() error {
			_, err := c.Get(ctx, configMaps, "ns", "a", "")
			return err
		}, 256 * readcap.KiB, "the response to GET " + path + "/a is larger than 256 KiB, kdx's cap for one object"},
		{"GetTable", func() error {
			_, err := c.GetTable(ctx, configMaps, "ns", "a", "", "")
			return err
		}, 256 * readcap.KiB, "the response to GET " + path + "/a is larger than 256 KiB, kdx's cap for one object"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sent.Store(0)
			err := tc.read()
			var capErr *readcap.Error
			if !errors.As(err, &capErr) || err.Error() != tc.want {
				t.Fatalf("error %v\nwant %s", err, tc.want)
			}
			// The server may have sent what the connection buffers beyond
			// the cap, not more.
			if n := sent.Load(); n > tc.cap+16*readcap.MiB {
				t.Errorf("the server sent %d KiB for a cap of %d KiB", n/readcap.KiB, tc.cap/readcap.KiB)
			}
		})
	}
}

type countingWriter struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (w *countingWriter) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	w.n.Add(int64(n))
	return n, err
}

func TestBodyLimit(t *testing.T) {
	cases := []struct {
		url    string
		status int
		want   int64
	}{
		{"/api/v1/pods?limit=500", 200, 1016 * readcap.MiB},
		{"/api/v1/pods?limit=500&resourceVersion=0", 200, 2 * readcap.GiB},
		{"/api/v1/pods?limit=5000", 200, 2 * readcap.GiB},
		{"/api/v1/pods", 200, 2 * readcap.GiB},
		{"/api/v1/pods?watch=true", 200, 0},
		{"/api/v1/pods?watch=true", 500, 16 * readcap.MiB},
	}
	for _, c := range cases {
		req := httptest.NewRequest(http.MethodGet, c.url, nil)
		if got := bodyLimit(req, &http.Response{StatusCode: c.status}); got.Cap != c.want {
			t.Errorf("%s (%d): cap %d, want %d", c.url, c.status, got.Cap, c.want)
		}
	}
}

// failingBody reads data, then fails with err.
type failingBody struct {
	data string
	err  error
}

func (b *failingBody) Read(p []byte) (int, error) {
	if b.data == "" {
		return 0, b.err
	}
	n := copy(p, b.data)
	b.data = b.data[n:]
	return n, nil
}

func (b *failingBody) Close() error { return nil }

// TestEventReader: events come one per Read, in parts when the buffer is
// short; a body that cannot be read on ends the stream as an unexpected
// EOF (a stopped watch, a cut connection), which client-go ends quietly,
// not as an event it could not decode.
func TestEventReader(t *testing.T) {
	ev := `{"type":"ADDED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a"}}}`
	r := eventFramer{}.NewFrameReader(&failingBody{data: ev + "\n" + ev + "\n{\"type\"", err: errors.New("http2: response body closed")})
	buf := make([]byte, 32)
	for i := 0; i < 2; i++ {
		var got []byte
		for {
			n, err := r.Read(buf)
			got = append(got, buf[:n]...)
			if err == io.ErrShortBuffer {
				continue
			}
			if err != nil {
				t.Fatalf("event %d: %v", i, err)
			}
			break
		}
		if string(got) != ev {
			t.Errorf("event %d: %q", i, got)
		}
	}
	if _, err := r.Read(buf); err != io.ErrUnexpectedEOF {
		t.Errorf("a body that fails: error %v, want io.ErrUnexpectedEOF", err)
	}
}
