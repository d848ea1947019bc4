package testenv

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// controllers are the kube-controller-manager controllers kdx's tests rely on:
// namespaces that go away (with the PersistentVolumeClaims in them: the
// API server's admission puts the kubernetes.io/pvc-protection finalizer on
// each, which only its controller takes off), service accounts and their
// CA, owners and their dependents (deployments, replica sets, jobs,
// endpoints), aggregated roles.
var controllers = []string{
	"garbage-collector-controller",
	"namespace-controller",
	"persistentvolumeclaim-protection-controller",
	"serviceaccount-controller",
	"serviceaccount-token-controller",
	"root-ca-certificate-publisher-controller",
	"endpoints-controller",
	"endpointslice-controller",
	"deployment-controller",
	"replicaset-controller",
	"job-controller",
	"clusterrole-aggregation-controller",
}

// controllerManagerArgs returns the flags of a kube-controller-manager that
// talks to the main apiserver through kubeconfig.
func (e *Env) controllerManagerArgs(kubeconfig string) []string {
	return []string{
		"--kubeconfig=" + kubeconfig,
		"--leader-elect=false",
		"--secure-port=0",
		"--controllers=" + strings.Join(controllers, ","),
		"--service-account-private-key-file=" + e.pki.saKeyFile,
		"--root-ca-file=" + e.pki.caFile,
		"--use-service-account-credentials=false",
		"--v=1",
	}
}

// startControllerManager starts kube-controller-manager and waits until it
// has created the default service account of the default namespace.
func (e *Env) startControllerManager(ctx context.Context) error {
	kubeconfig := filepath.Join(e.Dir, "controller-manager.kubeconfig")
	if err := e.writeKubeconfig(kubeconfig); err != nil {
		return err
	}
	clientset, err := kubernetes.NewForConfig(e.Config)
	if err != nil {
		return fmt.Errorf("failed to create client: %w", err)
	}
	start := func() (*process, error) {
		bin := filepath.Join(e.BinDir, "kube-controller-manager")
		name := "kube-controller-manager"
		return startProcess(name, bin, e.logPath(name), e.controllerManagerArgs(kubeconfig))
	}
	p, err := startReady(ctx, start, func(ctx context.Context) error { return defaultServiceAccount(ctx, clientset) })
	if err != nil {
		return fmt.Errorf("failed to start kube-controller-manager: %w", err)
	}
	e.kcm = p
	return nil
}

// defaultServiceAccount reports whether default/default exists.
func defaultServiceAccount(ctx context.Context, clientset kubernetes.Interface) error {
	ctx, cancel := context.WithTimeout(ctx, pollTimeout)
	defer cancel()
	_, err := clientset.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{})
	return err
}
