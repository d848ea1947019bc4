// Package dynamicclient reads any resource of any API server: lists page by
// page with the next page fetched while the current one is printed, as
// unstructured objects, server-side tables or metadata only. Its paging
// goes on across an expired continue token (410) and a 429, with a warning
// (see pager).
package dynamicclient
