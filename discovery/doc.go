// Package discovery tells kdx what the API server serves and turns what the
// user typed into resources: aggregated discovery with a revalidated disk
// cache, a legacy fallback, and a RESTMapper that resolves names as kubectl does.
package discovery
