package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kdxproject/kdx/internal/testenv"
)

// UpOptions are the options of `kdx-controlplane up`.
type UpOptions struct {
	// Kubeconfig is where the admin kubeconfig is written.
	Kubeconfig string
	// State is the directory under which the control plane keeps its state
	// and logs; empty means the system temporary directory.
	State string
	// Name, when set, names the kubeconfig's cluster, user and admin context
	// (the restricted one is NAME-restricted), so that the kubeconfigs of
	// several control planes merge into one fleet.
	Name string

	// Out receives the export line; ErrOut receives progress.
	Out, ErrOut io.Writer
}

// NewUpOptions returns UpOptions writing to out and errOut.
func NewUpOptions(out, errOut io.Writer) *UpOptions {
	return &UpOptions{Out: out, ErrOut: errOut}
}

// newUpCommand returns the `up` command.
func newUpCommand(out, errOut io.Writer) *cobra.Command {
	o := NewUpOptions(out, errOut)
	cmd := &cobra.Command{
		Use:   "up --kubeconfig PATH [--state DIR]",
		Short: "Start a control plane, write its kubeconfig and run until interrupted",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Complete(); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

// AddFlags registers the flags of `up`.
func (o *UpOptions) AddFlags(flags *pflag.FlagSet) {
	flags.StringVar(&o.Kubeconfig, "kubeconfig", o.Kubeconfig, "path to write the admin kubeconfig to (required)")
	flags.StringVar(&o.State, "state", o.State, "directory for the control plane's state and logs (default: a temporary directory)")
	flags.StringVar(&o.Name, "name", o.Name, "name of the cluster, user and admin context in the kubeconfig (default: testenv, admin)")
}

// Complete makes the paths absolute, so the printed export works from anywhere.
func (o *UpOptions) Complete() error {
	var err error
	if o.Kubeconfig != "" {
		if o.Kubeconfig, err = filepath.Abs(o.Kubeconfig); err != nil {
			return fmt.Errorf("failed to resolve --kubeconfig: %w", err)
		}
	}
	if o.State != "" {
		if o.State, err = filepath.Abs(o.State); err != nil {
			return fmt.Errorf("failed to resolve --state: %w", err)
		}
	}
	return nil
}

// Validate checks that the required flags are set.
func (o *UpOptions) Validate() error {
	if o.Kubeconfig == "" {
		return errors.New("--kubeconfig is required")
	}
	return nil
}

// Run starts the control plane, publishes its kubeconfig and waits for ctx
// to end, then stops the control plane and removes the kubeconfig.
func (o *UpOptions) Run(ctx context.Context) error {
	if o.State != "" {
		if err := os.MkdirAll(o.State, 0o755); err != nil {
			return fmt.Errorf("failed to create --state directory: %w", err)
		}
	}
	env, err := testenv.Start(ctx, testenv.Options{Dir: o.State, BuildOutput: o.ErrOut})
	if err != nil {
		return fmt.Errorf("failed to start the control plane: %w", err)
	}
	defer env.Stop()
	if err := publishKubeconfig(env.Kubeconfig, o.Kubeconfig, o.Name); err != nil {
		return err
	}
	defer os.Remove(o.Kubeconfig)
	fmt.Fprintf(o.ErrOut, "kdx-controlplane: %s is up at %s; logs in %s\n", testenv.Version, env.URL, filepath.Join(env.Dir, "logs"))
	fmt.Fprintf(o.Out, "export KUBECONFIG=%s\n", o.Kubeconfig)
	<-ctx.Done()
	fmt.Fprintln(o.ErrOut, "kdx-controlplane: stopping")
	return nil
}

// publishKubeconfig copies src to dst through a temporary file and a rename,
// so whoever waits for dst never reads half of it.
func publishKubeconfig(src, dst, name string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("failed to read kubeconfig: %w", err)
	}
	if name != "" {
		if data, err = renameKubeconfig(data, name); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("failed to create kubeconfig directory: %w", err)
	}
	tmp := dst + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("failed to write kubeconfig: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return fmt.Errorf("failed to write kubeconfig: %w", err)
	}
	return nil
}

// renameKubeconfig names the cluster and users of a testenv kubeconfig
// after name: context and user "admin" become name, "restricted" become
// name-restricted.
func renameKubeconfig(data []byte, name string) ([]byte, error) {
	cfg, err := clientcmd.Load(data)
	if err != nil {
		return nil, fmt.Errorf("failed to read kubeconfig: %w", err)
	}
	out := clientcmdapi.NewConfig()
	for _, c := range cfg.Clusters {
		out.Clusters[name] = c
	}
	for user, ctx := range cfg.Contexts {
		newName := name
		if user != "admin" {
			newName = name + "-" + user
		}
		out.AuthInfos[newName] = cfg.AuthInfos[ctx.AuthInfo]
		out.Contexts[newName] = &clientcmdapi.Context{Cluster: name, AuthInfo: newName, Namespace: ctx.Namespace}
	}
	out.CurrentContext = name
	return clientcmd.Write(*out)
}
