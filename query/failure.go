package query

import (
	"context"
	"errors"
	"net/url"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// Class is a kind of failure a user can act on; every command words each
// class the same way.
type Class int

// The failure classes, in the order reports list them.
const (
	// Unreachable: the server could not be reached at all (refused,
	// no such host, TLS, a transport timeout). Nothing else can work.
	Unreachable Class = iota
	// Unauthorized: the server rejected the credentials (401).
	Unauthorized
	// Forbidden: the user may not do this (403).
	Forbidden
	// Unavailable: the API behind the resource is down, typically an
	// aggregated API whose server does not answer (503).
	Unavailable
	// ConversionWebhook: a CRD's conversion webhook failed.
	ConversionWebhook
	// AdmissionWebhook: an admission webhook failed or refused.
	AdmissionWebhook
	// NotFound: the resource or object does not exist (any more).
	NotFound
	// Timeout: the server or the request timed out.
	Timeout
	// Other is everything else.
	Other
)

// String is the class as reports name it.
func (c Class) String() string {
	switch c {
	case Unreachable:
		return "server unreachable"
	case Unauthorized:
		return "unauthorized"
	case Forbidden:
		return "forbidden"
	case Unavailable:
		return "API unavailable"
	case ConversionWebhook:
		return "conversion webhook failed"
	case AdmissionWebhook:
		return "admission webhook failed"
	case NotFound:
		return "not found"
	case Timeout:
		return "timed out"
	}
	return "failed"
}

// Classify tells which class err belongs to.
func Classify(err error) Class {
	var uerr *url.Error
	switch {
	case errors.As(err, &uerr):
		return Unreachable
	case apierrors.IsUnauthorized(err):
		return Unauthorized
	case isWebhook(err, "conversion webhook"):
		return ConversionWebhook
	case isWebhook(err, "admission webhook") || isWebhook(err, "failed calling webhook"):
		// before Forbidden: policy webhooks (Gatekeeper, Kyverno) deny
		// with code 403, and their reason is what the user needs.
		return AdmissionWebhook
	case apierrors.IsForbidden(err):
		return Forbidden
	case apierrors.IsServiceUnavailable(err):
		return Unavailable
	case apierrors.IsNotFound(err):
		return NotFound
	case apierrors.IsTimeout(err), apierrors.IsServerTimeout(err), errors.Is(err, context.DeadlineExceeded):
		return Timeout
	}
	return Other
}

// isWebhook reports whether err is an API error whose message says a
// webhook of that kind failed.
func isWebhook(err error, words string) bool {
	var status apierrors.APIStatus
	if !errors.As(err, &status) {
		return false
	}
	return strings.Contains(status.Status().Message, words)
}

// Failure is one thing that could not be read or written.
type Failure struct {
	// What names it: a resource (configmaps, gadgets.multi.example.org),
	// an object (configmap/app) or a cluster.
	What string
	// Err is why.
	Err error
	// Class is Classify(Err).
	Class Class
}

// NewFailure classifies err for what.
func NewFailure(what string, err error) Failure {
	return Failure{What: what, Err: err, Class: Classify(err)}
}
