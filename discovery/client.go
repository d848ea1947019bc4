package discovery

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/internal/readcap"
)

// DefaultTTL is how long cached discovery is used without asking the server.
const DefaultTTL = 6 * time.Hour

// Options configure a Client.
type Options struct {
	// CacheDir is the root of kdx's caches; discovery is cached in
	// CacheDir/discovery/<host_port>/. Empty disables the disk cache.
	CacheDir string
	// TTL is how long cached data is used without asking the server;
	// 0 means DefaultTTL.
	TTL time.Duration
	// Refresh ignores the cache and fetches everything.
	Refresh bool
	// CachedOnly never asks the server: the cache or an error.
	CachedOnly bool
	// Warnings receives warnings (a skipped group, a stale cache), once
	// each; nil discards them.
	Warnings io.Writer
	// WarnAllSkipped warns of every skipped group whenever discovery is
	// read (-v): by default a skipped group is named only where the answer
	// may be incomplete because of it (see WarnSkipped).
	WarnAllSkipped bool

	// documentMax replaces MaxDocumentBytes when positive (tests).
	documentMax int64
}

// documentCap is the cap of each discovery document read.
func (o Options) documentCap() int64 {
	if o.documentMax > 0 {
		return o.documentMax
	}
	return MaxDocumentBytes
}

// Client discovers what a server serves, through a disk cache that it
// revalidates with ETags. It is safe for concurrent use.
type Client struct {
	opts   Options
	cfg    *rest.Config
	http   *http.Client // the configured transport: auth, TLS, user agent, -v logs
	server *url.URL     // the server's base URL, path prefix included
	dir    string       // this server's cache directory; "" without a cache

	mu     sync.Mutex   // guards snap, rec and warned
	snap   *Snapshot    // the snapshot this client produced last
	rec    *cacheRecord // the data behind snap
	warned map[string]bool
}

// MaxDocumentBytes caps each discovery document kdx reads: a server with
// thousands of types sends a few MiB.
const MaxDocumentBytes = 64 * readcap.MiB

// NewClient builds a Client for the server of cfg (which it does not
// modify). Its answers are capped at MaxDocumentBytes.
func NewClient(cfg *rest.Config, opts Options) (*Client, error) {
	if opts.TTL <= 0 {
		opts.TTL = DefaultTTL
	}
	cfg = rest.CopyConfig(cfg)
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper {
		return readcap.Transport(rt, func(*http.Request, *http.Response) readcap.Limit {
			return readcap.Limit{Cap: opts.documentCap(), What: "kdx's cap for a discovery document"}
		})
	})
	hc, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("failed to build the HTTP client: %w", err)
	}
	server, _, err := rest.DefaultServerUrlFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("invalid server address %q: %w", cfg.Host, err)
	}
	c := &Client{opts: opts, cfg: cfg, http: hc, server: server, warned: map[string]bool{}}
	if opts.CacheDir != "" {
		c.dir = ServerCacheDir(opts.CacheDir, server)
	}
	return c, nil
}

// CacheDir is this server's discovery cache directory ("" without a cache).
func (c *Client) CacheDir() string { return c.dir }

// Snapshot returns what the server serves: the cache when it is younger than
// the TTL, else the server's answer (a 304 when the cache is current). When
// the server cannot be reached, an older cache is used with a warning.
func (c *Client) Snapshot(ctx context.Context) (*Snapshot, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snap != nil {
		return c.snap, nil
	}
	var rec *cacheRecord
	if !c.opts.Refresh {
		rec = c.load()
	}
	switch {
	case c.opts.CachedOnly && rec == nil:
		return nil, fmt.Errorf("no cached discovery for %s in %s: run without --cached", c.server.Host, c.dir)
	case c.opts.CachedOnly, rec != nil && time.Since(rec.FetchedAt) < c.opts.TTL:
		return c.use(rec, true), nil
	}
	return c.revalidate(ctx, rec, true)
}

// Refresh asks the server now, revalidating cached data with its ETags
// (ignoring the TTL), and returns the current snapshot.
func (c *Client) Refresh(ctx context.Context) (*Snapshot, error) {
	return c.refresh(ctx, true)
}

// Confirm is Refresh without the fallback to the cache: for answers that
// the server must be reached for anyway (every type), whose one error is
// then that it cannot be.
func (c *Client) Confirm(ctx context.Context) (*Snapshot, error) {
	return c.refresh(ctx, false)
}

func (c *Client) refresh(ctx context.Context, fallback bool) (*Snapshot, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.opts.CachedOnly {
		if c.snap != nil {
			return c.snap, nil
		}
		return nil, fmt.Errorf("no cached discovery for %s in %s: run without --cached", c.server.Host, c.dir)
	}
	rec := c.rec
	if rec == nil && !c.opts.Refresh {
		rec = c.load()
	}
	return c.revalidate(ctx, rec, fallback)
}

// revalidate fetches from the server, conditionally on prev. When the
// server cannot be reached it falls back to prev with a warning (if
// fallback); an answer such as 401 or 403 is an error, never hidden by the
// cache. c.mu is held.
func (c *Client) revalidate(ctx context.Context, prev *cacheRecord, fallback bool) (*Snapshot, error) {
	rec, changed, err := c.fetch(ctx, prev)
	if err != nil {
		if !fallback || prev == nil || ctx.Err() != nil || !unreachable(err) {
			return nil, err
		}
		c.warn(fmt.Sprintf("Warning: %s; using the discovery cache from %s", cliutil.Message(err), prev.FetchedAt.Format(time.RFC3339)))
		return c.use(prev, true), nil
	}
	c.store(rec, changed)
	return c.use(rec, false), nil
}

// unreachable reports whether err says that the server could not be
// reached or cannot answer now (no response, a 5xx, a 429): the only
// failures the cache may stand in for. Any other answer (401, 403, 404) is
// the server's word about this request and is reported.
func unreachable(err error) bool {
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		code := status.Status().Code
		return code >= http.StatusInternalServerError || code == http.StatusTooManyRequests
	}
	var uerr *url.Error
	return errors.As(err, &uerr)
}

// use makes rec the client's current data and warns about its failures.
// c.mu is held.
func (c *Client) use(rec *cacheRecord, fromCache bool) *Snapshot {
	s := rec.snapshot()
	s.FromCache = fromCache
	c.rec, c.snap = rec, s
	if c.opts.WarnAllSkipped {
		for _, f := range s.Failures {
			c.warn(skippedWarning(f))
		}
	}
	return s
}

// WarnSkipped warns, once each, of the group/versions that could not be
// discovered: for answers that they may make incomplete.
func (c *Client) WarnSkipped(fs []Failure) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, f := range fs {
		c.warn(skippedWarning(f))
	}
}

func skippedWarning(f Failure) string {
	return fmt.Sprintf("Warning: %s skipped: %s", f.GroupVersion, f.Reason)
}

// warn writes msg once per client. c.mu is held.
func (c *Client) warn(msg string) {
	if c.opts.Warnings == nil || c.warned[msg] {
		return
	}
	c.warned[msg] = true
	fmt.Fprintln(c.opts.Warnings, msg)
}
