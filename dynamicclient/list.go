package dynamicclient

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/duration"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/internal/readcap"
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
	path := m.Path(namespace, "", "")
	fetch := func(ctx context.Context, o metav1.ListOptions) (*unstructured.UnstructuredList, metav1.ListMeta, error) {
		body, err := c.getPage(ctx, path, "application/json", listParams(o, ""))
		if err != nil {
			return nil, metav1.ListMeta{}, err
		}
		l, err := DecodeList(body)
		if err != nil {
			return nil, metav1.ListMeta{}, err
		}
		return l, unstructuredListMeta(l), nil
	}
	p := newPager(c, m, fetch, unstructuredKeys, filterUnstructured)
	return p.list(ctx, opts, fn)
}

// Get gets one object, or its subresource ("" for the object itself).
func (c *Client) Get(ctx context.Context, m discovery.Mapping, namespace, name, subresource string) (*unstructured.Unstructured, error) {
	var sub []string
	if subresource != "" {
		sub = []string{subresource}
	}
	obj, err := c.resourceClient(m, namespace).Get(readcap.Quiet(objectLimit(ctx)), name, metav1.GetOptions{}, sub...)
	return obj, capError(err)
}

// MetadataPage is the first page of MetadataPages alone: one list request
// (tried again as a page is, on a 429 or a dropped connection) and no
// request for the page after it, which a count of limit=1 does not read.
func (c *Client) MetadataPage(ctx context.Context, m discovery.Mapping, namespace string, opts metav1.ListOptions) (*metav1.PartialObjectMetadataList, error) {
	p := c.metadataPager(m, namespace)
	l, _, err := p.fetchPage(ctx, opts)
	return l, err
}

// MetadataPages lists the metadata of one resource's objects
// (PartialObjectMetadataList, protobuf when the server can), page by page
// as ListPages does. Items carry m's kind and apiVersion.
func (c *Client) MetadataPages(ctx context.Context, m discovery.Mapping, namespace string, opts metav1.ListOptions, fn func(*metav1.PartialObjectMetadataList) error) error {
	return c.metadataPager(m, namespace).list(ctx, opts, fn)
}

// metadataPager is the pager of m's metadata lists in namespace.
func (c *Client) metadataPager(m discovery.Mapping, namespace string) *pager[*metav1.PartialObjectMetadataList] {
	path := m.Path(namespace, "", "")
	fetch := func(ctx context.Context, o metav1.ListOptions) (*metav1.PartialObjectMetadataList, metav1.ListMeta, error) {
		l, err := c.metadataPage(ctx, path, listParams(o, ""))
		if err != nil {
			return nil, metav1.ListMeta{}, err
		}
		for i := range l.Items {
			l.Items[i].APIVersion, l.Items[i].Kind = m.GVK.ToAPIVersionAndKind()
		}
		return l, l.ListMeta, nil
	}
	return newPager(c, m, fetch, metadataKeys, filterMetadata)
}

// TablePages is ListPages with server-side tables: each page is a
// metav1.Table whose rows carry the object as include asks (None, Metadata
// or Object; "" leaves the server's default, Metadata). Row objects stay raw
// (RawExtension.Raw). When the server cannot make a table, the page holds
// NAME and AGE columns built from the objects (see NameAgeTable).
func (c *Client) TablePages(ctx context.Context, m discovery.Mapping, namespace string, opts metav1.ListOptions, include metav1.IncludeObjectPolicy, fn func(*metav1.Table) error) error {
	return c.PrintablePages(ctx, m, namespace, opts, include, func(obj runtime.Object) error {
		if t, ok := obj.(*metav1.Table); ok {
			return fn(t)
		}
		return fn(NameAgeTable(obj, time.Now()))
	})
}

// PrintablePages is TablePages that hands on what the server sent: a
// *metav1.Table, or the *unstructured.UnstructuredList of a server that
// cannot make tables (which kubectl prints as NAME and AGE).
func (c *Client) PrintablePages(ctx context.Context, m discovery.Mapping, namespace string, opts metav1.ListOptions, include metav1.IncludeObjectPolicy, fn func(runtime.Object) error) error {
	path := m.Path(namespace, "", "")
	fetch := func(ctx context.Context, o metav1.ListOptions) (runtime.Object, metav1.ListMeta, error) {
		obj, err := c.printable(ctx, path, include, listParams(o, include), true)
		if err != nil {
			return nil, metav1.ListMeta{}, err
		}
		return obj, listMetaOfPrintable(obj), nil
	}
	p := newPager(c, m, fetch, printableKeys, filterPrintable)
	return p.list(ctx, opts, fn)
}

// listMetaOfPrintable is the continue token and remaining count of a
// table or list.
func listMetaOfPrintable(obj runtime.Object) metav1.ListMeta {
	switch o := obj.(type) {
	case *metav1.Table:
		return o.ListMeta
	case *unstructured.UnstructuredList:
		return unstructuredListMeta(o)
	}
	return metav1.ListMeta{}
}

