package logmask

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"
)

// lockedBuffer is a bytes.Buffer safe for the writes of several goroutines
// (client-go logs some HTTP trace events from the dialing one).
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *lockedBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *lockedBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// withVerbosity installs the masking logger into a buffer at klog
// verbosity v for the test, and restores klog after it.
func withVerbosity(t *testing.T, v int) *lockedBuffer {
	fs := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(fs)
	if err := fs.Set("v", fmt.Sprint(v)); err != nil {
		t.Fatal(err)
	}
	buf := &lockedBuffer{}
	Install(buf)
	t.Cleanup(func() {
		_ = fs.Set("v", "0")
		klog.ClearLogger()
	})
	return buf
}

const (
	secretValue = "czNjcjN0LXZhbHVl" // base64 of s3cr3t-value
	plainValue  = "plain-s3cr3t"
	password    = "hunter2-PASS"
)

// TestClientGoLogsMasked sends requests through client-go's REST client at
// -v=10, where it logs every request and response whole, and reads its
// log: the Secret's values and the URL's password are masked, the rest is
// there.
func TestClientGoLogsMasked(t *testing.T) {
	for _, v := range []int{6, 8, 9, 10} {
		t.Run(fmt.Sprintf("v=%d", v), func(t *testing.T) {
			buf := withVerbosity(t, v)
			server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				_, _ = io.Copy(io.Discard, req.Body)
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"kind":"Secret","apiVersion":"v1","metadata":{"name":"s","namespace":"ns"},"data":{"password":%q},"type":"Opaque"}`, secretValue)
			}))
			defer server.Close()
			cfg := &rest.Config{Host: strings.Replace(server.URL, "http://", "http://admin:"+password+"@", 1),
				ContentConfig: rest.ContentConfig{GroupVersion: &schema.GroupVersion{Version: "v1"}, NegotiatedSerializer: scheme.Codecs.WithoutConversion()},
				APIPath:       "/api"}
			rc, err := rest.RESTClientFor(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if _, err := rc.Get().Namespace("ns").Resource("secrets").Name("s").DoRaw(ctx); err != nil {
				t.Fatal(err)
			}
			apply := fmt.Sprintf("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  token: %s\n", plainValue)
			if _, err := rc.Patch(types.ApplyPatchType).Namespace("ns").Resource("secrets").Name("s").Body([]byte(apply)).DoRaw(ctx); err != nil {
				t.Fatal(err)
			}
			log := buf.String()
			for _, leak := range []string{secretValue, plainValue, password} {
				if strings.Contains(log, leak) {
					t.Errorf("the log at -v=%d shows %q:\n%s", v, leak, log)
				}
			}
			if !strings.Contains(log, "admin:xxxxx@") {
				t.Errorf("the log at -v=%d does not show the URL with its password masked:\n%s", v, log)
			}
			if v >= 8 && (!strings.Contains(log, "Response Body") || !strings.Contains(log, `\"password\":\"***\"`) || !strings.Contains(log, "token: '***'")) {
				t.Errorf("the log at -v=%d does not show the bodies with their values masked:\n%s", v, log)
			}
		})
	}
}

// TestKlogLinesMasked: klog's own lines (Infof) are masked too, and -v
// still decides what is written.
func TestKlogLinesMasked(t *testing.T) {
	buf := withVerbosity(t, 4)
	klog.V(4).Infof("reading https://admin:%s@h:6443/api", password)
	klog.V(5).Infof("not logged at -v=4")
	klog.FromContext(context.Background()).V(5).Info("not logged either")
	klog.FromContext(context.Background()).V(4).Info("structured", "server", "https://admin:"+password+"@h")
	log := buf.String()
	if strings.Contains(log, password) || strings.Count(log, "admin:xxxxx@h") != 2 {
		t.Errorf("log:\n%s\nwant the two lines with the password masked", log)
	}
	if strings.Contains(log, "not logged") {
		t.Errorf("log:\n%s\nwant nothing above -v=4", log)
	}
	if !strings.Contains(log, "logmask_test.go:") {
		t.Errorf("log:\n%s\nwant the header to name the caller", log)
	}
}
