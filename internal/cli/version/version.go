package version

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
	apiversion "k8s.io/apimachinery/pkg/version"

	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/version"
	"github.com/kdxproject/kdx/render"
)

// versionOptions are the flags and inputs of `kdx version`.
type versionOptions struct {
	f          cli.Factory
	clientOnly bool
	output     string
}

type versionDocument struct {
	ClientVersion version.Info     `json:"clientVersion"`
	ServerVersion *apiversion.Info `json:"serverVersion,omitempty"`
}

func NewCmd(f cli.Factory) *cobra.Command {
	o := &versionOptions{f: f}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the client and server versions",
		Example: `  # Client and server versions
  kdx version

  # Only the client, without contacting a server
  kdx version --client

  # As JSON, for scripts
  kdx version -o json`,
		Args: cobra.NoArgs,
		RunE: cli.RunE(o),
	}
	cmd.Flags().BoolVar(&o.clientOnly, "client", false, "print the client version only (no server needed)")
	cmd.Flags().StringVarP(&o.output, "output", "o", "", versionOutputs.Usage("output format"))
	return cmd
}

// versionOutputs are the -o values of version.
var versionOutputs = render.Outputs{"", "json", "yaml"}

// Validate checks the output format.
func (o *versionOptions) Validate() error {
	return versionOutputs.Check(o.output)
}

// Run prints the client version and the server version of each context
// (a fleet of one is one context); the client version is printed even if
// no server can be reached.
func (o *versionOptions) Run(ctx context.Context) error {
	var reads cli.ClusterReads[*apiversion.Info] // none with --client
	if !o.clientOnly {
		contexts, _, err := o.f.Fleet()
		if err != nil {
			return err
		}
		if reads, err = cli.ReadClusters(ctx, o.f, contexts, serverVersion); err != nil {
			return err
		}
	}
	out := bufio.NewWriter(o.f.Streams().Out)
	err := o.print(out, reads)
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	return reads.Err()
}

// print writes the client version and the server versions read: for one
// context (or none) kubectl's two lines, or one document with -o; for a
// fleet a CONTEXT / SERVER VERSION table, or with -o one mapping of
// context name to what version prints for that context alone.
func (o *versionOptions) print(out *bufio.Writer, reads cli.ClusterReads[*apiversion.Info]) error {
	client := version.Get()
	format := render.FormatJSON
	if o.output == "yaml" {
		format = render.FormatYAML
	}
	switch {
	case !reads.Fleet() && o.output != "":
		doc := versionDocument{ClientVersion: client}
		if len(reads) == 1 {
			doc.ServerVersion = reads[0].Value
		}
		return render.Value(out, format, doc)
	case !reads.Fleet():
		fmt.Fprintf(out, "Client Version: %s\n", client.GitVersion)
		if len(reads) == 1 && reads[0].Value != nil {
			fmt.Fprintf(out, "Server Version: %s\n", reads[0].Value.GitVersion)
		}
		return nil
	case o.output != "":
		docs := render.ContextDocs{Out: out, Format: format}
		for _, r := range reads {
			if r.Err == nil {
				if err := docs.AddValue(r.Context, versionDocument{ClientVersion: client, ServerVersion: r.Value}); err != nil {
					return err
				}
			}
		}
		docs.Close()
		return nil
	}
	fmt.Fprintf(out, "Client Version: %s\n", client.GitVersion)
	tw := render.NewTableWriter(out)
	fmt.Fprintln(tw.Writer(), "CONTEXT\tSERVER VERSION")
	for _, r := range reads {
		if r.Err == nil {
			fmt.Fprintf(tw.Writer(), "%s\t%s\n", r.Context, r.Value.GitVersion)
		}
	}
	return tw.Flush()
}

// serverVersion reads the server version of f's context.
func serverVersion(ctx context.Context, f cli.Factory, _ string) (*apiversion.Info, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	c, err := dynamicclient.New(cfg.REST)
	if err != nil {
		return nil, err
	}
	var body bytes.Buffer
	if err := c.Raw(ctx, "/version", &body); err != nil {
		return nil, err
	}
	var info apiversion.Info
	if err := json.Unmarshal(body.Bytes(), &info); err != nil {
		return nil, fmt.Errorf("failed to decode the server version: %w", err)
	}
	return &info, nil
}
