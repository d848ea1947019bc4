package clitest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cliutil"
)

// Run runs cmd (a command's NewCmd over f) with args and returns what a
// user sees as a golden file holds it: a line naming a fleet's contexts
// (those whose server is "" down), the Transcript, then how kdx ends: the
// error line it prints and its exit code (grep's and diff's for a Unix
// tool).
func Run(f *Factory, cmd *cobra.Command, args ...string) string {
	var b strings.Builder
	if len(f.ContextList) > 0 {
		b.WriteString("# contexts " + strings.Join(f.ContextList, ","))
		for _, name := range f.ContextList {
			if url, ok := f.Servers[name]; ok && url == "" {
				b.WriteString(" (" + name + " down)")
			}
		}
		b.WriteString("\n")
	}
	if args == nil {
		args = []string{} // not cobra's default, the test binary's os.Args
	}
	stdout, stderr, err := Execute(f, cmd, args...)
	b.WriteString(Transcript(args, stdout, stderr, err))
	code := cliutil.ExitCode(err)
	if cli.IsUnixTool(cmd) {
		code = cliutil.ToolExitCode(err, false)
	}
	if msg := cliutil.Message(err); msg != "" {
		b.WriteString("--- kdx prints\nerror: " + msg + "\n")
	}
	fmt.Fprintf(&b, "--- exit %d\n\n", code)
	return b.String()
}

// Refusing is a server that answers as upstream does, except the requests
// refuse picks, which get a Status of code, reason and message (a type
// the user may not list, lists whose credentials are refused).
func Refusing(t testing.TB, upstream string, refuse func(*http.Request) bool, code int, reason, message string) string {
	target, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if refuse(r) {
			writeStatus(w, code, reason, message)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
