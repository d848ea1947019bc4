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
			c, err := NewClient(&rest.Config{Host: srv.URL}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Refresh(t.Context())
			var capErr *readcap.Error
			if !errors.As(err, &capErr) || capErr.Cap != 64*readcap.MiB || capErr.What != "kdx's cap for a discovery document" {
				t.Fatalf("error %v, want the discovery document cap's", err)
			}
			if want := "the response to GET " + srv.URL + "/api"; capErr.Source != want && capErr.Source != want+"s" {
				t.Errorf("source %q, want %q or /apis", capErr.Source, want)
			}
		})
	}
}
