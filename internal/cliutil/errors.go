package cliutil

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"syscall"
	"unicode/utf8"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kdxproject/kdx/internal/clientconfig"
	"github.com/kdxproject/kdx/internal/readcap"
)

// ExitError carries an exit code with an error that was already reported
// (for example, failures listed one per object): Message returns "" for it.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// Outcome is an exit code that answers what a command modelled on a Unix
// tool was asked, rather than reporting a failure: diff's 1 (the inputs
// differ), grep's 1 (nothing matched). Nothing is printed for it.
type Outcome int

func (o Outcome) Error() string { return fmt.Sprintf("exit status %d", int(o)) }

// ToolFailure is the exit code of every failure of a command modelled on a
// Unix tool, as diff(1)'s and grep(1)'s "trouble".
const ToolFailure = 2

// ExitCode is the process exit code for err: 0 for nil, an Outcome's or
// an ExitError's code, else 1.
func ExitCode(err error) int {
	if err == nil {
		return 0
	}
	var o Outcome
	if errors.As(err, &o) {
		return int(o)
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return 1
}

// ToolExitCode is the exit code of a command modelled on a Unix tool (diff,
// grep): 0 for nil, an Outcome's code, and ToolFailure for any other error,
// whatever code it carries (a failure already reported, a bad flag, a
// server out of reach), and for a run that was interrupted, since what it
// answers was not all done.
func ToolExitCode(err error, interrupted bool) int {
	var o Outcome
	switch {
	case interrupted:
		return ToolFailure
	case err == nil:
		return 0
	case errors.As(err, &o):
		return int(o)
	}
	return ToolFailure
}

// Message is the single line printed after "error: " for err; "" means that
// nothing more is to be printed.
func Message(err error) string {
	if err == nil {
		return ""
	}
	var ee *ExitError
	var o Outcome
	switch {
	case errors.As(err, &ee) && ee.Err == nil, errors.As(err, &o):
		return ""
	case errors.Is(err, context.Canceled):
		// by Ctrl-C: not a cause to look for elsewhere; an error that
		// says what was interrupted ("interrupted while reading X") says it
		if msg := err.Error(); strings.HasPrefix(msg, "interrupted") && !strings.Contains(msg, "\n") {
			return msg
		}
		return "interrupted"
	}
	return strings.TrimSpace(describe(err))
}

func describe(err error) string {
	// A cap names its source: what wraps it ("Please retry") would not help.
	var capErr *readcap.Error
	if errors.As(err, &capErr) {
		return capErr.Error()
	}
	if msg, ok := transportMessage(err); ok {
		return msg
	}
	if msg := err.Error(); errors.Is(err, context.DeadlineExceeded) &&
		(strings.Contains(msg, "while reading body") || strings.Contains(msg, "when reading response body")) {
		// The words of net/http, or of client-go (which adds "Please
		// retry"), when the request's timeout cuts a body.
		return "the server's answer was still coming when --request-timeout ended it"
	}
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		return statusMessage(err, status.Status())
	}
	return err.Error()
}

// statusMessage words the API errors people meet most.
func statusMessage(err error, s metav1.Status) string {
	switch {
	case apierrors.IsUnauthorized(err):
		// kubectl's words, which users search for.
		if s.Message == "" {
			s.Message = "Unauthorized"
		}
		return "You must be logged in to the server (" + s.Message + ")"
	case apierrors.IsForbidden(err):
		if s.Message == "" {
			return "forbidden"
		}
		return s.Message
	}
	return err.Error()
}

// transportMessage explains errors from reaching the server at all, naming
// the URL that could not be reached, or what kdx refused to send.
func transportMessage(err error) (string, bool) {
	var uerr *url.Error
	if !errors.As(err, &uerr) {
		return "", false
	}
	var redirect *clientconfig.RedirectError
	if errors.As(err, &redirect) {
		return redirect.Error(), true
	}
	if msg, ok := credentialPluginFailure(uerr.Err); ok {
		return msg, true
	}
	server := serverOf(uerr.URL)
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("cannot reach the server at %s: connection refused (is the API server running, and is this the right context?)", server), true
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("cannot reach the server at %s: no such host %q", server, dnsErr.Name), true
	case errors.Is(err, context.DeadlineExceeded) || uerr.Timeout():
		return fmt.Sprintf("cannot reach the server at %s: timed out", server), true
	case strings.Contains(err.Error(), "x509:") || strings.Contains(err.Error(), "tls:"):
		return fmt.Sprintf("cannot verify the server at %s: %s", server, tlsCause(err)), true
	}
	return fmt.Sprintf("cannot reach the server at %s: %v", server, uerr.Err), true
}

// credentialsPrefix starts the error of client-go's exec credential
// plugin round tripper when the plugin failed (it formats the cause with
// %v: only its text is left).
const credentialsPrefix = "getting credentials: "

// maxPluginMessage bounds a credential plugin's error in a message.
const maxPluginMessage = 500

// credentialPluginFailure says whether err is the failure of the
// kubeconfig's exec credential plugin (which client-go reports as a failed
// request) and words it on one line: "the credential plugin failed: exec:
// executable aws failed with exit code 1". client-go names the plugin when
// it could not run it or it exited non-zero; its other errors (bad output)
// are about the plugin's answer.
func credentialPluginFailure(err error) (string, bool) {
	if err == nil {
		return "", false
	}
	msg := err.Error()
	i := strings.Index(msg, credentialsPrefix)
	if i < 0 {
		return "", false
	}
	// one line: the install hint client-go appends after blank lines
	msg = strings.Join(strings.Fields(msg[i+len(credentialsPrefix):]), " ")
	if len(msg) > maxPluginMessage {
		msg = strings.ToValidUTF8(msg[:maxPluginMessage], "") + "..."
	}
	return "the credential plugin failed: " + msg, true
}

func tlsCause(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "tls:"); i >= 0 {
		return msg[i:]
	}
	if i := strings.Index(msg, "x509:"); i >= 0 {
		return msg[i:]
	}
	return msg
}

func serverOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	return u.Scheme + "://" + u.Host
}

// Cut is the first line of msg, at most n bytes of it (cut at a whole
// UTF-8 character, then "..."): a message that quotes what a server sent
// stays one line.
func Cut(msg string, n int) string {
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	if len(msg) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + "..."
	}
	return msg
}
