// Package bench fills a control plane with the objects `make bench` measures
// kdx and kubectl against: namespaces, CustomResourceDefinitions with printer
// columns (some cluster-scoped), custom objects and ConfigMaps, all named and
// sized deterministically, created concurrently and skipped when they exist.
package bench
