package version

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/kdxproject/kdx/internal/cli/clitest"
	kdxversion "github.com/kdxproject/kdx/internal/version"
)

func TestMain(m *testing.M) {
	kdxversion.Version = "v9.9.9-test" // a client version the same on every build
	os.Exit(m.Run())
}

func TestVersionAgainstTheServer(t *testing.T) {
	f := clitest.New()
	f.Server = clitest.NewAPIServer(t).URL
	out, stderr, err := clitest.Execute(f, NewCmd(f))
	if err != nil || stderr != "" {
		t.Fatalf("err %v, stderr %q", err, stderr)
	}
	if want := "Client Version: v9.9.9-test\nServer Version: " + clitest.ServerVersion + "\n"; out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
}

func TestVersionClientOnly(t *testing.T) {
	f := clitest.New() // no server: --client asks none
	out, _, err := clitest.Execute(f, NewCmd(f), "--client")
	if err != nil {
		t.Fatal(err)
	}
	if want := "Client Version: v9.9.9-test\n"; out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
}

// TestVersionServerUnreachable: the client version is printed, and the
// error of the server is returned.
func TestVersionServerUnreachable(t *testing.T) {
	f := clitest.New()
	out, _, err := clitest.Execute(f, NewCmd(f))
	if !errors.Is(err, clitest.ErrNoServer) {
		t.Errorf("err %v, want %v", err, clitest.ErrNoServer)
	}
	if want := "Client Version: v9.9.9-test\n"; out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
}

func TestVersionJSONAndYAML(t *testing.T) {
	for _, format := range []string{"json", "yaml"} {
		t.Run(format, func(t *testing.T) {
			f := clitest.New()
			f.Server = clitest.NewAPIServer(t).URL
			out, _, err := clitest.Execute(f, NewCmd(f), "-o", format)
			if err != nil {
				t.Fatal(err)
			}
			b := []byte(out)
			if format == "yaml" {
				if b, err = yaml.YAMLToJSON(b); err != nil {
					t.Fatal(err)
				}
			} else if !json.Valid(b) {
				t.Fatalf("not JSON: %s", out)
			}
			var doc struct {
				ClientVersion struct{ GitVersion string }  `json:"clientVersion"`
				ServerVersion *struct{ GitVersion string } `json:"serverVersion"`
			}
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			if doc.ClientVersion.GitVersion != "v9.9.9-test" || doc.ServerVersion == nil || doc.ServerVersion.GitVersion != clitest.ServerVersion {
				t.Errorf("-o %s:\n%s", format, out)
			}
		})
	}
	f := clitest.New()
	out, _, err := clitest.Execute(f, NewCmd(f), "--client", "-o", "json")
	if err != nil || !json.Valid([]byte(out)) || json.Unmarshal([]byte(out), &map[string]any{}) != nil {
		t.Fatalf("--client -o json: %v\n%s", err, out)
	}
	var doc map[string]any
	_ = json.Unmarshal([]byte(out), &doc)
	if _, ok := doc["serverVersion"]; ok {
		t.Errorf("--client -o json has a serverVersion:\n%s", out)
	}
}

// TestVersionFleet: a CONTEXT / SERVER VERSION table, one row per context.
func TestVersionFleet(t *testing.T) {
	f := clitest.New()
	f.Server = clitest.NewAPIServer(t).URL
	f.ContextList = []string{"a", "b"}
	out, _, err := clitest.Execute(f, NewCmd(f))
	if err != nil {
		t.Fatal(err)
	}
	want := "Client Version: v9.9.9-test\nCONTEXT   SERVER VERSION\na         " + clitest.ServerVersion + "\nb         " + clitest.ServerVersion + "\n"
	if out != want {
		t.Errorf("stdout\n%s\nwant\n%s", out, want)
	}
}

func TestVersionValidate(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"-o", "wide"}, `unable to match a printer suitable for the output format "wide", allowed formats are: json,yaml`},
		{[]string{"-o", "name"}, `unable to match a printer suitable for the output format "name", allowed formats are: json,yaml`},
		{[]string{"extra"}, `unknown command "extra" for "version"`},
		{[]string{"--bogus"}, "unknown flag: --bogus"},
	}
	for _, tt := range tests {
		f := clitest.New()
		_, _, err := clitest.Execute(f, NewCmd(f), append(tt.args, "--client")...)
		if got := errString(err); got != tt.wantErr {
			t.Errorf("version %v: %q, want %q", tt.args, got, tt.wantErr)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
