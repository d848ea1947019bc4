package cliutil

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/readcap"
)

// bodyTimeout is net/http's error when the client's timeout cuts a body.
type bodyTimeout struct{}

func (bodyTimeout) Error() string {
	return "context deadline exceeded (Client.Timeout or context cancellation while reading body)"
}
func (bodyTimeout) Timeout() bool     { return true }
func (bodyTimeout) Is(err error) bool { return err == context.DeadlineExceeded }

func TestMessageOfReads(t *testing.T) {
	capErr := &readcap.Error{Source: "the response to GET https://h/api/v1/pods", Cap: 20 * readcap.MiB, What: "kdx's cap for a page of 2 objects"}
	cases := []struct {
		err  error
		want string
	}{
		// client-go wraps a failed read in "Please retry", which would not help.
		{fmt.Errorf("unexpected error when reading response body. Please retry. Original error: %w", capErr),
			"the response to GET https://h/api/v1/pods is larger than 20 MiB, kdx's cap for a page of 2 objects"},
		{fmt.Errorf("unexpected error when reading response body. Please retry. Original error: %w", bodyTimeout{}),
			"the server's answer was still coming when --request-timeout ended it"},
		// The request's context can end first, its error then says less.
		{fmt.Errorf("unexpected error when reading response body. Please retry. Original error: %w", context.DeadlineExceeded),
			"the server's answer was still coming when --request-timeout ended it"},
		{fmt.Errorf("waiting: %w", context.DeadlineExceeded), "waiting: context deadline exceeded"},
	}
	for _, c := range cases {
		if got := Message(c.err); got != c.want {
			t.Errorf("Message(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

func TestCut(t *testing.T) {
	if got := Cut("first\nsecond", 100); got != "first" {
		t.Errorf("Cut kept %q", got)
	}
	if got := Cut(strings.Repeat("é", 10), 5); got != "éé..." {
		t.Errorf("Cut cut %q", got)
	}
}
