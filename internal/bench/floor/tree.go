package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
)

// kubectlTree reproduces kubectl-tree's method, for the tree bench row (the
// module proxy does not serve kubectl-tree itself): a full JSON list of
// every listable type, concurrently and unpaged, each object decoded as the
// dynamic client decodes it (into maps), then a walk of the ownerReferences
// from the root's uid. It prints the number of descendants found.
func (o *Options) kubectlTree(ctx context.Context, f *fetcher, root string) (Stats, error) {
	var mu sync.Mutex // guards children
	children := map[string][]string{}
	f.chunkSize = 0
	f.decode = func(b []byte) (string, error) {
		var list struct {
			Items []map[string]any `json:"items"`
		}
		if err := json.Unmarshal(b, &list); err != nil {
			return "", err
		}
		mu.Lock()
		defer mu.Unlock()
		for _, item := range list.Items {
			meta, _ := item["metadata"].(map[string]any)
			uid, _ := meta["uid"].(string)
			refs, _ := meta["ownerReferences"].([]any)
			for _, r := range refs {
				if ref, ok := r.(map[string]any); ok {
					owner, _ := ref["uid"].(string)
					children[owner] = append(children[owner], uid)
				}
			}
		}
		return "", nil
	}
	stats, err := o.listAllAs(ctx, f, acceptJSON)
	if err != nil {
		return stats, err
	}
	seen := map[string]bool{root: true}
	queue := []string{root}
	for len(queue) > 0 {
		uid := queue[0]
		queue = queue[1:]
		for _, c := range children[uid] {
			if !seen[c] {
				seen[c] = true
				queue = append(queue, c)
			}
		}
	}
	fmt.Fprintf(o.Out, "kubectl-tree: %d descendants of %s\n", len(seen)-1, root)
	return stats, nil
}
