package testenv

import (
	"context"
	"path/filepath"
	"testing"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// StartPeer starts another control plane (its own etcd and kube-apiserver,
// no controller manager), for tests that need a fleet of clusters; it is
// stopped when t ends.
func StartPeer(t testing.TB) *Env {
	t.Helper()
	return startPeer(t, Options{NoControllerManager: true})
}

// StartPeerWithControllers starts another control plane with its own
// kube-controller-manager, for a test that breaks the cluster for everyone
// else (an unavailable APIService blocks every namespace's deletion); it
// is stopped when t ends.
func StartPeerWithControllers(t testing.TB) *Env {
	t.Helper()
	return startPeer(t, Options{})
}

func startPeer(t testing.TB, opts Options) *Env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), defaultStartTimeout)
	defer cancel()
	e, err := Start(ctx, opts)
	if err != nil {
		t.Fatalf("failed to start a second control plane: %v", err)
	}
	t.Cleanup(e.Stop)
	return e
}

// FleetContext is one context of a fleet kubeconfig.
type FleetContext struct {
	Name string
	// Config is the server and credentials (bearer token, CA data) of the context.
	Config *rest.Config
}

// WriteFleetKubeconfig writes a kubeconfig into t's temporary directory
// with one context (cluster and user of the same name, namespace default)
// per entry, in the order given, the first one current, and returns its path.
func WriteFleetKubeconfig(t testing.TB, contexts ...FleetContext) string {
	t.Helper()
	cfg := clientcmdapi.NewConfig()
	for _, c := range contexts {
		cfg.Clusters[c.Name] = &clientcmdapi.Cluster{Server: c.Config.Host, CertificateAuthorityData: c.Config.CAData}
		cfg.AuthInfos[c.Name] = &clientcmdapi.AuthInfo{Token: c.Config.BearerToken}
		cfg.Contexts[c.Name] = &clientcmdapi.Context{Cluster: c.Name, AuthInfo: c.Name, Namespace: "default"}
	}
	if len(contexts) > 0 {
		cfg.CurrentContext = contexts[0].Name
	}
	path := filepath.Join(t.TempDir(), "fleet.kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatalf("failed to write the fleet kubeconfig: %v", err)
	}
	return path
}
