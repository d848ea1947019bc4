package query

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var (
	podsGR   = schema.GroupResource{Resource: "pods"}
	gadgetGR = schema.GroupResource{Group: "multi.example.org", Resource: "gadgets"}
)

// statusErr is an API error as client-go decodes it from a Status body.
func statusErr(code int32, reason metav1.StatusReason, msg string) error {
	return &apierrors.StatusError{ErrStatus: metav1.Status{Status: metav1.StatusFailure, Code: code, Reason: reason, Message: msg}}
}

// conversionErr is what apiextensions-apiserver returns when a CRD's
// conversion webhook cannot be called.
func conversionErr() error {
	return apierrors.NewInternalError(errors.New(`conversion webhook for multi.example.org/v1, Kind=Gadget failed: Post "https://conv.kdx-demo.svc:443/convert?timeout=30s": dial tcp 10.96.0.42:443: connect: connection refused`))
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want Class
	}{
		{"connection refused", refused("pods"), Unreachable},
		{"wrapped connection refused", fmt.Errorf("failed to list pods: %w", refused("pods")), Unreachable},
		{"unauthorized", apierrors.NewUnauthorized("Unauthorized"), Unauthorized},
		{"forbidden", apierrors.NewForbidden(podsGR, "", errors.New(`User "jane" cannot list resource "pods" in API group "" in the namespace "default"`)), Forbidden},
		{"wrapped forbidden", fmt.Errorf("failed to list: %w", apierrors.NewForbidden(podsGR, "", errors.New("no"))), Forbidden},
		{"service unavailable", apierrors.NewServiceUnavailable("the server is currently unable to handle the request"), Unavailable},
		{"503 without a reason", statusErr(http.StatusServiceUnavailable, "", "the server is currently unable to handle the request (get pods.metrics.k8s.io)"), Unavailable},
		{"conversion webhook", conversionErr(), ConversionWebhook},
		{"admission webhook call failed", apierrors.NewInternalError(errors.New(`failed calling webhook "x.example.org": failed to call webhook: Post "https://x.kdx-demo.svc:443/validate?timeout=10s": dial tcp 10.96.0.43:443: connect: connection refused`)), AdmissionWebhook},
		{"admission webhook denied (400)", statusErr(http.StatusBadRequest, "", `admission webhook "x" denied the request: name is reserved`), AdmissionWebhook},
		{"not found", apierrors.NewNotFound(podsGR, "web-0"), NotFound},
		{"not found CRD object", apierrors.NewNotFound(gadgetGR, "g1"), NotFound},
		{"timeout", apierrors.NewTimeoutError("request did not complete within 60s", 0), Timeout},
		{"server timeout", apierrors.NewServerTimeout(podsGR, "list", 0), Timeout},
		{"deadline exceeded", context.DeadlineExceeded, Timeout},
		{"wrapped deadline exceeded", fmt.Errorf("failed to list pods: %w", context.DeadlineExceeded), Timeout},
		{"plain error", errors.New("something odd"), Other},
		{"internal error", apierrors.NewInternalError(errors.New("etcdserver: request timed out")), Other},
		{"bad request", apierrors.NewBadRequest("unable to parse field selector"), Other},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.err); got != tt.want {
				t.Errorf("Classify(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

// TestClassifyDenialWithForbiddenCode: webhooks such as Gatekeeper deny
// with code 403; the denial, not the RBAC class, is what the user needs,
// and the Forbidden class drops the message from report lines.
func TestClassifyDenialWithForbiddenCode(t *testing.T) {
	err := statusErr(http.StatusForbidden, "", `admission webhook "validation.gatekeeper.sh" denied the request: [must-have-owner] missing label owner`)
	if got := Classify(err); got != AdmissionWebhook {
		t.Errorf("Classify = %v, want %v", got, AdmissionWebhook)
	}
}

func TestClassString(t *testing.T) {
	want := map[Class]string{
		Unreachable:       "server unreachable",
		Unauthorized:      "unauthorized",
		Forbidden:         "forbidden",
		Unavailable:       "API unavailable",
		ConversionWebhook: "conversion webhook failed",
		AdmissionWebhook:  "admission webhook failed",
		NotFound:          "not found",
		Timeout:           "timed out",
		Other:             "failed",
	}
	seen := map[string]Class{}
	for c := Unreachable; c <= Other; c++ {
		got := c.String()
		if got != want[c] {
			t.Errorf("Class(%d).String() = %q, want %q", c, got, want[c])
		}
		if prev, dup := seen[got]; dup {
			t.Errorf("classes %d and %d both read %q", prev, c, got)
		}
		seen[got] = c
	}
}

func TestNewFailure(t *testing.T) {
	err := apierrors.NewNotFound(podsGR, "web-0")
	got := NewFailure("pods", err)
	if got.What != "pods" || got.Err != err || got.Class != NotFound {
		t.Errorf("NewFailure = %+v, want pods, the error, NotFound", got)
	}
}
