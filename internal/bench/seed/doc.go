// Command seed fills the control plane of KUBECONFIG (or --kubeconfig) with
// the objects `make bench` measures against:
//
//	seed [--namespaces 20] [--crds 200] [--custom-objects 10000] \
//	     [--configmaps 10000] [--configmap-size 1024] [--workers 32]
//
// Objects that exist already are skipped, so a second run only fills gaps.
// It prints what it created and how long it took. With --manifest FILE it
// writes the same objects as multi-document YAML instead (namespaces and CRDs
// first), and --name-prefix gives the ConfigMaps and custom objects other
// names: a file for an apply bench that does not collide with the seed.
package main
