// Command waitload measures `kdx wait --for condition=Ready -l SELECTOR`
// against `kubectl wait` on -count custom objects that become Ready
// together: for each tool in turn it creates the objects (a CRD of its own
// whose status keeps conditions) in a new namespace, starts the wait, lets
// it settle, sets every object's Ready condition to True as fast as the
// server takes it, and times the tool's exit after the last write. It
// prints one tab-separated line: kdx's seconds, kubectl's seconds.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kdxproject/kdx/internal/bench"
)

// options are the flags of waitload.
type options struct {
	kdx, kubectl string
	count        int
	workers      int
	settle       time.Duration
	timeout      time.Duration
}

var (
	crdGVR   = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	nsGVR    = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	itemsGVR = schema.GroupVersionResource{Group: "waitload.bench.kdx.example", Version: "v1", Resource: "waitloads"}
)

func main() {
	var o options
	flag.StringVar(&o.kdx, "kdx", "kdx", "the kdx binary")
	flag.StringVar(&o.kubectl, "kubectl", "kubectl", "the kubectl binary")
	flag.IntVar(&o.count, "count", 500, "objects waited on")
	flag.IntVar(&o.workers, "workers", 64, "concurrent writers")
	flag.DurationVar(&o.settle, "settle", 3*time.Second, "how long a wait runs before the objects become Ready")
	flag.DurationVar(&o.timeout, "timeout", 10*time.Minute, "give up after this long")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintf(os.Stderr, "waitload: %v\n", err)
		os.Exit(1)
	}
}

func run(o options) error {
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(clientcmd.NewDefaultClientConfigLoadingRules(), nil).ClientConfig()
	if err != nil {
		return err
	}
	cfg.QPS, cfg.Burst = -1, 1000
	dc, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	if err := ensureCRD(ctx, dc); err != nil {
		return err
	}
	var secs []float64
	for _, tool := range []string{o.kdx, o.kubectl} {
		s, err := measure(ctx, dc, o, tool)
		if err != nil {
			return fmt.Errorf("%s: %w", tool, err)
		}
		secs = append(secs, s)
	}
	fmt.Printf("%.3f\t%.3f\n", secs[0], secs[1])
	return nil
}

// ensureCRD creates the CRD of the objects and waits until it is served.
func ensureCRD(ctx context.Context, dc dynamic.Interface) error {
	preserve := map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}
	crd := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": "waitloads.waitload.bench.kdx.example"},
		"spec": map[string]any{
			"group": "waitload.bench.kdx.example", "scope": "Namespaced",
			"names": map[string]any{"kind": "Waitload", "listKind": "WaitloadList", "plural": "waitloads", "singular": "waitload"},
			"versions": []any{map[string]any{"name": "v1", "served": true, "storage": true,
				"subresources": map[string]any{"status": map[string]any{}},
				"schema": map[string]any{"openAPIV3Schema": map[string]any{"type": "object", "properties": map[string]any{
					"spec": preserve, "status": preserve}}}}},
		},
	}}
	if _, err := dc.Resource(crdGVR).Create(ctx, crd, metav1.CreateOptions{}); err != nil && !isAlreadyExists(err) {
		return err
	}
	return wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
		_, err := dc.Resource(itemsGVR).Namespace("default").List(ctx, metav1.ListOptions{Limit: 1})
		return err == nil, nil
	})
}

func isAlreadyExists(err error) bool {
	var s interface{ Status() metav1.Status }
	return errors.As(err, &s) && s.Status().Reason == metav1.StatusReasonAlreadyExists
}

// measure creates the objects in a new namespace, runs tool's wait on them,
// makes them Ready and returns the seconds from the last write to the
// tool's exit.
func measure(ctx context.Context, dc dynamic.Interface, o options, tool string) (float64, error) {
	ns := fmt.Sprintf("kdx-bench-wait-%d", time.Now().UnixNano()%1_000_000)
	nsObj := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns}}}
	if _, err := dc.Resource(nsGVR).Create(ctx, nsObj, metav1.CreateOptions{}); err != nil {
		return 0, err
	}
	defer dc.Resource(nsGVR).Delete(context.Background(), ns, metav1.DeleteOptions{}) //nolint:errcheck
	items := dc.Resource(itemsGVR).Namespace(ns)
	name := func(i int) string { return "w-" + strconv.Itoa(i) }
	if _, err := bench.WriteAll(ctx, o.count, o.workers, func(ctx context.Context, i int) error {
		obj := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "waitload.bench.kdx.example/v1", "kind": "Waitload",
			"metadata": map[string]any{"name": name(i), "labels": map[string]any{"bench": "wait"}},
			"spec":     map[string]any{"n": int64(i)},
		}}
		if _, err := items.Create(ctx, obj, metav1.CreateOptions{}); err != nil {
			return err
		}
		return setReady(ctx, items, name(i), "False")
	}); err != nil {
		return 0, err
	}
	cmd := exec.CommandContext(ctx, tool, "wait", "waitloads.waitload.bench.kdx.example", "-n", ns, "-l", "bench=wait",
		"--for", "condition=Ready", "--timeout", "10m")
	cmd.Stdout, cmd.Stderr = nil, os.Stderr
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	exited := make(chan time.Time, 1)
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		exited <- time.Now()
	}()
	select {
	case <-time.After(o.settle):
	case <-exited:
		return 0, fmt.Errorf("the wait ended before the objects were Ready: %v", waitErr)
	}
	lastWrite, err := bench.WriteAll(ctx, o.count, o.workers, func(ctx context.Context, i int) error { return setReady(ctx, items, name(i), "True") })
	if err != nil {
		return 0, err
	}
	end := <-exited
	if waitErr != nil {
		return 0, fmt.Errorf("the wait failed: %w", waitErr)
	}
	return end.Sub(lastWrite).Seconds(), nil
}

// setReady sets the Ready condition of object name to status.
func setReady(ctx context.Context, items dynamic.ResourceInterface, name, status string) error {
	patch := fmt.Sprintf(`{"status":{"conditions":[{"type":"Ready","status":%q}]}}`, status)
	_, err := items.Patch(ctx, name, types.MergePatchType, []byte(patch), metav1.PatchOptions{}, "status")
	return err
}
