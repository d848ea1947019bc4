package discovery

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/rest"
)

const (
	// legacyAttempts is how many times legacy discovery is read when a
	// group/version fails (it may have gone away meanwhile), as client-go does.
	legacyAttempts = 2
	// legacyParallel bounds the group/versions read at the same time.
	legacyParallel = 32
	// legacyTimeout and legacyBurst are client-go's discovery defaults,
	// used when the configuration sets none.
	legacyTimeout = 32 * time.Second
	legacyBurst   = 300
)

// fetchLegacy reads discovery group/version by group/version, in parallel,
// for servers without aggregated discovery. A group/version that cannot be
// read becomes a Failure; when there are failures everything is read once
// more, and the second answer is kept.
func (c *Client) fetchLegacy(ctx context.Context) (*cacheRecord, error) {
	rc, err := legacyRESTClient(c.cfg)
	if err != nil {
		return nil, fmt.Errorf("failed to build the discovery client: %w", err)
	}
	var doc document
	for attempt := 1; ; attempt++ {
		doc, err = readLegacy(ctx, rc)
		if err != nil {
			return nil, fmt.Errorf("failed to discover the server's resources: %w", err)
		}
		if len(doc.Failures) == 0 || attempt == legacyAttempts {
			break
		}
		if ctx.Err() != nil {
			doc.Groups, doc.Lists = nil, nil // client-go keeps only the failures here
			break
		}
	}
	return &cacheRecord{Format: cacheFormat, Server: c.server.String(), FetchedAt: time.Now(), APIs: doc}, nil
}

// legacyRESTClient is a REST client configured as client-go's discovery
// client is, decoding only the meta/v1 types (API errors among them).
func legacyRESTClient(cfg *rest.Config) (*rest.RESTClient, error) {
	c := rest.CopyConfig(cfg)
	c.APIPath, c.GroupVersion = "", nil
	if c.Timeout == 0 {
		c.Timeout = legacyTimeout
	}
	if c.Burst == 0 {
		c.Burst = legacyBurst
	}
	if c.UserAgent == "" {
		c.UserAgent = rest.DefaultKubernetesUserAgent()
	}
	scheme := runtime.NewScheme()
	metav1.AddToGroupVersion(scheme, schema.GroupVersion{Version: "v1"})
	decoder := serializer.NewCodecFactory(scheme).UniversalDecoder()
	c.NegotiatedSerializer = serializer.NegotiatedSerializerWrapper(runtime.SerializerInfo{Serializer: runtime.NoopEncoder{Decoder: decoder}})
	return rest.UnversionedRESTClientFor(c)
}

// readLegacy reads /api, /apis and then every group/version's resources.
func readLegacy(ctx context.Context, rc *rest.RESTClient) (document, error) {
	if err := ctx.Err(); err != nil {
		return document{}, err
	}
	groups, err := legacyGroups(ctx, rc)
	if err != nil {
		return document{}, err
	}
	lists, failures := legacyResources(ctx, rc, groups)
	doc := document{Groups: groups, Lists: lists, Failures: failures}
	sortFailures(doc.Failures)
	return doc, nil
}

// legacyGroups reads the core group from /api (tolerating a 404, as
// aggregated API servers answer) and the named groups from /apis.
func legacyGroups(ctx context.Context, rc *rest.RESTClient) ([]metav1.APIGroup, error) {
	var groups []metav1.APIGroup
	body, err := rc.Get().AbsPath("/api").SetHeader("Accept", "application/json").Do(ctx).Raw()
	switch {
	case apierrors.IsNotFound(err):
	case err != nil:
		return nil, err
	default:
		var core metav1.APIVersions
		if err := json.Unmarshal(body, &core); err != nil {
			return nil, err
		}
		groups = append(groups, coreGroup(core))
	}
	body, err = rc.Get().AbsPath("/apis").SetHeader("Accept", "application/json").Do(ctx).Raw()
	if err != nil {
		return nil, err
	}
	var named metav1.APIGroupList
	if err := json.Unmarshal(body, &named); err != nil {
		return nil, err
	}
	return append(groups, named.Groups...), nil
}

// coreGroup is the core group of /api's versions; its first is preferred.
func coreGroup(core metav1.APIVersions) metav1.APIGroup {
	var g metav1.APIGroup
	for _, v := range core.Versions {
		g.Versions = append(g.Versions, metav1.GroupVersionForDiscovery{GroupVersion: v, Version: v})
	}
	if len(g.Versions) > 0 {
		g.PreferredVersion = g.Versions[0]
	}
	return g
}

// legacyResources reads the resource list of every group/version, at most
// legacyParallel at a time. Lists come in group/version order; the
// group/versions that fail are returned as failures.
func legacyResources(ctx context.Context, rc *rest.RESTClient, groups []metav1.APIGroup) ([]*metav1.APIResourceList, []Failure) {
	var (
		mu       sync.Mutex // guards byGV and failures
		byGV     = map[string]*metav1.APIResourceList{}
		failures []Failure
	)
	var g errgroup.Group
	g.SetLimit(legacyParallel)
	for _, grp := range groups {
		for _, v := range grp.Versions {
			gv := schema.GroupVersion{Group: grp.Name, Version: v.Version}.String()
			g.Go(func() error {
				l, err := legacyResourceList(ctx, rc, gv)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					failures = append(failures, Failure{GroupVersion: gv, Reason: failureReason(err)})
				} else {
					byGV[gv] = l
				}
				return nil
			})
		}
	}
	_ = g.Wait() // the goroutines report failures as data, never as errors
	var lists []*metav1.APIResourceList
	for _, grp := range groups {
		for _, v := range grp.Versions {
			if l, ok := byGV[schema.GroupVersion{Group: grp.Name, Version: v.Version}.String()]; ok {
				lists = append(lists, l)
			}
		}
	}
	return lists, failures
}

// legacyResourceList reads one group/version's resources ("v1" from /api/v1).
// A 404 for the core v1 is an empty list, as in client-go.
func legacyResourceList(ctx context.Context, rc *rest.RESTClient, gv string) (*metav1.APIResourceList, error) {
	p := "/apis/" + gv
	if gv == "v1" {
		p = "/api/v1"
	}
	l := &metav1.APIResourceList{GroupVersion: gv}
	var status int
	var contentType string
	res := rc.Get().AbsPath(p).Do(ctx).StatusCode(&status).ContentType(&contentType)
	if err := res.Error(); err != nil {
		if gv == "v1" && apierrors.IsNotFound(err) {
			return l, nil
		}
		return nil, err
	}
	body, _ := res.Raw()
	if len(body) == 0 {
		return nil, fmt.Errorf("0-length response with status code: %d and content type: %s", status, contentType)
	}
	if err := json.Unmarshal(body, l); err != nil {
		return nil, err
	}
	return l, nil
}
