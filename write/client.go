package write

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/internal/readcap"
)

// jsonType is the content type of JSON bodies.
const jsonType = "application/json"

// MetadataObjectAccept is the Accept header that asks for an object's
// metadata only, falling back to the whole object.
const MetadataObjectAccept = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json"

// Client sends the requests of the write verbs for any resource, and tells
// its callers the status code and the server's Date of each answer, which
// the dynamic client does not.
type Client struct {
	// rest talks JSON to the server; its transport records Date headers.
	rest rest.Interface
}

// Response is the server's answer to one request.
type Response struct {
	// Object is the object returned; nil when the server returned a Status.
	Object *unstructured.Unstructured
	// Code is the HTTP status code.
	Code int
	// Date is the server's Date header (second precision); zero if unknown.
	Date time.Time
}

// RequestOptions are the query parameters of one write.
type RequestOptions struct {
	// DryRun asks the server to run everything but storing (dryRun=All).
	DryRun bool
	// FieldManager names the writer in managedFields.
	FieldManager string
	// FieldValidation is Strict, Warn or Ignore; "" leaves the server's default.
	FieldValidation string
	// Force takes over conflicting fields in a server-side apply.
	Force bool
	// Subresource is "status", "scale" or "" for the object itself.
	Subresource string
	// MetadataOnly asks the server to answer with the object's metadata
	// only, which is cheaper to encode, send and decode.
	MetadataOnly bool
}

// NewClient builds a Client for cfg (which it does not modify).
func NewClient(cfg *rest.Config) (*Client, error) {
	c := dynamic.ConfigFor(cfg)
	c.Wrap(func(rt http.RoundTripper) http.RoundTripper { return dateRecorder{next: rt} })
	c.Wrap(func(rt http.RoundTripper) http.RoundTripper { return readcap.Transport(rt, objectLimit) })
	rc, err := rest.UnversionedRESTClientFor(c)
	if err != nil {
		return nil, fmt.Errorf("failed to build the REST client: %w", err)
	}
	return &Client{rest: rc}, nil
}

// NewClientFor uses rc, a REST client configured as the dynamic client's
// (JSON, unversioned); tests pass fakes.
func NewClientFor(rc rest.Interface) *Client { return &Client{rest: rc} }

// Create posts body to the collection of ref.
func (c *Client) Create(ctx context.Context, ref Ref, body []byte, o RequestOptions) (Response, error) {
	coll := ref
	coll.Name = ""
	req := c.rest.Post().AbsPath(coll.path("")).SetHeader("Content-Type", jsonType).Body(body)
	return c.do(ctx, withParams(req, o, false))
}

// Apply sends body as a server-side apply patch.
func (c *Client) Apply(ctx context.Context, ref Ref, body []byte, o RequestOptions) (Response, error) {
	req := c.rest.Patch(types.ApplyPatchType).AbsPath(ref.path(o.Subresource)).Body(body)
	return c.do(ctx, withParams(req, o, true))
}

// Update puts body in place of the object (or its subresource).
func (c *Client) Update(ctx context.Context, ref Ref, body []byte, o RequestOptions) (Response, error) {
	req := c.rest.Put().AbsPath(ref.path(o.Subresource)).SetHeader("Content-Type", jsonType).Body(body)
	return c.do(ctx, withParams(req, o, false))
}

// Patch sends a patch of type pt.
func (c *Client) Patch(ctx context.Context, ref Ref, pt types.PatchType, body []byte, o RequestOptions) (Response, error) {
	req := c.rest.Patch(pt).AbsPath(ref.path(o.Subresource)).Body(body)
	return c.do(ctx, withParams(req, o, pt == types.ApplyPatchType))
}

// Delete deletes the object; a 200 means it is gone, a 202 that it is going.
func (c *Client) Delete(ctx context.Context, ref Ref, opts metav1.DeleteOptions) (Response, error) {
	body, err := json.Marshal(opts)
	if err != nil {
		return Response{}, fmt.Errorf("failed to encode delete options: %w", err)
	}
	return c.do(ctx, c.rest.Delete().AbsPath(ref.path("")).SetHeader("Content-Type", jsonType).Body(body))
}

// Get reads the object (or its subresource).
func (c *Client) Get(ctx context.Context, ref Ref, subresource string) (Response, error) {
	return c.do(ctx, c.rest.Get().AbsPath(ref.path(subresource)))
}

// GetMetadata reads the object's metadata only (the whole object from a
// server that cannot send metadata alone).
func (c *Client) GetMetadata(ctx context.Context, ref Ref) (Response, error) {
	return c.do(ctx, c.rest.Get().AbsPath(ref.path("")).SetHeader("Accept", MetadataObjectAccept))
}

// withParams adds the query parameters of o.
func withParams(req *rest.Request, o RequestOptions, apply bool) *rest.Request {
	if o.MetadataOnly && o.Subresource != "scale" {
		req = req.SetHeader("Accept", MetadataObjectAccept)
	}
	if o.DryRun {
		req = req.Param("dryRun", metav1.DryRunAll)
	}
	if o.FieldManager != "" {
		req = req.Param("fieldManager", o.FieldManager)
	}
	if o.FieldValidation != "" {
		req = req.Param("fieldValidation", o.FieldValidation)
	}
	if apply && o.Force {
		req = req.Param("force", "true")
	}
	return req
}

// do runs req and decodes the answer.
func (c *Client) do(ctx context.Context, req *rest.Request) (Response, error) {
	var date time.Time
	ctx = context.WithValue(ctx, dateKey{}, &date)
	var resp Response
	res := req.Do(readcap.Quiet(ctx)).StatusCode(&resp.Code)
	resp.Date = date
	if err := res.Error(); err != nil {
		return resp, err // Error, unlike Raw, decodes the server's Status
	}
	raw, err := res.Raw()
	if err != nil {
		return resp, err
	}
	resp.Object, err = decodeObject(raw)
	return resp, err
}

// decodeObject decodes a JSON object; a Status decodes to nil.
func decodeObject(raw []byte) (*unstructured.Unstructured, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	obj := &unstructured.Unstructured{}
	if err := obj.UnmarshalJSON(raw); err != nil {
		return nil, fmt.Errorf("failed to decode the server's answer: %w", err)
	}
	if obj.GetKind() == "Status" && obj.GetAPIVersion() == "v1" {
		return nil, nil
	}
	return obj, nil
}

// objectLimit caps each answer of a write: one object, or a Status.
func objectLimit(*http.Request, *http.Response) readcap.Limit {
	return readcap.Limit{Cap: readcap.MaxObjectBytes, What: "kdx's cap for one object"}
}

// dateKey is the context key of the *time.Time a request's Date goes to.
type dateKey struct{}

// dateRecorder stores each response's Date header where the request's
// context asks for it.
type dateRecorder struct{ next http.RoundTripper }

var _ http.RoundTripper = dateRecorder{}

func (d dateRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := d.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	if p, ok := req.Context().Value(dateKey{}).(*time.Time); ok {
		if t, perr := http.ParseTime(resp.Header.Get("Date")); perr == nil {
			*p = t
		}
	}
	return resp, nil
}
