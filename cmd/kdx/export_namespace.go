package main

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/internal/cli"
)

// terminatingNamespaces checks the namespaces an export reads namespaced
// types from: one that does not exist is an error (as for kubectl), and
// those being deleted are returned, for a warning. What the user may not
// read (get or list namespaces) cannot be told and is not reported.
func terminatingNamespaces(ctx context.Context, client *dynamicclient.Client, targets []discovery.Target, namespace string, all bool) ([]string, error) {
	namespaced := false
	for _, t := range targets {
		namespaced = namespaced || t.Namespaced
	}
	if !namespaced {
		return nil, nil
	}
	nsClient := client.Dynamic().Resource(cli.NamespacesGVR)
	if all {
		list, err := nsClient.List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, nil
		}
		var out []string
		for i := range list.Items {
			if isTerminating(&list.Items[i]) {
				out = append(out, list.Items[i].GetName())
			}
		}
		return out, nil
	}
	ns, err := nsClient.Get(ctx, namespace, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		return nil, fmt.Errorf("namespace %q not found", namespace)
	case err != nil:
		return nil, nil
	case isTerminating(ns):
		return []string{namespace}, nil
	}
	return nil, nil
}

func isTerminating(ns *unstructured.Unstructured) bool {
	phase, _, _ := unstructured.NestedString(ns.Object, "status", "phase")
	return phase == "Terminating" || ns.GetDeletionTimestamp() != nil
}
