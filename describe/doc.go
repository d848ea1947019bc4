// Package describe writes a readable description of Kubernetes objects of
// any kind: a header of their metadata, their fields as an indented tree, a
// table of their conditions, their events and, for an object being deleted,
// why it has not gone yet (finalizers and who owns each, and for a
// Terminating namespace its conditions, the unavailable APIServices and the
// objects still in it). It takes unstructured objects and an io.Writer;
// gather.go reads what a description needs beyond the object through the
// query engine.
package describe
