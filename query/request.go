package query

import (
	"context"
	"sort"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
)

// DefaultConcurrency is how many types are listed at once by default.
const DefaultConcurrency = 16

// Read is what the engine fetches of each object.
type Read int

const (
	// Objects are whole objects (unstructured lists, or one object by name).
	Objects Read = iota
	// Metadata is metadata only (PartialObjectMetadata): names, labels,
	// owners; protobuf where the server can.
	Metadata
	// Tables are the server's tables (kubectl's columns), each row's
	// object holding what a table printer reads of its metadata (name,
	// namespace, labels; see dynamicclient.IncludePrintedMetadata), or the whole
	// metadata for a Where filter.
	Tables
	// TablesWithObjects are the server's tables with each row's object.
	TablesWithObjects
)

// Request is one read, built by a command from its flags.
type Request struct {
	// Targets are the resources to read, with object names or none for all.
	Targets []discovery.Target
	// Namespace is the namespace of namespaced targets; "" for all.
	Namespace string
	// LabelSelector and FieldSelector filter lists, on the server.
	LabelSelector, FieldSelector string
	// ChunkSize is the page size of lists; 0 for one request.
	ChunkSize int64
	// Subresource is read instead of named objects (status, scale).
	Subresource string
	// Read says what is fetched of each object.
	Read Read
	// Concurrency is how many targets are read at once; below 1 means 1.
	// With 1, each target's pages are handed on as they arrive; with more,
	// a target's pages wait until every target before it is done.
	Concurrency int
	// IgnoreForbidden leaves out, without a failure, the targets the user
	// may not list (for "every type" requests).
	IgnoreForbidden bool
	// Vanished, when set, says whether a target whose list answered 404
	// is no longer served (after revalidating discovery): such a target is
	// left out without a failure. Nil: a 404 is a failure.
	Vanished func(ctx context.Context, t discovery.Target) bool
	// ReportVanished makes a vanished target (see Vanished) a failure
	// worded as kubectl words a type the server does not have, for the
	// types a user named: a type read from a discovery cache written before
	// its CRD was deleted. Its gets by name that answer 404 are checked the
	// same way.
	ReportVanished bool
	// IgnoreNotFound leaves out, without an error, named objects that do
	// not exist (--ignore-not-found).
	IgnoreNotFound bool
	// Where, when set, keeps only the objects its filter matches (--where):
	// sinks see the matching objects only, and Read is widened to what the
	// filter needs (see where.go).
	Where *Where
}

// AllTypes selects every listable type of a snapshot.
type AllTypes struct {
	// ClusterScoped adds the cluster-scoped types (with -A).
	ClusterScoped bool
	// IncludeEvents keeps events, left out by default (they are many and
	// short-lived, and rarely what "everything" means).
	IncludeEvents bool
	// Exclude are the group/resources to leave out.
	Exclude map[schema.GroupResource]bool
}

// SelectTypes is every type of snap that a is about and supports list,
// sorted by group, then resource.
func SelectTypes(snap *discovery.Snapshot, a AllTypes) []discovery.Target {
	var out []discovery.Target
	for _, res := range snap.Resources {
		gr := res.GroupResource()
		switch {
		case !res.Supports("list"), a.Exclude[gr]:
			continue
		case res.Resource == "events" && !a.IncludeEvents:
			continue
		case !res.Namespaced && !a.ClusterScoped:
			continue
		}
		out = append(out, discovery.Target{Mapping: discovery.Mapping{
			Resource: res, GVR: res.GroupVersionResource(), GVK: res.GroupVersionKind(), Namespaced: res.Namespaced,
		}})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].GVR, out[j].GVR
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		return a.Resource < b.Resource
	})
	return out
}
