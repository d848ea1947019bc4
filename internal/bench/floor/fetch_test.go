package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestContinueToken(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{"table page", `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"5","continue":"abc"},"rows":[{"cells":["x"]}]}`, "abc"},
		{"last page", `{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"5"},"items":[]}`, ""},
		{"no metadata", `{"kind":"List"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := continueToken(strings.NewReader(tt.body))
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v; want %q, nil", got, err, tt.want)
			}
		})
	}
}

func TestListPath(t *testing.T) {
	tests := []struct {
		gv       schema.GroupVersion
		resource string
		want     string
	}{
		{schema.GroupVersion{Version: "v1"}, "configmaps", "/api/v1/configmaps"},
		{schema.GroupVersion{Group: "apps", Version: "v1"}, "deployments", "/apis/apps/v1/deployments"},
	}
	for _, tt := range tests {
		if got := listPath(tt.gv, tt.resource); got != tt.want {
			t.Errorf("listPath(%v, %s): got %q, want %q", tt.gv, tt.resource, got, tt.want)
		}
	}
}

func TestListFirstPageOnly(t *testing.T) {
	var requests []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests = append(requests, r.URL.RawQuery)
		fmt.Fprint(w, `{"kind":"List","metadata":{"continue":"next","remainingItemCount":9},"items":[{}]}`)
	}))
	defer srv.Close()
	f := &fetcher{client: srv.Client(), host: srv.URL, chunkSize: 1, firstPageOnly: true}
	stats, err := f.list(context.Background(), "/api/v1/configmaps", acceptMetadata)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Requests != 1 || len(requests) != 1 || requests[0] != "limit=1" {
		t.Errorf("got %d requests %q, want one with limit=1", stats.Requests, requests)
	}
}
