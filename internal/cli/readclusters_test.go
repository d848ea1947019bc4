package cli_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cli/clitest"
	"github.com/kdxproject/kdx/internal/cliutil"
)

// readWarning reads a cluster: a warning, then its server's URL, or an
// error where it has none.
func readWarning(_ context.Context, f cli.Factory, name string) (string, error) {
	fmt.Fprintln(f.Streams().ErrOut, "Warning: read "+name)
	cfg, err := f.Config()
	if err != nil {
		return "partial", err
	}
	return cfg.REST.Host, nil
}

// TestReadClustersOne: one context is read with the factory itself,
// unnamed; its warning goes straight to stderr, its error and what it
// read before it are the command's.
func TestReadClustersOne(t *testing.T) {
	f := clitest.New()
	reads, err := cli.ReadClusters(context.Background(), f, nil, readWarning)
	if err != nil || len(reads) != 1 || reads.Fleet() {
		t.Fatalf("%v, %+v", err, reads)
	}
	if r := reads[0]; r.Context != "" || r.Value != "partial" || !errors.Is(r.Err, clitest.ErrNoServer) || !errors.Is(reads.Err(), clitest.ErrNoServer) {
		t.Errorf("read %+v, Err %v", r, reads.Err())
	}
	if got := f.ErrOut.String(); got != "Warning: read \n" {
		t.Errorf("stderr %q", got)
	}
}

// TestReadClustersFleet: each context read by its own factory, in order;
// warnings and a failure are lines naming the context, and the fleet's
// error is an exit 1 with nothing more to print.
func TestReadClustersFleet(t *testing.T) {
	f := clitest.New()
	f.Server, f.ContextList, f.Servers = "https://a.example", []string{"a", "b", "c"}, map[string]string{"b": "", "c": "https://c.example"}
	contexts, _, _ := f.Fleet()
	reads, err := cli.ReadClusters(context.Background(), f, contexts, readWarning)
	if err != nil || len(reads) != 3 || !reads.Fleet() {
		t.Fatalf("%v, %+v", err, reads)
	}
	if reads[0].Context != "a" || reads[0].Value != "https://a.example" || reads[0].Err != nil ||
		reads[1].Context != "b" || reads[1].Err == nil || reads[2].Context != "c" || reads[2].Value != "https://c.example" {
		t.Errorf("reads %+v", reads)
	}
	if err := reads.Err(); cliutil.ExitCode(err) != 1 || cliutil.Message(err) != "" {
		t.Errorf("Err %v", err)
	}
	want := "Warning: context \"a\": read a\nWarning: context \"b\": read b\nerror: context \"b\": clitest: no server\nWarning: context \"c\": read c\n"
	if got := f.ErrOut.String(); got != want {
		t.Errorf("stderr\n%s\nwant\n%s", got, want)
	}
}
