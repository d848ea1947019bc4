package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/write"
)

func TestWriteFlagsOptions(t *testing.T) {
	cases := []struct {
		name    string
		flags   writeFlags
		dryRun  bool
		valid   string
		wantErr string
	}{
		{name: "defaults", flags: writeFlags{dryRun: "none", validate: "strict", fieldManager: "kdx", concurrency: 64}, valid: "Strict"},
		{name: "server dry run, warn", flags: writeFlags{dryRun: "server", validate: "warn", fieldManager: "kdx", concurrency: 64}, dryRun: true, valid: "Warn"},
		{name: "validate=false", flags: writeFlags{dryRun: "none", validate: "false", fieldManager: "kdx", concurrency: 64}, valid: "Ignore"},
		{name: "client dry run refused", flags: writeFlags{dryRun: "client", validate: "strict", fieldManager: "kdx", concurrency: 64}, wantErr: "--dry-run=client is not supported"},
		{name: "unknown dry run", flags: writeFlags{dryRun: "maybe", validate: "strict", fieldManager: "kdx", concurrency: 64}, wantErr: `invalid --dry-run value "maybe"`},
		{name: "bad output", flags: writeFlags{dryRun: "none", validate: "strict", fieldManager: "kdx", output: "wide", concurrency: 64}, wantErr: `unable to match a printer suitable for the output format "wide", allowed formats are: json,name,yaml`},
		{name: "empty manager", flags: writeFlags{dryRun: "none", validate: "strict", concurrency: 64}, wantErr: "--field-manager must not be empty"},
		{name: "no concurrency", flags: writeFlags{dryRun: "none", validate: "strict", fieldManager: "kdx"}, wantErr: "--concurrency must be at least 1, not 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o, err := c.flags.options()
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

func TestDeleteGracePeriodRules(t *testing.T) {
	cases := []struct {
		name       string
		grace      int
		now, force bool
		want       string // "" for nil
		wantErr    string
	}{
		{name: "default", grace: -1, want: ""},
		{name: "--now", grace: -1, now: true, want: "1"},
		{name: "--force", grace: -1, force: true, want: "0"},
		{name: "0 without --force becomes 1, as kubectl", grace: 0, want: "1"},
		{name: "0 with --force", grace: 0, force: true, want: "0"},
		{name: "explicit", grace: 30, want: "30"},
		{name: "--now with --grace-period", grace: 5, now: true, wantErr: "--now and --grace-period"},
		{name: "--force with a grace period", grace: 5, force: true, wantErr: "--force and --grace-period greater than 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := &deleteOptions{cascade: "background", gracePeriod: c.grace, now: c.now, force: c.force}
			d, err := o.deleteOptions()
			if c.wantErr != "" {
				if err == nil {
					t.Fatalf("no error, want %q", c.wantErr)
				}
				return
			}
			got := ""
			if d.GracePeriod != nil {
				got = fmt.Sprint(*d.GracePeriod)
			}
			if err != nil || got != c.want {
				t.Errorf("grace period %q (%v), want %q", got, err, c.want)
			}
		})
	}
}

func TestReporter(t *testing.T) {
	ref := write.Ref{Mapping: discovery.Mapping{GVK: schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, Namespaced: true}, Namespace: "ns", Name: "a"}
	var out, errOut bytes.Buffer
	r := &reporter{out: &out, errOut: &errOut}
	r.emit(write.Result{Task: write.Task{Ref: ref}, Action: write.ActionCreated, Warnings: []string{"careful"}})
	r.emit(write.Result{Task: write.Task{Ref: ref, Source: "f.yaml document 2 (line 5)"}, Verb: "create", Err: errors.New("boom")})
	r.emit(write.Result{Task: write.Task{Ref: ref}, Verb: "create", Err: context.Canceled})
	err := r.finish(context.Background())
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
