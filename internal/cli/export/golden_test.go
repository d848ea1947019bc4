package export

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/cli/clitest"
)

// fleetServers are east (newServer's objects), west (ConfigMaps a and b in
// default) and down (a server that refuses every request).
func fleetServers(t *testing.T) map[string]string {
	west := clitest.NewAPIServer(t, clitest.Resource{Plural: "configmaps", Kind: "ConfigMap", Short: "cm"}, clitest.Resource{Plural: "secrets", Kind: "Secret"})
	west.Put("/api/v1/namespaces/default", `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"default"},"status":{"phase":"Active"}}`)
	for _, name := range []string{"a", "b"} {
		west.Put("/api/v1/namespaces/default/configmaps/"+name, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"`+name+`","namespace":"default","uid":"w","resourceVersion":"7"},"data":{"k":"w"}}`)
	}
	return map[string]string{"east": newServer(t).URL, "west": west.URL, "down": clitest.ClosedServer(t)}
}

// exportCases are the exports whose output the golden files pin, in one
// context (east) and in fleets; DIR is a new directory, whose files are
// part of the transcript.
var exportCases = [][]string{
	{"cm"},
	{"cm", "-o", "json"},
	{"cm", "-o", "jsonl"},
	{"cm,secrets", "--redact-secrets"},
	{"cm", "-q"},
	{"cm", "a", "zz"},
	{"cm", "zz", "-o", "json"},
	{"--all-types", "--redact-secrets", "-o", "json"},
	{"nosuchtype"},
	{"cm", "--where", `object.metadata.name == "b"`},
	{"cm", "--dir", "DIR"},
	{"cm", "--dir", "DIR", "-o", "json", "-q"},
	{"--all-types", "--dir", "DIR", "--redact-secrets", "--prune"},
	{"cm", "a", "zz", "--dir", "DIR"},
	{"cm", "--dir", "DIR", "--watch"},
	{"cm", "--dir", "DIR", "--commit"},
}

// TestExportGolden pins export's output and files in one context and over
// fleets of two and three (one cluster refusing every request).
func TestExportGolden(t *testing.T) {
	servers := fleetServers(t)
	for _, fleet := range clitest.GoldenFleets {
		for _, args := range exportCases {
			name := fleet.Name + "_" + clitest.GoldenName(args)
			t.Run(name, func(t *testing.T) {
				dir := filepath.Join(t.TempDir(), "out")
				if fleet.Contexts == nil && strings.Contains(name, "watch") {
					t.Skip("a watch of one cluster runs until interrupted")
				}
				args := append([]string(nil), args...)
				for i := range args {
					args[i] = strings.ReplaceAll(args[i], "DIR", dir)
				}
				f := fleet.Factory(servers)
				out, errOut, err := clitest.Execute(f, NewCmd(f), args...)
				got := clitest.Transcript(args, out, errOut, err) + files(t, dir)
				got = strings.ReplaceAll(strings.ReplaceAll(got, dir, "DIR"), filepath.Dir(dir), "TMP")
				clitest.Golden(t, name, got)
			})
		}
	}
}

// files are the files under dir, each with its mode and content.
func files(t *testing.T, dir string) string {
	var b strings.Builder
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		content, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		b.WriteString("--- file " + rel + " " + info.Mode().String() + "\n" + string(content))
		return nil
	})
	return b.String()
}
