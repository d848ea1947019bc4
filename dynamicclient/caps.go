package dynamicclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kdxproject/kdx/internal/readcap"
)

// The caps of what kdx reads from a server, so that a hostile or broken
// one (an endless body) fails with one line instead of taking kdx to the
// out-of-memory killer. They are generous: etcd stores objects of at most
// 1.5 MiB by default, and the API server takes requests of at most 3 MiB.
const (
	// MaxListBytes caps a list without a limit (or one the server may
	// answer whole, resourceVersion=0): the most etcd holds by default
	// (its 2 GiB quota).
	MaxListBytes = 2 * readcap.GiB
)

// The caps tests lower: reading 16 MiB or more under -race takes seconds.
// TestBodyLimit checks these values.
var (
	// pageObjectBytes is what a page may hold per object of its limit: an
	// object etcd's default stores, in JSON.
	pageObjectBytes int64 = 2 * readcap.MiB
	// objectBytes caps one object, one watch event or an error answer.
	objectBytes int64 = readcap.MaxObjectBytes
)

// PageBytes caps a page of limit objects: 2 MiB an object, and 16 MiB for
// the rest (a table's columns), at most MaxListBytes (1016 MiB for
// kdx's default --chunk-size of 500).
func PageBytes(limit int64) int64 {
	return min(limit*pageObjectBytes+objectBytes, MaxListBytes)
}

// bodyLimit is the cap of the body of resp, the answer to req:
// readcap.MaxObjectBytes for an error, the one the request's context
// names (see readcap.WithLimit), none for a watch (its events are capped
// one by one, see eventFramer), PageBytes for a page, MaxListBytes for the
// rest.
func bodyLimit(req *http.Request, resp *http.Response) readcap.Limit {
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return readcap.Limit{Cap: objectBytes, What: "kdx's cap for an error answer"}
	}
	if l, ok := readcap.LimitOf(req.Context()); ok {
		return l
	}
	q := req.URL.Query()
	if q.Get("watch") == "true" || q.Get("watch") == "1" {
		return readcap.Limit{}
	}
	if n, err := strconv.ParseInt(q.Get("limit"), 10, 64); err == nil && n > 0 && q.Get("resourceVersion") != "0" {
		objects := "objects"
		if n == 1 {
			objects = "object"
		}
		return readcap.Limit{Cap: PageBytes(n), What: fmt.Sprintf("kdx's cap for a page of %d %s", n, objects)}
	}
	return readcap.Limit{Cap: MaxListBytes, What: "kdx's cap for a list"}
}

// objectLimit is the cap of a request for one object.
func objectLimit(ctx context.Context) context.Context {
	return readcap.WithLimit(ctx, readcap.Limit{Cap: objectBytes, What: "kdx's cap for one object"})
}

// capError is the cap error err wraps, said alone: client-go adds "Please
// retry", which would not help.
func capError(err error) error {
	var capErr *readcap.Error
	if errors.As(err, &capErr) {
		return capErr
	}
	return err
}

// cappedFrames is a NegotiatedSerializer whose JSON watch streams are
// read by eventFramer.
type cappedFrames struct {
	runtime.NegotiatedSerializer
}

func (s cappedFrames) SupportedMediaTypes() []runtime.SerializerInfo {
	infos := s.NegotiatedSerializer.SupportedMediaTypes()
	out := make([]runtime.SerializerInfo, len(infos))
	for i, info := range infos {
		if info.StreamSerializer != nil && info.MediaType == runtime.ContentTypeJSON {
			ss := *info.StreamSerializer
			ss.Framer = eventFramer{next: ss.Framer}
			info.StreamSerializer = &ss
		}
		out[i] = info
	}
	return out
}

// eventFramer reads the events of a JSON watch stream one at a time, each
// capped at readcap.MaxObjectBytes; client-go's framer holds an event whole,
// however long it is, before its decoder checks the size.
type eventFramer struct {
	next runtime.Framer
}

func (f eventFramer) NewFrameReader(r io.ReadCloser) io.ReadCloser {
	tooLarge := func(int) error {
		return &readcap.Error{Source: "an event", Cap: objectBytes, What: "kdx's cap for one watch event"}
	}
	return &eventReader{ReadCloser: r, events: readcap.NewJSONValues(r, objectBytes, 1, tooLarge)}
}

func (f eventFramer) NewFrameWriter(w io.Writer) io.Writer { return f.next.NewFrameWriter(w) }

// eventReader returns one event per Read, or its first part with
// io.ErrShortBuffer and the rest on the next calls, as client-go's JSON
// frame reader does.
type eventReader struct {
	io.ReadCloser
	events    *readcap.JSONValues
	remaining []byte
}

func (r *eventReader) Read(data []byte) (int, error) {
	if len(r.remaining) == 0 {
		ev, _, err := r.events.Next()
		if err != nil && err != io.EOF && !isCapError(err) {
			// The body could not be read on: the watch was stopped, or
			// the connection cut. client-go ends a stream quietly on an
			// unexpected EOF, and takes anything else for an event it
			// could not decode (see undecodableStream).
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			return 0, err
		}
		r.remaining = ev
	}
	n := copy(data, r.remaining)
	r.remaining = r.remaining[n:]
	if len(r.remaining) > 0 {
		return n, io.ErrShortBuffer
	}
	return n, nil
}

// isCapError says whether err is a cap passed: retrying cannot help.
func isCapError(err error) bool {
	var capErr *readcap.Error
	return errors.As(err, &capErr)
}
