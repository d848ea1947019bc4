package cliutil

import (
	"errors"
	"fmt"
	"net/url"
	"testing"

	"github.com/kdxproject/kdx/internal/clientconfig"
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
