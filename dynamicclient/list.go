package dynamicclient

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/duration"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/client-go/dynamic"

	"github.com/kdxproject/kdx/discovery"
)

// TableAccept is the Accept header of server-side table requests, as kubectl sends it.
const TableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"

// resourceClient is the dynamic client of m in namespace ("" for all namespaces
// or a cluster-scoped resource).
func (c *Client) resourceClient(m discovery.Mapping, namespace string) dynamic.ResourceInterface {
	r := c.dyn.Resource(m.GVR)
	if m.Namespaced && namespace != "" {
		return r.Namespace(namespace)
	}
	return r
}

// ListPages lists one resource page by page (opts.Limit is the chunk size,
// 0 for one request), calling fn for each page as it arrives while the next
// page is already being fetched. namespace "" means all namespaces (or the
// resource is cluster-scoped). fn must not keep the list after it returns
// unless it owns it: each page is a new list.
func (c *Client) ListPages(ctx context.Context, m discovery.Mapping, namespace string, opts metav1.ListOptions, fn func(*unstructured.UnstructuredList) error) error {
	rc := c.resourceClient(m, namespace)
	fetch := func(ctx context.Context, o metav1.ListOptions) (*unstructured.UnstructuredList, string, error) {
		l, err := rc.List(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return l, l.GetContinue(), nil
	}
	return pages(ctx, opts, fetch, fn)
}

// Get gets one object, or its subresource ("" for the object itself).
func (c *Client) Get(ctx context.Context, m discovery.Mapping, namespace, name, subresource string) (*unstructured.Unstructured, error) {
	var sub []string
	if subresource != "" {
		sub = []string{subresource}
	}
	return c.resourceClient(m, namespace).Get(ctx, name, metav1.GetOptions{}, sub...)
}

// MetadataPages lists the metadata of one resource's objects
// (PartialObjectMetadataList, protobuf when the server can), page by page
// as ListPages does. Items carry m's kind and apiVersion.
func (c *Client) MetadataPages(ctx context.Context, m discovery.Mapping, namespace string, opts metav1.ListOptions, fn func(*metav1.PartialObjectMetadataList) error) error {
	r := c.meta.Resource(m.GVR)
	fetch := func(ctx context.Context, o metav1.ListOptions) (*metav1.PartialObjectMetadataList, string, error) {
		var l *metav1.PartialObjectMetadataList
		var err error
		if m.Namespaced && namespace != "" {
			l, err = r.Namespace(namespace).List(ctx, o)
		} else {
			l, err = r.List(ctx, o)
		}
		if err != nil {
			return nil, "", err
		}
		for i := range l.Items {
			l.Items[i].APIVersion, l.Items[i].Kind = m.GVK.ToAPIVersionAndKind()
		}
		return l, l.Continue, nil
	}
	return pages(ctx, opts, fetch, fn)
}

// TablePages is ListPages with server-side tables: each page is a
// metav1.Table whose rows carry the object as include asks (None, Metadata
// or Object; "" leaves the server's default, Metadata). Row objects stay raw
// (RawExtension.Raw). When the server cannot make a table, the page holds
// NAME and AGE columns built from the objects.
func (c *Client) TablePages(ctx context.Context, m discovery.Mapping, namespace string, opts metav1.ListOptions, include metav1.IncludeObjectPolicy, fn func(*metav1.Table) error) error {
	path := resourcePath(m.GVR, m.Namespaced, namespace, "", "")
	fetch := func(ctx context.Context, o metav1.ListOptions) (*metav1.Table, string, error) {
		t, err := c.table(ctx, path, listParams(o, include))
		if err != nil {
			return nil, "", err
		}
		return t, t.Continue, nil
	}
	return pages(ctx, opts, fetch, fn)
}

// GetTable gets one object (or its subresource) as a server-side table.
func (c *Client) GetTable(ctx context.Context, m discovery.Mapping, namespace, name, subresource string, include metav1.IncludeObjectPolicy) (*metav1.Table, error) {
	path := resourcePath(m.GVR, m.Namespaced, namespace, name, subresource)
	return c.table(ctx, path, listParams(metav1.ListOptions{}, include))
}

// table requests path as a Table and decodes it.
func (c *Client) table(ctx context.Context, path string, params url.Values) (*metav1.Table, error) {
	req := c.rest.Get().AbsPath(path).SetHeader("Accept", TableAccept)
	for k, vs := range params {
		for _, v := range vs {
			req.Param(k, v)
		}
	}
	body, err := req.Do(ctx).Raw()
	if err != nil {
		return nil, err
	}
	return DecodeTable(body, time.Now())
}

// listParams are the query parameters of a list request.
func listParams(o metav1.ListOptions, include metav1.IncludeObjectPolicy) url.Values {
	v := url.Values{}
	if o.LabelSelector != "" {
		v.Set("labelSelector", o.LabelSelector)
	}
	if o.FieldSelector != "" {
		v.Set("fieldSelector", o.FieldSelector)
	}
	if o.Limit > 0 {
		v.Set("limit", strconv.FormatInt(o.Limit, 10))
	}
	if o.Continue != "" {
		v.Set("continue", o.Continue)
	}
	if o.ResourceVersion != "" {
		v.Set("resourceVersion", o.ResourceVersion)
	}
	if include != "" {
		v.Set("includeObject", string(include))
	}
	return v
}

// DecodeTable decodes a server response asked for as a Table. A response
// that is not a Table (a server without table support) becomes a table of
// NAME and AGE, ages relative to now, as kubectl prints such objects.
func DecodeTable(body []byte, now time.Time) (*metav1.Table, error) {
	var probe metav1.TypeMeta
	if err := utiljson.Unmarshal(body, &probe); err != nil {
		return nil, fmt.Errorf("failed to decode server response: %w", err)
	}
	if probe.Kind == "Table" && strings.HasPrefix(probe.APIVersion, "meta.k8s.io/") {
		t := &metav1.Table{}
		if err := utiljson.Unmarshal(body, t); err != nil {
			return nil, fmt.Errorf("failed to decode table: %w", err)
		}
		return t, nil
	}
	obj, err := runtime.Decode(unstructured.UnstructuredJSONScheme, body)
	if err != nil {
		return nil, fmt.Errorf("failed to decode server response: %w", err)
	}
	return fallbackTable(obj, now), nil
}

// fallbackTable builds kubectl's NAME and AGE table for objects the server
// cannot print; rows hold the objects.
func fallbackTable(obj runtime.Object, now time.Time) *metav1.Table {
	t := &metav1.Table{ColumnDefinitions: []metav1.TableColumnDefinition{
		{Name: "Name", Type: "string", Format: "name"},
		{Name: "Age", Type: "string"},
	}}
	add := func(u *unstructured.Unstructured) {
		t.Rows = append(t.Rows, metav1.TableRow{
			Cells:  []any{u.GetName(), age(u.GetCreationTimestamp(), now)},
			Object: runtime.RawExtension{Object: u},
		})
	}
	switch o := obj.(type) {
	case *unstructured.UnstructuredList:
		t.Continue, t.ResourceVersion = o.GetContinue(), o.GetResourceVersion()
		for i := range o.Items {
			add(&o.Items[i])
		}
	case *unstructured.Unstructured:
		add(o)
	}
	return t
}

// age is kubectl's age of a creation timestamp.
func age(ts metav1.Time, now time.Time) string {
	if ts.IsZero() {
		return "<unknown>"
	}
	return duration.HumanDuration(now.Sub(ts.Time))
}
