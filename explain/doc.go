// Package explain reads the schemas of a server's types from its OpenAPI v3
// documents and explains them as kubectl explain does, with what kubectl
// does not print in lines of their own: defaults, examples, formats,
// patterns, limits, int-or-string, preserve-unknown-fields, list and map
// types, and CEL validation rules.
//
// A Client reads the documents through a disk cache (the index revalidated
// by ETag, each document stored under its hash URL, so a warm run fetches
// none); a Document finds a kind's schema, walks a field path (with array
// steps) and prints it.
package explain
