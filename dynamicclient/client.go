package dynamicclient

import (
	"encoding/json"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
)

// Client reads resources through the dynamic client, the metadata client and
// a REST client for server-side tables and raw paths, all sharing one HTTP
// client (one connection pool).
type Client struct {
	dyn  dynamic.Interface
	meta metadata.Interface
	// rest sends requests with the Accept header kdx chooses (tables, raw).
	rest *rest.RESTClient
}

// New returns a Client for cfg.
func New(cfg *rest.Config) (*Client, error) {
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
	rest, err := rest.UnversionedRESTClientForConfigAndClient(rc, hc)
	if err != nil {
		return nil, fmt.Errorf("failed to create REST client: %w", err)
	}
	return &Client{dyn: dyn, meta: md, rest: rest}, nil
}

// Dynamic is the underlying dynamic client.
func (c *Client) Dynamic() dynamic.Interface { return c.dyn }

// Metadata is the underlying metadata client.
func (c *Client) Metadata() metadata.Interface { return c.meta }

// REST is the REST client for requests the typed clients cannot make.
func (c *Client) REST() *rest.RESTClient { return c.rest }

// resourcePath is the URL path of a resource's collection, or of one object
// when name is set, with an optional subresource.
func resourcePath(gvr schema.GroupVersionResource, namespaced bool, namespace, name, subresource string) string {
	parts := []string{"/api", gvr.Version}
	if gvr.Group != "" {
		parts = []string{"/apis", gvr.Group, gvr.Version}
	}
	if namespaced && namespace != "" {
		parts = append(parts, "namespaces", namespace)
	}
	parts = append(parts, gvr.Resource)
	if name != "" {
		parts = append(parts, name)
		if subresource != "" {
			parts = append(parts, subresource)
		}
	}
	return strings.Join(parts, "/")
}

// rawBody is the body of res, or its error as the server's Status (which
// Result.Raw does not decode: a 403 would read "unknown").
func rawBody(res rest.Result) ([]byte, error) {
	body, err := res.Raw()
	if err == nil {
		return body, nil
	}
	var status metav1.Status
	if len(body) > 0 && json.Unmarshal(body, &status) == nil && status.Kind == "Status" && status.Status == metav1.StatusFailure {
		return nil, &apierrors.StatusError{ErrStatus: status}
	}
	return nil, err
}
