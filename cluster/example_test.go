package cluster_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kdxproject/kdx/cluster"
	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/filter"
	"github.com/kdxproject/kdx/query"
)

// listEverything prints "context type namespace/name" for every object of
// every listable type of each context that where holds for, in context
// order; a context that cannot be read is one line.
func listEverything(ctx context.Context, w io.Writer, kubeconfig string, contexts []string, where string) error {
	fleet, err := cluster.Load(kubeconfig, contexts, cluster.Options{Warnings: os.Stderr})
	if err != nil {
		return err
	}
	keep, err := filter.Compile([]string{where}, time.Now())
	if err != nil {
		return err
	}
	return cluster.Each(ctx, fleet, func(ctx context.Context, c *cluster.Cluster) (lines []string, err error) {
		snap, err := c.Snapshot(ctx)
		if err != nil {
			return nil, err
		}
		req := query.Request{Targets: query.SelectTypes(snap, query.AllTypes{ClusterScoped: true}), Read: query.Metadata,
			ChunkSize: 500, Concurrency: 8, IgnoreForbidden: true, Where: &query.Where{Filter: keep}}
		open := func(t discovery.Target) query.Sink { return &names{typ: t.QualifiedName()} }
		done := func(_ discovery.Target, s query.Sink) error { lines = append(lines, s.(*names).lines...); return nil }
		report := query.NewReport("list", "type")
		err = c.Each(ctx, req, report, open, done)
		return lines, errors.Join(err, report.Err())
	}, func(r cluster.Result[[]string]) error {
		for _, line := range r.Value {
			fmt.Fprintln(w, r.Cluster.Name, line)
		}
		if r.Err != nil {
			fmt.Fprintf(w, "%s: %v\n", r.Cluster.Name, r.Err)
		}
		return nil
	})
}

// names is the sink of one type: "type namespace/name" of each object read.
type names struct {
	typ   string
	lines []string
}

func (n *names) Page(page runtime.Object) error {
	return meta.EachListItem(page, func(o runtime.Object) error {
		m, err := meta.Accessor(o)
		if err == nil {
			n.lines = append(n.lines, n.typ+" "+m.GetNamespace()+"/"+m.GetName())
		}
		return err
	})
}

// Every object of every listable type of two contexts labelled team=a, as `kdx get --all-types -A --where ... --context a,b -o name`.
func Example() {
	err := listEverything(context.Background(), os.Stdout, os.Getenv("KUBECONFIG"), []string{"a", "b"},
		`object.metadata.labels.team == "a"`)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
}
