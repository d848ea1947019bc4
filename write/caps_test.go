package write

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/internal/readcap"
)

// TestAnswerCap: a server whose answer to a write never ends fails the
// write with the cap's one line (kdx read it whole).
func TestAnswerCap(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"kind":"ConfigMap","apiVersion":"v1","data":{"k":"`))
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	c, err := NewClient(&rest.Config{Host: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Apply(t.Context(), cmRef, []byte(`{}`), RequestOptions{FieldManager: "kdx"})
	want := "the response to PATCH " + srv.URL + "/api/v1/namespaces/ns/configmaps/c is larger than 16 MiB, kdx's cap for one object"
	var capErr *readcap.Error
	if !errors.As(err, &capErr) || capErr.Error() != want {
		t.Errorf("error %v\nwant one wrapping %s", err, want)
	}
}
