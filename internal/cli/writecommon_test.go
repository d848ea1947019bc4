package cli

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/write"
)

func TestWriteFlagsOptions(t *testing.T) {
	cases := []struct {
		name    string
		flags   WriteFlags
		dryRun  bool
		valid   string
		wantErr string
	}{
		{name: "defaults", flags: WriteFlags{DryRun: "none", Validate: "strict", FieldManager: "kdx", Concurrency: 64}, valid: "Strict"},
		{name: "server dry run, warn", flags: WriteFlags{DryRun: "server", Validate: "warn", FieldManager: "kdx", Concurrency: 64}, dryRun: true, valid: "Warn"},
		{name: "validate=false", flags: WriteFlags{DryRun: "none", Validate: "false", FieldManager: "kdx", Concurrency: 64}, valid: "Ignore"},
		{name: "client dry run refused", flags: WriteFlags{DryRun: "client", Validate: "strict", FieldManager: "kdx", Concurrency: 64}, wantErr: "--dry-run=client is not supported"},
		{name: "unknown dry run", flags: WriteFlags{DryRun: "maybe", Validate: "strict", FieldManager: "kdx", Concurrency: 64}, wantErr: `invalid --dry-run value "maybe"`},
		{name: "bad output", flags: WriteFlags{DryRun: "none", Validate: "strict", FieldManager: "kdx", Output: "wide", Concurrency: 64}, wantErr: `unable to match a printer suitable for the output format "wide", allowed formats are: json,name,yaml`},
		{name: "empty manager", flags: WriteFlags{DryRun: "none", Validate: "strict", Concurrency: 64}, wantErr: "--field-manager must not be empty"},
		{name: "no concurrency", flags: WriteFlags{DryRun: "none", Validate: "strict", FieldManager: "kdx"}, wantErr: "--concurrency must be at least 1, not 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o, err := c.flags.Options()
			if c.wantErr != "" {
				if err == nil || !bytes.Contains([]byte(err.Error()), []byte(c.wantErr)) {
					t.Fatalf("error %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil || o.DryRun != c.dryRun || o.FieldValidation != c.valid {
				t.Errorf("got %+v, %v", o, err)
			}
		})
	}
}

func TestReporter(t *testing.T) {
	ref := write.Ref{Mapping: discovery.Mapping{GVK: schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, Namespaced: true}, Namespace: "ns", Name: "a"}
	var out, errOut bytes.Buffer
	r := &Reporter{Out: &out, ErrOut: &errOut}
	r.Emit(write.Result{Task: write.Task{Ref: ref}, Action: write.ActionCreated, Warnings: []string{"careful"}})
	r.Emit(write.Result{Task: write.Task{Ref: ref, Source: "f.yaml document 2 (line 5)"}, Verb: "create", Err: errors.New("boom")})
	r.Emit(write.Result{Task: write.Task{Ref: ref}, Verb: "create", Err: context.Canceled})
	err := r.Finish(context.Background())
	if cliutil.ExitCode(err) != 1 || cliutil.Message(err) != "" {
		t.Errorf("finish: exit %d, message %q; want 1 and nothing more to print", cliutil.ExitCode(err), cliutil.Message(err))
	}
	if out.String() != "configmap/a created\n" {
		t.Errorf("stdout %q", out.String())
	}
	wantErr := "Warning: careful\nerror: failed to create configmap/a from f.yaml document 2 (line 5): boom\nerror: interrupted: 1 of 3 objects were not written (or their results not read)\n"
	if errOut.String() != wantErr {
		t.Errorf("stderr:\n%s\nwant:\n%s", errOut.String(), wantErr)
	}
}
