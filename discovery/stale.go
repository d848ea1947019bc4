package discovery

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/sync/errgroup"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// staleReason is the reason of a group/version that aggregated discovery
// marks stale, until the APIService says more.
const staleReason = "the aggregated API is not available (discovery marks it stale)"

// apiService is the part of an APIService that explains its availability.
type apiService struct {
	Status struct {
		Conditions []metav1.Condition `json:"conditions"`
	} `json:"status"`
}

// explainStale replaces the reasons of stale group/versions by their
// APIService's Available condition, where the user may read it.
func (c *Client) explainStale(ctx context.Context, fs []Failure) {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i := range fs {
		if fs[i].Reason != staleReason {
			continue
		}
		g.Go(func() error {
			if why := c.apiServiceReason(gctx, fs[i].GroupVersion); why != "" {
				fs[i].Reason = why
			}
			return nil
		})
	}
	_ = g.Wait()
}

// apiServiceReason is the APIService's Available condition for gv, or ""
// when it cannot be read.
func (c *Client) apiServiceReason(ctx context.Context, gvString string) string {
	gv, err := schema.ParseGroupVersion(gvString)
	if err != nil {
		return ""
	}
	name := gv.Version + "." + gv.Group
	resp, err := c.get(ctx, "/apis/apiregistration.k8s.io/v1/apiservices/"+name, "application/json", nil)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	var svc apiService
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&svc) != nil {
		return ""
	}
	for _, cond := range svc.Status.Conditions {
		if cond.Type == "Available" && cond.Status != metav1.ConditionTrue {
			return fmt.Sprintf("APIService %s is not available: %s", name, conditionText(cond))
		}
	}
	return ""
}

func conditionText(c metav1.Condition) string {
	switch {
	case c.Reason != "" && c.Message != "":
		return c.Reason + ": " + strings.TrimSpace(c.Message)
	case c.Message != "":
		return strings.TrimSpace(c.Message)
	}
	return c.Reason
}
