// Package write sends objects to the API server: create, server-side apply,
// replace, patch and delete of any resource, concurrently and with results
// reported in input order, and explains the server's refusals in words.
package write
