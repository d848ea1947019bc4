package discovery

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// cacheFormat is the version of the cache file layout; files of another
// format are ignored.
const cacheFormat = 1

// cacheFile is the name of the cache file in a server's cache directory.
const cacheFile = "discovery.json"

// cacheRecord is what is cached for one server. The file's modification time
// is when the server last confirmed it (a 304 only touches the file).
type cacheRecord struct {
	Format     int       `json:"format"`
	Server     string    `json:"server"`
	FetchedAt  time.Time `json:"-"`
	Aggregated bool      `json:"aggregated"`
	// API and APIs are the /api and /apis documents; the legacy fallback
	// keeps everything in APIs.
	API  document `json:"api"`
	APIs document `json:"apis"`
}

// document is one discovery document, converted to legacy-shaped data.
type document struct {
	ETag     string                    `json:"etag,omitempty"`
	Groups   []metav1.APIGroup         `json:"groups"`
	Lists    []*metav1.APIResourceList `json:"lists"`
	Failures []Failure                 `json:"failures,omitempty"`
}

// snapshot builds the Snapshot of rec.
func (rec *cacheRecord) snapshot() *Snapshot {
	groups := append(append([]metav1.APIGroup(nil), rec.API.Groups...), rec.APIs.Groups...)
	lists := append(append([]*metav1.APIResourceList(nil), rec.API.Lists...), rec.APIs.Lists...)
	failures := append(append([]Failure(nil), rec.API.Failures...), rec.APIs.Failures...)
	s := NewSnapshot(groups, lists, failures)
	s.FetchedAt, s.Aggregated = rec.FetchedAt, rec.Aggregated
	return s
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9.-]`)

// ServerCacheDir is the discovery cache directory of server under the cache
// root: root/discovery/<host_port>, with a path prefix appended.
func ServerCacheDir(root string, server *url.URL) string {
	name := server.Host
	if p := strings.Trim(server.Path, "/"); p != "" {
		name += "/" + p
	}
	return filepath.Join(root, "discovery", unsafeChars.ReplaceAllString(name, "_"))
}

// load reads the cache; a missing, unreadable or foreign file is no cache.
func (c *Client) load() *cacheRecord {
	if c.dir == "" {
		return nil
	}
	f := filepath.Join(c.dir, cacheFile)
	b, err := os.ReadFile(f)
	if err != nil {
		return nil
	}
	fi, err := os.Stat(f)
	if err != nil {
		return nil
	}
	var rec cacheRecord
	if json.Unmarshal(b, &rec) != nil || rec.Format != cacheFormat || rec.Server != c.server.Redacted() {
		return nil
	}
	rec.FetchedAt = fi.ModTime()
	return &rec
}

// store writes rec to the cache atomically, or only marks it confirmed when
// it did not change. Cache errors are warnings: the data is still good.
func (c *Client) store(rec *cacheRecord, changed bool) {
	if c.dir == "" {
		return
	}
	f := filepath.Join(c.dir, cacheFile)
	if !changed {
		if err := os.Chtimes(f, rec.FetchedAt, rec.FetchedAt); err == nil {
			return
		}
	}
	stored := *rec
	stored.Server = c.server.Redacted() // a password in the server's URL stays out of the file
	if err := writeAtomic(f, &stored); err != nil {
		c.warn(fmt.Sprintf("Warning: failed to write the discovery cache: %v", err))
	}
}

// writeAtomic writes v as JSON to a temporary file beside name and renames
// it over name, so that readers see the old file or the new one.
func writeAtomic(name string, v any) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o750); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".tmp-"+filepath.Base(name)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if err := json.NewEncoder(tmp).Encode(v); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
