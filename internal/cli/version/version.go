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
	"github.com/kdxproject/kdx/internal/cliutil"
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

// Run prints the versions; the client version is printed even if the server
// cannot be reached.
func (o *versionOptions) Run(ctx context.Context) error {
	if !o.clientOnly {
		if contexts, fleet, err := o.f.Fleet(); err != nil || fleet {
			if err != nil {
				return err
			}
			return o.runFleet(ctx, contexts)
		}
	}
	doc := versionDocument{ClientVersion: version.Get()}
	var serverErr error
	if !o.clientOnly {
		doc.ServerVersion, serverErr = o.serverVersion(ctx)
	}
	out := o.f.Streams().Out
	switch o.output {
	case "json":
		if err := render.JSON(out, doc); err != nil {
			return err
		}
	case "yaml":
		if err := render.YAML(out, doc); err != nil {
			return err
		}
	default:
		fmt.Fprintf(out, "Client Version: %s\n", doc.ClientVersion.GitVersion)
		if doc.ServerVersion != nil {
			fmt.Fprintf(out, "Server Version: %s\n", doc.ServerVersion.GitVersion)
		}
	}
	return serverErr
}

func (o *versionOptions) serverVersion(ctx context.Context) (*apiversion.Info, error) {
	cfg, err := o.f.Config()
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

// runFleet prints the client version once and each context's server
// version: a CONTEXT / SERVER VERSION table, or with -o json|yaml one
// mapping of context name to what version prints for that context alone.
func (o *versionOptions) runFleet(ctx context.Context, contexts []string) error {
	infos, ok, failed, err := cli.EachContext(ctx, o.f, contexts, o.f.Streams().ErrOut, func(ctx context.Context, f cli.Factory) (*apiversion.Info, error) {
		co := *o
		co.f = f
		return co.serverVersion(ctx)
	})
	if err != nil {
		return err
	}
	out := bufio.NewWriter(o.f.Streams().Out)
	switch o.output {
	case "json", "yaml":
		docs := render.ContextDocs{Out: out, Format: render.FormatJSON}
		if o.output == "yaml" {
			docs.Format = render.FormatYAML
		}
		for i, info := range infos {
			if !ok[i] {
				continue
			}
			var b bytes.Buffer
			doc := versionDocument{ClientVersion: version.Get(), ServerVersion: info}
			if o.output == "json" {
				err = render.JSON(&b, doc)
			} else {
				err = render.YAML(&b, doc)
			}
			if err != nil {
				return err
			}
			docs.Add(contexts[i], b.Bytes())
		}
		docs.Close()
	default:
		fmt.Fprintf(out, "Client Version: %s\n", version.Get().GitVersion)
		tw := render.NewTableWriter(out)
		fmt.Fprintln(tw.Writer(), "CONTEXT\tSERVER VERSION")
		for i, info := range infos {
			if ok[i] {
				fmt.Fprintf(tw.Writer(), "%s\t%s\n", contexts[i], info.GitVersion)
			}
		}
		err = tw.Flush()
	}
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err == nil && failed {
		err = &cliutil.ExitError{Code: 1}
	}
	return err
}
