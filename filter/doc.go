// Package filter compiles the CEL expressions of --where once, before any
// request, and evaluates them on objects as Kubernetes' own CEL does for a
// ValidatingAdmissionPolicy: the object is bound as `object`, and the
// functions are cel-go's standard ones plus its strings and lists
// extensions, the Kubernetes regex functions (find, findAll), quantity()
// and a `now` timestamp for date arithmetic.
//
// A field the object does not have makes an expression false ("no match"),
// never an error. Any other evaluation error leaves the object out, is
// counted, and Warning sums the count up once at the end.
//
// The pieces, one file each:
//   - filter.go: Compile, Filter and Match;
//   - library.go: the Kubernetes functions kdx adds to cel-go (regex,
//     quantity), small and tested rather than k8s.io/apiserver's library;
//   - reads.go: what an expression reads (metadata only?) and what can be
//     pushed to the server as a field selector.
package filter
