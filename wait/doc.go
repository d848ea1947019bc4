// Package wait waits, on one cluster, until objects meet a condition:
// kdx wait's engine. The condition is one of kubectl wait's forms
// (create, delete, condition=NAME[=VALUE], jsonpath='{PATH}'[=VALUE]) or a
// CEL expression over `object`, compiled by package filter before any
// request, as --where is (Parse).
//
// Run is driven by dynamicclient's watch (a list, then a watch that
// resumes from its last resourceVersion across a dropped connection or an
// API server restart, and relists when that has expired): nothing polls.
// The objects waited on are those named, or those the first list finds
// (kubectl wait's set, fixed when the wait begins); each is reported as
// it meets the condition ("deployment.apps/web condition met"), and when
// the context ends, what is still pending is returned with why: the
// object's conditions, or the values the jsonpath or the expression saw.
//
// A fleet is waited on by running Run once per cluster, at the same time;
// kdx wait (internal/cli/wait) does that and names the contexts.
package wait
