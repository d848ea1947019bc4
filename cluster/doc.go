// Package cluster is what every front end of kdx starts from: the CLI, the
// interactive explorer and any Go program.
//
// A Cluster is what one kubeconfig context gives: its name, its REST
// configuration, a discovery client with its disk cache and a resolver of
// what a user types (short names, kind.group, categories), a dynamic client
// and the read engine over it, and where its warnings go. Each part is built
// on first use and shared afterwards.
//
// A Fleet is clusters in order, read through one runner (query.Ordered):
// Each reads every cluster, a bounded number at a time, cancellable through
// its context, and hands the results on in the fleet's order, each with the
// cluster's own failure. One cluster is a fleet of one; nothing about a
// single cluster takes another path.
//
// The example lists every listable type of two contexts with a --where
// filter, as `kdx get --all-types -A --where ... --context a,b` does.
package cluster
