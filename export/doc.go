// Package export turns the objects of a live cluster into manifests that
// re-apply to another cluster: data-driven rules remove what the server
// allocated and skip what the cluster makes by itself, and sinks write the
// cleaned objects to a stream (YAML, a JSON List, JSON lines) or to a
// directory tree that can live in git.
package export
