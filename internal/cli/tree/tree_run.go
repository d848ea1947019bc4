package tree

import (
	"context"
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/relate"
)

// treeRun is the state of one run of tree.
type treeRun struct {
	o         *treeOptions
	client    *dynamicclient.Client
	resolver  *discovery.Resolver
	namespace string // the namespace of -n, or the current one
	// reader reads the tree, and keeps what it could not read.
	reader *relate.Reader
}

// tree reads the root and, through relate's reader, the tree around it.
func (r *treeRun) tree(ctx context.Context) (*relate.Node, error) {
	root, mapping, err := r.root(ctx)
	if err != nil {
		return nil, err
	}
	snap, err := r.resolver.Revalidated(ctx)
	if err != nil {
		return nil, err
	}
	namespace := r.namespace
	if r.o.allNamespaces {
		namespace = ""
	}
	r.reader = &relate.Reader{Lister: r.client, Snapshot: snap, Vanished: cli.Vanished(r.resolver), Namespace: namespace,
		Up: r.o.up, Depth: r.o.depth, Concurrency: r.o.concurrency}
	return r.reader.Tree(ctx, root, mapping)
}

// root gets the object named by the arguments.
func (r *treeRun) root(ctx context.Context) (*unstructured.Unstructured, discovery.Mapping, error) {
	targets, err := r.resolver.ResolveArgs(ctx, r.o.args)
	if err != nil {
		return nil, discovery.Mapping{}, err
	}
	if len(targets) != 1 || len(targets[0].Names) != 1 {
		return nil, discovery.Mapping{}, errors.New("you must specify one object: TYPE/NAME or TYPE NAME (e.g. 'kdx tree deployment/web')")
	}
	t := targets[0]
	if t.Namespaced && r.o.allNamespaces {
		return nil, discovery.Mapping{}, errors.New("a resource cannot be retrieved by name across all namespaces")
	}
	obj, err := r.client.Get(ctx, t.Mapping, r.namespace, t.Names[0], "")
	return obj, t.Mapping, err
}

// failures, one line per cause.
func (r *treeRun) finish() error {
	errOut := r.o.f.Streams().ErrOut
	rd := r.reader
	if len(rd.Forbidden) > 0 {
		fmt.Fprintf(errOut, "Warning: you may not list %s (%s): their objects are not in the tree, and owners of those types are shown as [unknown]\n",
			countNoun(len(rd.Forbidden), "type"), query.Names(rd.Forbidden, 5))
	}
	rd.Lists.Write(errOut)
	rd.Reads.Write(errOut)
	if err := rd.Lists.Err(); err != nil {
		return err
	}
	if err := rd.Reads.Err(); err != nil {
		return err
	}
	if len(rd.Forbidden) > 0 {
		return &cliutil.ExitError{Code: 1} // the tree may lack what those types hold
	}
	return nil
}

// countNoun is "1 type", "3 types".
func countNoun(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
