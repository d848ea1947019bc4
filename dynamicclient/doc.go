// Package dynamicclient reads any resource of any API server: lists page by
// page with the next page fetched while the current one is printed, as
// unstructured objects, server-side tables or metadata only.
package dynamicclient
