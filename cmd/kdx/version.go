package main

import (
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

func newVersionCommand(f cli.Factory) *cobra.Command {
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
			return o.runFleet(ctx, contexts) // version_fleet.go
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
