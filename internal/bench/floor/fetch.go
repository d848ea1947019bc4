package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

// Stats counts what the requests fetched.
type Stats struct {
	// Resources, Requests and Bytes count the lists (the objects in apply
	// mode), the requests and the response bytes (after transport
	// decompression).
	Resources, Requests, Bytes int64
	// Failed counts the resources whose list (or apply) failed.
	Failed int64
}

// String returns a one-line summary.
func (s Stats) String() string {
	return fmt.Sprintf("%d resources (%d failed), %d requests, %.1f MB", s.Resources, s.Failed, s.Requests, float64(s.Bytes)/(1<<20))
}

// list fetches every page of the list at path with the given Accept header.
func (f *fetcher) list(ctx context.Context, path, accept string) (Stats, error) {
	stats := Stats{Resources: 1}
	token := ""
	for {
		next, n, err := f.page(ctx, path, accept, token)
		stats.Requests++
		stats.Bytes += n
		if err != nil {
			return stats, err
		}
		if next == "" || f.firstPageOnly {
			return stats, nil
		}
		token = next
	}
}

// page fetches one page and returns its continue token and its size.
func (f *fetcher) page(ctx context.Context, path, accept, token string) (string, int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.pageURL(path, token), nil)
	if err != nil {
		return "", 0, fmt.Errorf("failed to build request for %s: %w", path, err)
	}
	req.Header.Set("Accept", accept)
	resp, err := f.client.Do(req)
	if err != nil {
		return "", 0, fmt.Errorf("failed to list %s: %w", path, err)
	}
	defer resp.Body.Close()
	body := &countingReader{r: resp.Body}
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(body, 512))
		return "", body.n, fmt.Errorf("failed to list %s: %s: %s", path, resp.Status, msg)
	}
	var next string
	if f.decode != nil {
		var b []byte
		if b, err = io.ReadAll(body); err == nil {
			next, err = f.decode(b)
		}
	} else {
		next, err = continueToken(body)
		if _, cerr := io.Copy(io.Discard, body); err == nil && cerr != nil {
			err = cerr
		}
	}
	if err != nil {
		return "", body.n, fmt.Errorf("failed to read list %s: %w", path, err)
	}
	return next, body.n, nil
}

// pageURL returns the URL of a page of path.
func (f *fetcher) pageURL(path, token string) string {
	q := url.Values{}
	if f.chunkSize > 0 {
		q.Set("limit", strconv.Itoa(f.chunkSize))
	}
	if token != "" {
		q.Set("continue", token)
	}
	return f.host + path + "?" + q.Encode()
}

// continueToken reads a list's top-level fields up to metadata, which the
// API server writes before the items or rows, and returns metadata.continue.
// It decodes nothing else; the caller discards the rest.
func continueToken(r io.Reader) (string, error) {
	dec := json.NewDecoder(r)
	if _, err := dec.Token(); err != nil { // the opening brace
		return "", err
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return "", err
		}
		if key == "metadata" {
			var meta struct {
				Continue string `json:"continue"`
			}
			err := dec.Decode(&meta)
			return meta.Continue, err
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return "", err
		}
	}
	return "", nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

// Read reads from the underlying reader and counts.
func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
