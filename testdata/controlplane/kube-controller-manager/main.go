// Command kube-controller-manager runs the Kubernetes controllers that kdx's tests
// rely on (garbage collection, namespaces, service accounts, ...).
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

func main() {
	os.Exit(cli.Run(app.NewControllerManagerCommand()))
}
