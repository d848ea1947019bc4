package cliutil

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/clientconfig"
	"github.com/kdxproject/kdx/internal/readcap"
)

func TestMessageOfRefusedRequests(t *testing.T) {
	from, _ := url.Parse("https://127.0.0.1:6443/api")
	to, _ := url.Parse("http://127.0.0.1:8080/api?timeout=32s")
	redirect := &url.Error{Op: "Get", URL: to.String(), Err: &clientconfig.RedirectError{From: from, To: to}}
	// client-go's exec round tripper formats the plugin's error with %v
	plugin := func(cause string) error {
		return &url.Error{Op: "Get", URL: "https://127.0.0.1:6443/api?timeout=32s", Err: fmt.Errorf("getting credentials: %v", errors.New(cause))}
	}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"redirect to another origin", fmt.Errorf("failed to discover: %w", redirect),
			"refused to follow a redirect from https://127.0.0.1:6443 to http://127.0.0.1:8080/api?timeout=32s (another scheme): kdx sends credentials only to the server it is configured for"},
		{"plugin exits non-zero", plugin("exec: executable /opt/bin/get-token failed with exit code 1"),
			"the credential plugin failed: exec: executable /opt/bin/get-token failed with exit code 1"},
		{"plugin not installed, with its hint", plugin("exec: executable get-token not found\n\nIt looks like you are trying to use a client-go credential plugin that is not installed.\n\ninstall it with: brew install get-token"),
			"the credential plugin failed: exec: executable get-token not found It looks like you are trying to use a client-go credential plugin that is not installed. install it with: brew install get-token"},
		{"still unreachable", &url.Error{Op: "Get", URL: "https://10.0.0.1:6443/api", Err: errors.New("EOF")},
			"cannot reach the server at https://10.0.0.1:6443: EOF"},
	}
	for _, tt := range tests {
		if got := Message(tt.err); got != tt.want {
			t.Errorf("%s: Message = %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

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
