package main

import (
	"bytes"
	"sync"

	"k8s.io/cli-runtime/pkg/genericiooptions"
)

var (
	closedOnce sync.Once
	closed     string
)

func testStreams() genericiooptions.IOStreams {
	return genericiooptions.IOStreams{In: &bytes.Buffer{}, Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}
}
