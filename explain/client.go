package explain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/internal/readcap"
)

// MaxDocumentBytes caps each OpenAPI document kdx reads (the core group's
// is about 1.6 MB).
const MaxDocumentBytes = 128 * readcap.MiB

// indexPath is where the server lists its OpenAPI v3 documents.
const indexPath = "/openapi/v3"

// indexFile is the cached index in a server's cache directory.
const indexFile = "index.json"

// Client reads a server's OpenAPI v3 documents through a disk cache: the
// index (/openapi/v3) revalidated with its ETag once per client, each
// group-version's document stored under its hash URL, which the server
// never changes, so a document in the cache is never asked for again. It
// reads only the documents it is asked for, each once, and is safe for
// concurrent use.
type Client struct {
	http     *http.Client
	server   *url.URL
	dir      string    // this server's cache directory; "" without a cache
	warnings io.Writer // where a fallback to the cache is said

	mu       sync.Mutex
	index    map[string]string // "apis/apps/v1" -> its serverRelativeURL
	indexErr error
	read     bool
	docs     map[string]*docEntry
}

type docEntry struct {
	once sync.Once
	doc  *Document
	err  error
}

// NewClient is a client of the server of cfg, caching under
// cacheDir/openapi/<host_port> ("" caches nothing); warnings (nil: none)
// hears when an unreachable server is answered from the cache.
func NewClient(cfg *rest.Config, cacheDir string, warnings io.Writer) (*Client, error) {
	cfg = rest.CopyConfig(cfg)
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper {
		return readcap.Transport(rt, func(*http.Request, *http.Response) readcap.Limit {
			return readcap.Limit{Cap: MaxDocumentBytes, What: "kdx's cap for an OpenAPI document"}
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
	return newClient(hc, server, cacheDir, warnings), nil
}

func newClient(hc *http.Client, server *url.URL, cacheDir string, warnings io.Writer) *Client {
	if warnings == nil {
		warnings = io.Discard
	}
	c := &Client{http: hc, server: server, warnings: warnings, docs: map[string]*docEntry{}}
	if cacheDir != "" {
		c.dir = CacheDir(cacheDir, server)
	}
	return c
}

// CacheDir is the OpenAPI cache directory of server under the cache root:
// root/openapi/<host_port>, named as discovery names its own.
func CacheDir(root string, server *url.URL) string {
	return filepath.Join(root, "openapi", filepath.Base(discovery.ServerCacheDir(root, server)))
}

// GroupVersionPath is the index's name of a group-version's document:
// "api/v1", "apis/apps/v1".
func GroupVersionPath(gv schema.GroupVersion) string {
	if gv.Group == "" {
		return "api/" + gv.Version
	}
	return "apis/" + gv.Group + "/" + gv.Version
}

// cachedIndex is the index as cached.
type cachedIndex struct {
	ETag  string            `json:"etag"`
	Paths map[string]string `json:"paths"`
}

// index is the server's answer at /openapi/v3.
type indexDoc struct {
	Paths map[string]struct {
		ServerRelativeURL string `json:"serverRelativeURL"`
	} `json:"paths"`
}

// Paths are the documents the server publishes: their names ("api/v1",
// "apis/apps/v1") with the URL of each. The index is read once per client,
// revalidated with the cached ETag (a 304 when nothing changed); a server
// that cannot be reached is answered from the cache with a warning, any
// other error (401, 403, no /openapi/v3) is the error.
func (c *Client) Paths(ctx context.Context) (map[string]string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.read {
		c.read = true
		c.index, c.indexErr = c.readIndex(ctx)
	}
	return c.index, c.indexErr
}

func (c *Client) readIndex(ctx context.Context) (map[string]string, error) {
	var cached *cachedIndex
	if c.dir != "" {
		if b, err := os.ReadFile(filepath.Join(c.dir, indexFile)); err == nil {
			var ci cachedIndex
			if json.Unmarshal(b, &ci) == nil && ci.Paths != nil {
				cached = &ci
			}
		}
	}
	etag := ""
	if cached != nil {
		etag = cached.ETag
	}
	resp, err := c.get(ctx, indexPath, etag)
	if err != nil {
		if cached != nil && ctx.Err() == nil {
			fmt.Fprintf(c.warnings, "Warning: %s; using the cached OpenAPI index\n", cliutil.Message(err))
			return cached.Paths, nil
		}
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified && cached != nil {
		return cached.Paths, nil
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("failed to read %s: %w", indexPath, err)
	}
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, fmt.Errorf("the server does not publish OpenAPI v3 schemas (%s: 404 Not Found)", indexPath)
	case resp.StatusCode >= 500 && cached != nil:
		fmt.Fprintf(c.warnings, "Warning: %s; using the cached OpenAPI index\n", cliutil.Message(responseError(indexPath, resp.StatusCode, body)))
		return cached.Paths, nil
	case resp.StatusCode != http.StatusOK:
		return nil, responseError(indexPath, resp.StatusCode, body)
	}
	var idx indexDoc
	if err := json.Unmarshal(body, &idx); err != nil {
		return nil, fmt.Errorf("failed to decode %s: %w", indexPath, err)
	}
	paths := make(map[string]string, len(idx.Paths))
	for p, v := range idx.Paths {
		paths[p] = v.ServerRelativeURL
	}
	// A server that sends no ETag (kube-apiserver's /openapi/v3 sends
	// none) answers in full each time: the cache is written only when the
	// answer changed.
	etag = resp.Header.Get("ETag")
	if c.dir != "" && (cached == nil || cached.ETag != etag || !maps.Equal(cached.Paths, paths)) {
		if err := writeAtomic(filepath.Join(c.dir, indexFile), mustJSON(cachedIndex{ETag: etag, Paths: paths})); err != nil {
			fmt.Fprintf(c.warnings, "Warning: failed to write the OpenAPI cache: %v\n", err)
		}
	}
	return paths, nil
}

// ErrNotPublished is the error of a group-version the server publishes no
// OpenAPI document for (an aggregated API that does not serve one).
var ErrNotPublished = errors.New("no OpenAPI v3 document")

// Document is the document of gv: from the cache when its hash URL was
// read before, else from the server (and then cached).
func (c *Client) Document(ctx context.Context, gv schema.GroupVersion) (*Document, error) {
	paths, err := c.Paths(ctx)
	if err != nil {
		return nil, err
	}
	name := GroupVersionPath(gv)
	rel, ok := paths[name]
	if !ok {
		return nil, fmt.Errorf("%w for %s: the server lists none at %s", ErrNotPublished, gv.String(), indexPath)
	}
	c.mu.Lock()
	e, ok := c.docs[name]
	if !ok {
		e = &docEntry{}
		c.docs[name] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.doc, e.err = c.readDocument(ctx, gv.String(), name, rel) })
	return e.doc, e.err
}

// readDocument reads the document at rel: the cached copy of its hash URL
// (a copy that does not decode is read again from the server), or the
// server's, whose schemas alone are then cached (the paths, half of it,
// are never read; see encodeSchemas).
func (c *Client) readDocument(ctx context.Context, gv, name, rel string) (*Document, error) {
	file := c.docFile(name, rel)
	if file != "" {
		if b, err := os.ReadFile(file); err == nil {
			if schemas, err := decodeSchemas(b); err == nil {
				return NewDocument(gv, schemas), nil
			}
		}
	}
	body, err := c.documentBytes(ctx, name, rel)
	if err != nil {
		return nil, err
	}
	doc, err := ParseDocument(gv, body)
	if err != nil {
		return nil, err
	}
	if file != "" {
		if err := writeAtomic(file, encodeSchemas(doc.raw)); err != nil {
			fmt.Fprintf(c.warnings, "Warning: failed to write the OpenAPI cache: %v\n", err)
		}
	}
	return doc, nil
}

// documentSchemas is what kdx reads of a document.
type documentSchemas struct {
	Components struct {
		Schemas map[string]json.RawMessage `json:"schemas"`
	} `json:"components"`
}

// ParseDocument reads the OpenAPI v3 document of a group-version: its
// components' schemas, left unparsed until used (see Document), not its
// paths, which explain does not read.
func ParseDocument(gv string, raw []byte) (*Document, error) {
	var o documentSchemas
	if err := json.Unmarshal(raw, &o); err != nil {
		return nil, fmt.Errorf("failed to decode the OpenAPI document of %s: %w", gv, err)
	}
	return NewDocument(gv, o.Components.Schemas), nil
}

// documentBytes gets the document at rel from the server.
func (c *Client) documentBytes(ctx context.Context, name, rel string) ([]byte, error) {
	u, err := url.Parse(rel)
	if err != nil {
		return nil, fmt.Errorf("invalid URL %q for %s in %s: %w", rel, name, indexPath, err)
	}
	resp, err := c.get(ctx, u.Path+querySuffix(u), "")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("failed to read %s: %w", u.Path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, responseError(u.Path, resp.StatusCode, body)
	}
	return body, nil
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9.-]`)

// docFile is where the document at rel is cached: a name made of its path
// and its hash, or "" when there is no cache or rel has no hash (then it
// might change, and is read each time).
func (c *Client) docFile(name, rel string) string {
	if c.dir == "" {
		return ""
	}
	u, err := url.Parse(rel)
	if err != nil {
		return ""
	}
	hash := u.Query().Get("hash")
	if hash == "" {
		return ""
	}
	return filepath.Join(c.dir, unsafeChars.ReplaceAllString(name, "_")+"-"+unsafeChars.ReplaceAllString(hash, "_")+".schemas")
}

func querySuffix(u *url.URL) string {
	if u.RawQuery == "" {
		return ""
	}
	return "?" + u.RawQuery
}

// get sends a GET for the server path p (with its query), conditional on
// etag.
func (c *Client) get(ctx context.Context, p, etag string) (*http.Response, error) {
	u := *c.server
	rel, err := url.Parse(p)
	if err != nil {
		return nil, err
	}
	u.Path = path.Join(u.Path, rel.Path)
	u.RawQuery = rel.RawQuery
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	return c.http.Do(req)
}

// responseError turns an error response into the API error it carries.
func responseError(p string, code int, body []byte) error {
	var status metav1.Status
	if json.Unmarshal(body, &status) == nil && status.Kind == "Status" {
		return fmt.Errorf("failed to get %s: %w", p, &apierrors.StatusError{ErrStatus: status})
	}
	msg := strings.TrimSpace(string(body))
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	return fmt.Errorf("failed to get %s: %w", p, apierrors.NewGenericServerResponse(code, http.MethodGet, schema.GroupResource{}, "", msg, 0, true))
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// writeAtomic writes b to a temporary file beside name and renames it over
// name, so that readers see the old file or the new one.
func writeAtomic(name string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o750); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".tmp-"+filepath.Base(name)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
