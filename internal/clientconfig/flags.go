package clientconfig

import (
	"strings"

	"github.com/spf13/pflag"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Flags are kubectl's flags for reaching a cluster, with kubectl's names,
// shorthands, defaults and meaning, bound to client-go's clientcmd loading
// rules and overrides.
//
// They mirror cli-runtime's genericclioptions.ConfigFlags rather than embed
// it: that package links cli-runtime's resource builder and kustomize, which
// cost kdx about 25 MB of resident memory at every start, more than the
// whole memory budget of `kdx get` (see the README).
type Flags struct {
	KubeConfig, CacheDir                   string
	ClusterName, AuthInfoName, Context     string
	Namespace, APIServer, TLSServerName    string
	CertFile, KeyFile, CAFile, BearerToken string
	Impersonate, ImpersonateUID, Timeout   string
	ProxyURL                               string
	ImpersonateGroup, ImpersonateUserExtra []string
	Insecure, DisableCompression           bool

	// loaded is the merged kubeconfig Preload read, shared by the Flags
	// that ForContext makes; nil: each loader reads the files.
	loaded *clientcmdapi.Config
}

// NewFlags returns Flags with kubectl's defaults.
func NewFlags() *Flags {
	return &Flags{Timeout: "0", CacheDir: DefaultCacheDir()}
}

// AddFlags adds the flags to fs, named and documented as kubectl's.
func (f *Flags) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&f.KubeConfig, "kubeconfig", f.KubeConfig, "Path to the kubeconfig file to use for CLI requests.")
	fs.StringVar(&f.CacheDir, "cache-dir", f.CacheDir, "Default cache directory")
	fs.StringVar(&f.CertFile, "client-certificate", f.CertFile, "Path to a client certificate file for TLS")
	fs.StringVar(&f.KeyFile, "client-key", f.KeyFile, "Path to a client key file for TLS")
	fs.StringVar(&f.BearerToken, "token", f.BearerToken, "Bearer token for authentication to the API server")
	fs.StringVar(&f.Impersonate, "as", f.Impersonate, "Username to impersonate for the operation. User could be a regular user or a service account in a namespace.")
	fs.StringVar(&f.ImpersonateUID, "as-uid", f.ImpersonateUID, "UID to impersonate for the operation.")
	fs.StringArrayVar(&f.ImpersonateGroup, "as-group", f.ImpersonateGroup, "Group to impersonate for the operation, this flag can be repeated to specify multiple groups.")
	fs.StringArrayVar(&f.ImpersonateUserExtra, "as-user-extra", f.ImpersonateUserExtra, "User extras to impersonate for the operation, this flag can be repeated to specify multiple values for the same key.")
	fs.StringVar(&f.ClusterName, "cluster", f.ClusterName, "The name of the kubeconfig cluster to use")
	fs.StringVar(&f.AuthInfoName, "user", f.AuthInfoName, "The name of the kubeconfig user to use")
	fs.StringVarP(&f.Namespace, "namespace", "n", f.Namespace, "If present, the namespace scope for this CLI request")
	fs.StringVar(&f.Context, "context", f.Context, "The name of the kubeconfig context to use; reads (get, watch, export, api-resources...) also take a comma list and globs (prod-*), writes a comma list")
	fs.StringVarP(&f.APIServer, "server", "s", f.APIServer, "The address and port of the Kubernetes API server")
	fs.StringVar(&f.TLSServerName, "tls-server-name", f.TLSServerName, "Server name to use for server certificate validation. If it is not provided, the hostname used to contact the server is used")
	fs.BoolVar(&f.Insecure, "insecure-skip-tls-verify", f.Insecure, "If true, the server's certificate will not be checked for validity. This will make your HTTPS connections insecure")
	fs.StringVar(&f.CAFile, "certificate-authority", f.CAFile, "Path to a cert file for the certificate authority")
	fs.StringVar(&f.Timeout, "request-timeout", f.Timeout, "The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don't timeout requests.")
	fs.BoolVar(&f.DisableCompression, "disable-compression", f.DisableCompression, "If true, opt-out of response compression for all requests to the server")
	fs.StringVar(&f.ProxyURL, "proxy-url", f.ProxyURL, "If provided, this URL will be used to connect via proxy")
}

// ToRawKubeConfigLoader is clientcmd's deferred loader over the default
// loading rules (--kubeconfig, else $KUBECONFIG merged, else ~/.kube/config,
// else the in-cluster service account) with the flags as overrides.
func (f *Flags) ToRawKubeConfigLoader() clientcmd.ClientConfig {
	rules := f.rules()
	if f.loaded != nil {
		return clientcmd.NewNonInteractiveDeferredLoadingClientConfig(preloaded{rules, f.loaded}, f.overrides())
	}
	return clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, f.overrides())
}

func (f *Flags) rules() *clientcmd.ClientConfigLoadingRules {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.DefaultClientConfig = &clientcmd.DefaultClientConfig
	rules.ExplicitPath = f.KubeConfig
	return rules
}

// Preload reads and merges the kubeconfig files now, once, for f and the
// Flags that ForContext makes of it afterwards: the clusters of a fleet
// then each load a copy instead of reading and parsing every file again
// (five times for three contexts). A read that fails is not kept: each
// loader then reads, and reports the error, as without Preload.
func (f *Flags) Preload() {
	if f.loaded != nil {
		return
	}
	if raw, err := f.rules().Load(); err == nil {
		f.loaded = raw
	}
}

// preloaded is loading rules whose files were read once (Preload): each
// Load is a copy of what they held, so that no loader shares maps that
// another may change (a refreshed token is written back into its config).
type preloaded struct {
	*clientcmd.ClientConfigLoadingRules
	config *clientcmdapi.Config
}

// Load implements clientcmd.ClientConfigLoader.
func (p preloaded) Load() (*clientcmdapi.Config, error) { return p.config.DeepCopy(), nil }

func (f *Flags) overrides() *clientcmd.ConfigOverrides {
	o := &clientcmd.ConfigOverrides{ClusterDefaults: clientcmd.ClusterDefaults}
	a := &o.AuthInfo
	a.ClientCertificate, a.ClientKey = f.CertFile, f.KeyFile
	if f.BearerToken != "" {
		a.Token = f.BearerToken
	}
	a.Impersonate, a.ImpersonateUID, a.ImpersonateGroups = f.Impersonate, f.ImpersonateUID, f.ImpersonateGroup
	a.ImpersonateUserExtra = userExtras(f.ImpersonateUserExtra)
	c := &o.ClusterInfo
	c.Server, c.TLSServerName, c.CertificateAuthority = f.APIServer, f.TLSServerName, f.CAFile
	c.InsecureSkipTLSVerify, c.DisableCompression, c.ProxyURL = f.Insecure, f.DisableCompression, f.ProxyURL
	o.CurrentContext = f.Context
	o.Context.Cluster, o.Context.AuthInfo, o.Context.Namespace = f.ClusterName, f.AuthInfoName, f.Namespace
	o.Timeout = f.Timeout
	return o
}

// userExtras parses --as-user-extra key=value pairs; malformed ones are
// ignored, as kubectl does.
func userExtras(pairs []string) map[string][]string {
	if len(pairs) == 0 {
		return nil
	}
	extras := map[string][]string{}
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if ok {
			extras[k] = append(extras[k], v)
		}
	}
	return extras
}
