// Package testenv runs a real Kubernetes control plane (etcd, kube-apiserver and
// kube-controller-manager v1.37.2) on loopback ports, for kdx's end-to-end tests
// and for the local demo cluster.
//
// A test package starts one shared control plane from TestMain:
//
//	func TestMain(m *testing.M) { testenv.Main(m, testenv.Options{}) }
//
// and each end-to-end test asks for it, gets its own namespace and runs kdx:
//
//	env := testenv.Require(t)
//	ns := env.Namespace(t)
//	res := env.Kdx(t, "get", "pods", "-n", ns)
//
// Under -short nothing is started and Require skips the test; otherwise a
// control plane that fails to build or start fails the tests that need it.
package testenv
