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
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"redirect to another origin", fmt.Errorf("failed to discover: %w", redirect),
			"refused to follow a redirect from https://127.0.0.1:6443 to http://127.0.0.1:8080/api?timeout=32s (another scheme): kdx sends credentials only to the server it is configured for"},
		{"still unreachable", &url.Error{Op: "Get", URL: "https://10.0.0.1:6443/api", Err: errors.New("EOF")},
			"cannot reach the server at https://10.0.0.1:6443: EOF"},
	}
	for _, tt := range tests {
		if got := Message(tt.err); got != tt.want {
			t.Errorf("%s: Message = %q\nwant %q", tt.name, got, tt.want)
		}
	}
}
