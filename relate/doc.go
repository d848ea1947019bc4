// Package relate builds the owner graph of a cluster from metadata pages
// (ownerReferences) and walks it: down from an object to what it owns, or
// up to its owners, with a depth limit, marking cycles and owners that do
// not exist (dangling ownerReferences) or that could not be listed, so that
// a walk always ends.
//
// The pieces, one file each:
//   - index.go: Index, the objects by uid and their owned objects, from
//     metadata pages (FromPage);
//   - walk.go: Down and Up, the tree of Nodes with Marks;
//   - ready.go: Ready, an object's Ready or Available condition;
//   - render.go: the tree as a table or a nested JSON/YAML structure;
//   - read.go: Reader, the tree of one object read through the engine
//     (kdx tree's and the explorer's).
package relate
