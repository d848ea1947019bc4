package discovery

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path"
	"sort"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"
	apidiscoveryv2 "k8s.io/api/apidiscovery/v2"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// acceptAggregated asks for aggregated discovery (apidiscovery.k8s.io/v2),
// or the legacy list.
const acceptAggregated = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"

// fetch asks the server for discovery, revalidating prev's documents with
// their ETags. changed is false when the server confirmed prev as it is.
func (c *Client) fetch(ctx context.Context, prev *cacheRecord) (rec *cacheRecord, changed bool, err error) {
	var prevAPI, prevAPIs *document
	if prev != nil && prev.Aggregated {
		prevAPI, prevAPIs = &prev.API, &prev.APIs
	}
	var api, apis *document
	var aggAPI, aggAPIs bool
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { api, aggAPI, err = c.getAggregated(gctx, "/api", prevAPI); return err })
	g.Go(func() (err error) { apis, aggAPIs, err = c.getAggregated(gctx, "/apis", prevAPIs); return err })
	if err := g.Wait(); err != nil {
		return nil, false, err
	}
	if !aggAPI || !aggAPIs {
		rec, err := c.fetchLegacy(ctx)
		return rec, true, err
	}
	rec = &cacheRecord{Format: cacheFormat, Server: c.server.String(), FetchedAt: time.Now(), Aggregated: true, API: *api, APIs: *apis}
	changed = api != prevAPI || apis != prevAPIs
	if changed {
		c.explainStale(ctx, rec.APIs.Failures)
	}
	return rec, changed, nil
}

// getAggregated gets one aggregated discovery document. It returns prev on
// a 304, and aggregated=false when the server answered in the legacy format.
func (c *Client) getAggregated(ctx context.Context, p string, prev *document) (doc *document, aggregated bool, err error) {
	resp, err := c.get(ctx, p, acceptAggregated, prev)
	if err != nil {
		return nil, false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified && prev != nil {
		return prev, true, nil
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, false, fmt.Errorf("failed to read %s: %w", p, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, false, responseError(p, resp.StatusCode, body)
	}
	if !strings.Contains(resp.Header.Get("Content-Type"), "as=APIGroupDiscoveryList") {
		return nil, false, nil
	}
	var list apidiscoveryv2.APIGroupDiscoveryList
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, false, fmt.Errorf("failed to decode %s: %w", p, err)
	}
	doc = fromAggregated(list)
	doc.ETag = resp.Header.Get("ETag")
	return doc, true, nil
}

// get sends a GET for the server path p, conditional on prev's ETag.
func (c *Client) get(ctx context.Context, p, accept string, prev *document) (*http.Response, error) {
	u := *c.server
	u.Path = path.Join(u.Path, p)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", accept)
	if prev != nil && prev.ETag != "" {
		req.Header.Set("If-None-Match", prev.ETag)
	}
	return c.http.Do(req)
}

// responseError turns an error response into the API error it carries.
func responseError(p string, code int, body []byte) error {
	var status metav1.Status
	if json.Unmarshal(body, &status) == nil && status.Kind == "Status" {
		return fmt.Errorf("failed to get %s: %w", p, &apierrors.StatusError{ErrStatus: status})
	}
	return fmt.Errorf("failed to get %s: %w", p, apierrors.NewGenericServerResponse(code, http.MethodGet, schema.GroupResource{}, "", strings.TrimSpace(string(body)), 0, true))
}

func sortFailures(fs []Failure) {
	sort.Slice(fs, func(i, j int) bool { return fs[i].GroupVersion < fs[j].GroupVersion })
}

// failureReason words why one group/version could not be read.
func failureReason(err error) string {
	switch {
	case apierrors.IsForbidden(err):
		return "forbidden"
	case apierrors.IsServiceUnavailable(err):
		return "the aggregated API is not available (503 Service Unavailable)"
	}
	return err.Error()
}
