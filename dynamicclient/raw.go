package dynamicclient

import (
	"context"
	"fmt"
	"io"

	"github.com/kdxproject/kdx/internal/readcap"
)

// Raw GETs path (with its query) and copies the body to w, as kubectl get
// --raw does. A non-2xx answer is an error carrying the server's message.
func (c *Client) Raw(ctx context.Context, path string, w io.Writer) error {
	// The body is copied as it comes, not held: it is not capped.
	ctx = readcap.WithLimit(ctx, readcap.Limit{})
	stream, err := c.rest.Get().RequestURI(path).SetHeader("Content-Type", "application/json").Stream(ctx)
	if err != nil {
		return err
	}
	defer stream.Close()
	if _, err := io.Copy(w, stream); err != nil {
		return fmt.Errorf("failed to read %s: %w", path, err)
	}
	return nil
}
