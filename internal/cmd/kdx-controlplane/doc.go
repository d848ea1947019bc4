// Command kdx-controlplane runs a local Kubernetes control plane (etcd,
// kube-apiserver and kube-controller-manager, from internal/testenv) for
// `make up`, `make down` and `make demo`:
//
//	kdx-controlplane up --kubeconfig PATH [--state DIR]
//
// It writes an admin kubeconfig to PATH, prints `export KUBECONFIG=PATH` and
// stays up until SIGINT or SIGTERM, then stops every component.
package main
