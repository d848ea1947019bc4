//go:build tools

// Package etcd pins the etcd server that kdx's tests run; build it with
// `go build go.etcd.io/etcd/server/v3` from this directory.
package etcd

import _ "go.etcd.io/etcd/server/v3"
