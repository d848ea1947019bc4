// Package testenv runs a real Kubernetes control plane (etcd, kube-apiserver and
// kube-controller-manager v1.37.2) on loopback ports, for kdx's end-to-end tests
// and for the local demo cluster.
//
// A test package shares one control plane, set up from TestMain:
//
//	func TestMain(m *testing.M) { testenv.Main(m, testenv.Options{}) }
//
// and started by the first end-to-end test that asks for it (a package, or
// a -run, whose tests need no server starts none). Each test asks for it,
// gets its own namespace and runs kdx:
//
//	env := testenv.Require(t)
//	ns := env.Namespace(t)
//	res := env.Kdx(t, "get", "pods", "-n", ns)
//
// Tests of a fleet that leave it as they found it share a second control
// plane (SharedPeer); a test that stops or restarts its server, or changes
// or compares what the whole cluster holds, has one to itself while it
// runs (Alone), and one that breaks a server for good starts its own
// (StartPeer, Start). Under -short nothing is started and Require
// skips the test; otherwise a control plane that fails to build or start
// fails the tests that need it.
package testenv
