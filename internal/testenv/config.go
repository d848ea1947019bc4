package testenv

import (
	"fmt"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// pollTimeout bounds each request of a readiness check.
const pollTimeout = 2 * time.Second

// adminConfig returns a config for the admin user at url, without rate limits.
func (e *Env) adminConfig(url string) *rest.Config {
	return e.tokenConfig(url, e.pki.adminToken)
}

// tokenConfig returns a config for the bearer token at url, without rate limits.
func (e *Env) tokenConfig(url, token string) *rest.Config {
	return &rest.Config{
		Host:            url,
		BearerToken:     token,
		TLSClientConfig: rest.TLSClientConfig{CAData: e.pki.caPEM},
		QPS:             -1,
	}
}

// kubeconfig returns a kubeconfig with the cluster "testenv" and the contexts
// "admin" (current, namespace default) and "restricted".
func (e *Env) kubeconfig() *clientcmdapi.Config {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["testenv"] = &clientcmdapi.Cluster{Server: e.URL, CertificateAuthorityData: e.pki.caPEM}
	cfg.AuthInfos["admin"] = &clientcmdapi.AuthInfo{Token: e.pki.adminToken}
	cfg.AuthInfos["restricted"] = &clientcmdapi.AuthInfo{Token: e.pki.restrictedToken}
	for _, user := range []string{"admin", "restricted"} {
		cfg.Contexts[user] = &clientcmdapi.Context{Cluster: "testenv", AuthInfo: user, Namespace: "default"}
	}
	cfg.CurrentContext = "admin"
	return cfg
}

// writeKubeconfig writes e's kubeconfig to path.
func (e *Env) writeKubeconfig(path string) error {
	if err := clientcmd.WriteToFile(*e.kubeconfig(), path); err != nil {
		return fmt.Errorf("failed to write kubeconfig: %w", err)
	}
	return nil
}