// unstructuredListMeta is the continue token and remaining count of l.
func unstructuredListMeta(l *unstructured.UnstructuredList) metav1.ListMeta {
	return metav1.ListMeta{Continue: l.GetContinue(), RemainingItemCount: l.GetRemainingItemCount()}
}

// GetTable gets one object (or its subresource) as a server-side table
// (or NAME and AGE when the server cannot make one).
func (c *Client) GetTable(ctx context.Context, m discovery.Mapping, namespace, name, subresource string, include metav1.IncludeObjectPolicy) (*metav1.Table, error) {
	obj, err := c.GetPrintable(ctx, m, namespace, name, subresource, include)
	if err != nil {
		return nil, err
	}
	if t, ok := obj.(*metav1.Table); ok {
		return t, nil
	}
	return NameAgeTable(obj, time.Now()), nil
}

// GetPrintable is GetTable handing on what the server sent: a *metav1.Table
// or, from a server that cannot make tables, the *unstructured.Unstructured.
func (c *Client) GetPrintable(ctx context.Context, m discovery.Mapping, namespace, name, subresource string, include metav1.IncludeObjectPolicy) (runtime.Object, error) {
	path := m.Path(namespace, name, subresource)
	return c.printable(ctx, path, include, listParams(metav1.ListOptions{}, include), false)
}

// printable requests path as a Table and decodes the answer; a page of a
// pager is sent without client-go's retries (see getPage).
func (c *Client) printable(ctx context.Context, path string, include metav1.IncludeObjectPolicy, params url.Values, page bool) (runtime.Object, error) {
	get := c.get
	if page {
		get = c.getPage
	} else {
		ctx = objectLimit(ctx)
	}
	body, err := get(ctx, path, TableAccept, params)
	if err != nil {
		return nil, err
	}
	if include == IncludePrintedMetadata {
		return DecodePrintableSlim(body)
	}
	return DecodePrintable(body)
}

// get GETs path with the query params, asking for accept, and returns the
// body (see rawBody).
func (c *Client) get(ctx context.Context, path, accept string, params url.Values) ([]byte, error) {
	return rawBody(withParams(c.rest.Get().AbsPath(path).SetHeader("Accept", accept), params).Do(readcap.Quiet(ctx)))
}

// getPage is get for a page of a pager, which decides itself what to try
// again: client-go's retries are off.
func (c *Client) getPage(ctx context.Context, path, accept string, params url.Values) ([]byte, error) {
	req := c.rest.Get().AbsPath(path).SetHeader("Accept", accept).MaxRetries(0)
	return rawBody(withParams(req, params).Do(readcap.Quiet(ctx)))
}

// metadataAccept asks for a list of object metadata, in protobuf when the
// server can, as client-go's metadata client does.
const metadataAccept = "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"

// metadataPage gets one page of object metadata as client-go's metadata
// client does, without its retries (see getPage).
func (c *Client) metadataPage(ctx context.Context, path string, params url.Values) (*metav1.PartialObjectMetadataList, error) {
	req := c.metaREST.Get().AbsPath(path).SetHeader("Accept", metadataAccept).MaxRetries(0)
	res := withParams(req, params).Do(readcap.Quiet(ctx))
	if err := res.Error(); err != nil {
		return nil, capError(err)
	}
	obj, err := res.Get()
	if runtime.IsNotRegisteredError(err) {
		// A server that cannot send metadata only sends whole objects.
		raw, err := res.Raw()
		if err != nil {
			return nil, err
		}
		var l metav1.PartialObjectMetadataList
		if err := utiljson.Unmarshal(raw, &l); err != nil {
			return nil, fmt.Errorf("failed to decode the list as PartialObjectMetadataList: %w", err)
		}
		l.TypeMeta = metav1.TypeMeta{}
		return &l, nil
	}
	if err != nil {
		return nil, err
	}
	l, ok := obj.(*metav1.PartialObjectMetadataList)
	if !ok {
		return nil, fmt.Errorf("failed to decode the list: expected a PartialObjectMetadataList, got %T", obj)
	}
	return l, nil
}

// withParams adds the query params to req.
func withParams(req *rest.Request, params url.Values) *rest.Request {
	for k, vs := range params {
		for _, v := range vs {
			req.Param(k, v)
		}
	}
	return req
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
	if o.ResourceVersionMatch != "" {
		v.Set("resourceVersionMatch", string(o.ResourceVersionMatch))
	}
	if include != "" && include != IncludePrintedMetadata {
		v.Set("includeObject", string(include))
	}
	return v
}

// IncludePrintedMetadata is an include policy of PrintablePages and
// GetPrintable for tables that are only printed: the server sends its
// default row objects (metadata), of which each row keeps what a table
// printer reads of it (name, namespace, labels). Reading 500 rows of
// metadata with their managed fields is then nine times cheaper than the
// standard decoding (BenchmarkDecodeTable), most of the CPU of a large get.
const IncludePrintedMetadata metav1.IncludeObjectPolicy = "kdx:PrintedMetadata"

// NameAgeTable builds kubectl's NAME and AGE table of an object or list the
// server did not print; ages are relative to now and rows hold the objects.
func NameAgeTable(obj runtime.Object, now time.Time) *metav1.Table {
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
