package clientconfig

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/client-go/util/homedir"

	"github.com/kdxproject/kdx/internal/version"
)

// Options are the connection settings kdx adds to kubectl's ConfigFlags.
type Options struct {
	// QPS is client-go's client-side rate limit; negative turns it off.
	QPS float32
	// Burst is the rate limiter's burst, used only when QPS > 0.
	Burst int
}

// ErrNoConfig says that no kubeconfig was found and kdx is not in a pod.
var ErrNoConfig = errors.New("no kubeconfig found (looked at $KUBECONFIG and ~/.kube/config) and not running inside a cluster: use --kubeconfig, or --server with credentials")

// KubeconfigError is a kubeconfig file that is missing or cannot be parsed.
type KubeconfigError struct {
	Path    string
	Missing bool
	Err     error
}

func (e *KubeconfigError) Error() string {
	if e.Missing {
		return fmt.Sprintf("kubeconfig %q not found", e.Path)
	}
	return fmt.Sprintf("kubeconfig is not valid: %v", e.Err)
}

func (e *KubeconfigError) Unwrap() error { return e.Err }

// ContextError is a context name the merged kubeconfig does not have.
type ContextError struct {
	Name      string
	Available []string
}

func (e *ContextError) Error() string {
	if len(e.Available) == 0 {
		return fmt.Sprintf("context %q not found: the kubeconfig has no contexts", e.Name)
	}
	return fmt.Sprintf("context %q not found in kubeconfig (available: %s)", e.Name, strings.Join(e.Available, ", "))
}

// Config is what kdx knows about the cluster it is about to talk to.
type Config struct {
	// REST is the client configuration for every request.
	REST *rest.Config
	// Namespace is -n, else the context's namespace, else "default".
	Namespace string
	// ExplicitNamespace says whether -n was given.
	ExplicitNamespace bool
	// Context is the kubeconfig context in use ("" in a pod).
	Context string
}

// Load resolves flags and kubeconfig into a Config.
func Load(flags *Flags, opts Options) (*Config, error) {
	loader := flags.ToRawKubeConfigLoader()
	raw, err := loader.RawConfig()
	if err != nil {
		return nil, kubeconfigError(flags, err)
	}
	ctxName, err := contextName(flags, raw)
	if err != nil {
		return nil, err
	}
	if len(raw.Clusters) == 0 && flags.APIServer == "" && !inCluster() {
		return nil, ErrNoConfig
	}
	cfg, err := loader.ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("invalid client configuration: %w", err)
	}
	ns, explicit, err := loader.Namespace()
	if err != nil {
		return nil, fmt.Errorf("failed to determine the namespace: %w", err)
	}
	cfg.QPS = opts.QPS
	cfg.Burst = opts.Burst
	if cfg.QPS == 0 {
		cfg.QPS = -1
	}
	cfg.UserAgent = version.UserAgent()
	// Innermost, after every credential wrapper: see RedirectError.
	cfg.Wrap(Innermost)
	return &Config{REST: cfg, Namespace: ns, ExplicitNamespace: explicit, Context: ctxName}, nil
}

func kubeconfigError(flags *Flags, err error) error {
	path := flags.KubeConfig
	if path != "" && os.IsNotExist(err) {
		return &KubeconfigError{Path: path, Missing: true, Err: err}
	}
	return &KubeconfigError{Path: path, Err: err}
}

func contextName(flags *Flags, raw clientcmdapi.Config) (string, error) {
	name := flags.Context
	if name == "" {
		return raw.CurrentContext, nil
	}
	if _, ok := raw.Contexts[name]; ok {
		return name, nil
	}
	available := make([]string, 0, len(raw.Contexts))
	for n := range raw.Contexts {
		available = append(available, n)
	}
	sort.Strings(available)
	return "", &ContextError{Name: name, Available: available}
}

func inCluster() bool {
	_, err := rest.InClusterConfig()
	return err == nil
}

// IsConfigError reports whether err comes from loading the configuration
// rather than from talking to a server.
func IsConfigError(err error) bool {
	var ke *KubeconfigError
	var ce *ContextError
	return errors.Is(err, ErrNoConfig) || errors.As(err, &ke) || errors.As(err, &ce) || clientcmd.IsConfigurationInvalid(err)
}

// DefaultCacheDir is ${XDG_CACHE_HOME:-~/.cache}/kdx.
func DefaultCacheDir() string {
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "kdx")
	}
	return filepath.Join(homedir.HomeDir(), ".cache", "kdx")
}
