package discovery

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/internal/readcap"
)

// TestDocumentCap: an endless discovery document, aggregated or legacy,
// fails with the cap's one line.
func TestDocumentCap(t *testing.T) {
	for _, contentType := range []string{discovery.AcceptV2, "application/json"} {
		t.Run(contentType, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", contentType)
				_, _ = w.Write([]byte(`{"kind":"APIGroupDiscoveryList","items":[`))
				chunk := bytes.Repeat([]byte(`{"metadata":{"name":"x"}},`), 4096)
				for r.Context().Err() == nil {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			}))
			defer srv.Close()
			// The real cap is 64 MiB: reading that much twice under -race
			// took half a minute. Its size is TestDocumentCapDefault's, and
			// test/e2e's TestEndlessServerBodies reads it from the binary.
			c, err := NewClient(&rest.Config{Host: srv.URL}, Options{documentMax: 256 * readcap.KiB})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Refresh(t.Context())
			var capErr *readcap.Error
			if !errors.As(err, &capErr) || capErr.Cap != 256*readcap.KiB || capErr.What != "kdx's cap for a discovery document" {
				t.Fatalf("error %v, want the discovery document cap's", err)
			}
			if want := "the response to GET " + srv.URL + "/api"; capErr.Source != want && capErr.Source != want+"s" {
				t.Errorf("source %q, want %q or /apis", capErr.Source, want)
			}
		})
	}
}

// TestDocumentCapDefault: without a test's cap, a discovery document is
// capped at 64 MiB.
func TestDocumentCapDefault(t *testing.T) {
	if got := (Options{}).documentCap(); got != 64*readcap.MiB || MaxDocumentBytes != 64*readcap.MiB {
		t.Errorf("cap %d, MaxDocumentBytes %d; want 64 MiB", got, MaxDocumentBytes)
	}
}
