package testenv

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// maxNameLength is the longest a namespace name (a DNS label) may be.
const maxNameLength = 63

// suffixLength is the length of the random suffix of test namespaces.
const suffixLength = 6

// Namespace creates a namespace named after the test with a random suffix
// and deletes it (without waiting) when the test ends.
func (e *Env) Namespace(t testing.TB) string {
	t.Helper()
	clientset := e.clientset(t)
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespaceName(t.Name(), randomHex(suffixLength/2))}}
	// Generous: after a test restarted the API server, the controller
	// manager's informers may take their back-off before they publish again.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := clientset.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		t.Fatalf("failed to create namespace %s: %v", ns.Name, err)
	}
	// The controller manager adds kube-root-ca.crt to every new namespace;
	// tests see it there from the start, as on a real cluster.
	for !e.opts.NoControllerManager {
		_, err := clientset.CoreV1().ConfigMaps(ns.Name).Get(ctx, "kube-root-ca.crt", metav1.GetOptions{})
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("namespace %s: kube-root-ca.crt was not created: %v", ns.Name, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := clientset.CoreV1().Namespaces().Delete(ctx, ns.Name, metav1.DeleteOptions{}); err != nil {
			t.Logf("failed to delete namespace %s: %v", ns.Name, err)
		}
	})
	return ns.Name
}

// namespaceName turns a test name into a DNS label ending in "-" + suffix.
func namespaceName(testName, suffix string) string {
	var b strings.Builder
	dash := true // no leading dash, no double dashes
	for _, r := range strings.ToLower(testName) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	base := strings.Trim(b.String(), "-")
	if limit := maxNameLength - len(suffix) - 1; len(base) > limit {
		base = strings.TrimRight(base[:limit], "-")
	}
	if base == "" {
		base = "test"
	}
	return base + "-" + suffix
}

// clientset returns an admin clientset for e, failing t on error.
func (e *Env) clientset(t testing.TB) kubernetes.Interface {
	t.Helper()
	clientset, err := kubernetes.NewForConfig(e.Config)
	if err != nil {
		t.Fatalf("failed to create client: %v", err)
	}
	return clientset
}
