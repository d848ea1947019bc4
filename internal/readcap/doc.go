// Package readcap bounds what kdx reads: a reader and an HTTP transport that
// fail with one line naming the cap and the source once a body is larger
// than any real server sends (instead of growing until the process is
// killed), and a reader of JSON value streams that caps each value.
package readcap
