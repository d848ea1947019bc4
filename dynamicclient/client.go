package dynamicclient

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/internal/readcap"
)

// Client reads resources through the dynamic client, the metadata client and
// a REST client for server-side tables and raw paths, all sharing one HTTP
// client (one connection pool).
type Client struct {
	dyn  dynamic.Interface
	meta metadata.Interface
	// rest sends requests with the Accept header kdx chooses (tables, raw).
	rest *rest.RESTClient
	// metaREST is rest with the metadata client's codecs (protobuf).
	metaREST *rest.RESTClient
	// warnings receives the warnings of lists (an expired continue token);
	// nil discards them.
	warnings io.Writer
	// wait is the pagers' wait before another try (tests shorten it).
	wait func(ctx context.Context, d time.Duration) error
	// gate holds the watches back while the server cannot be reached.
	gate *serverGate
}

// Option sets an optional part of a Client.
type Option func(*Client)

// WithWarnings sends the warnings of lists to w, as "Warning: ..." lines
// (without it they are dropped).
func WithWarnings(w io.Writer) Option { return func(c *Client) { c.warnings = w } }

// New returns a Client for cfg. The bodies of its answers are capped (see
// bodyLimit), and so are the events of its watches.
func New(cfg *rest.Config, opts ...Option) (*Client, error) {
	cfg = rest.CopyConfig(cfg)
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { return readcap.Transport(rt, bodyLimit) })
	hc, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("failed to create HTTP client: %w", err)
	}
	dyn, err := dynamic.NewForConfigAndClient(cfg, hc)
	if err != nil {
		return nil, fmt.Errorf("failed to create dynamic client: %w", err)
	}
	md, err := metadata.NewForConfigAndClient(cfg, hc)
	if err != nil {
		return nil, fmt.Errorf("failed to create metadata client: %w", err)
	}
	rc := dynamic.ConfigFor(cfg)
	rc.GroupVersion = nil
	rc.APIPath = "/"
	rc.NegotiatedSerializer = cappedFrames{rc.NegotiatedSerializer}
	restClient, err := rest.UnversionedRESTClientForConfigAndClient(rc, hc)
	if err != nil {
		return nil, fmt.Errorf("failed to create REST client: %w", err)
	}
	mc := metadata.ConfigFor(cfg)
	mc.GroupVersion = &schema.GroupVersion{}
	mc.APIPath = "/"
	metaREST, err := rest.RESTClientForConfigAndClient(mc, hc)
	if err != nil {
		return nil, fmt.Errorf("failed to create metadata REST client: %w", err)
	}
	c := &Client{dyn: dyn, meta: md, rest: restClient, metaREST: metaREST, wait: sleep}
	c.gate = &serverGate{client: c}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// newPager is the pager of one list of m; keys and filter are those of
// its page type.
func newPager[T any](c *Client, m discovery.Mapping, fetch fetchFunc[T], keys func(T) []string, filter func(T, func(int) bool) T) *pager[T] {
	return &pager[T]{resource: m.QualifiedName(), fetch: fetch, keys: keys, filter: filter,
		warnings: c.warnings, wait: c.wait}
}

// Dynamic is the underlying dynamic client.
func (c *Client) Dynamic() dynamic.Interface { return c.dyn }

// Metadata is the underlying metadata client.
func (c *Client) Metadata() metadata.Interface { return c.meta }

// REST is the REST client for requests the typed clients cannot make.
func (c *Client) REST() *rest.RESTClient { return c.rest }

// rawBody is the body of res, or its error as the server's Status (which
// Result.Raw does not decode: a 403 would read "unknown").
func rawBody(res rest.Result) ([]byte, error) {
	body, err := res.Raw()
	if err == nil {
		return body, nil
	}
	err = capError(err)
	var status metav1.Status
	if len(body) > 0 && json.Unmarshal(body, &status) == nil && status.Kind == "Status" && status.Status == metav1.StatusFailure {
		return nil, &apierrors.StatusError{ErrStatus: status}
	}
	return nil, err
}
