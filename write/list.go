package write

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
)

// listPageSize is the page size of ListNames.
const listPageSize = 500

// metadataAccept asks for object metadata only, falling back to full objects.
const metadataAccept = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"

// Selector filters a list.
type Selector struct {
	// Label is a label selector ("" for all).
	Label string
	// Field is a field selector ("" for all).
	Field string
}

// ListNames returns a Ref for every object of ref's collection (in every
// namespace when ref is namespaced and ref.Namespace is ""), in the order
// the server lists them, reading metadata only, page by page.
func (c *Client) ListNames(ctx context.Context, ref Ref, sel Selector) ([]Ref, error) {
	coll := ref
	coll.Name = ""
	var out []Ref
	cont := ""
	for {
		page, err := c.listPage(ctx, coll, sel, cont)
		if err != nil {
			return nil, err
		}
		for _, it := range page.Items {
			r := coll
			r.Name, r.Namespace = it.Metadata.Name, it.Metadata.Namespace
			out = append(out, r)
		}
		if cont = page.Metadata.Continue; cont == "" {
			return out, nil
		}
	}
}

// metaPage is the part of a list page ListNames reads.
type metaPage struct {
	Metadata struct {
		Continue string `json:"continue"`
	} `json:"metadata"`
	Items []struct {
		Metadata struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"metadata"`
	} `json:"items"`
}

func (c *Client) listPage(ctx context.Context, ref Ref, sel Selector, cont string) (*metaPage, error) {
	req := c.rest.Get().AbsPath(ref.path("")...).SetHeader("Accept", metadataAccept).
		Param("limit", strconv.Itoa(listPageSize))
	if sel.Label != "" {
		req = req.Param("labelSelector", sel.Label)
	}
	if sel.Field != "" {
		req = req.Param("fieldSelector", sel.Field)
	}
	if cont != "" {
		req = req.Param("continue", cont)
	}
	res := req.Do(ctx)
	if err := res.Error(); err != nil {
		return nil, err
	}
	raw, err := res.Raw()
	if err != nil {
		return nil, err
	}
	var page metaPage
	if err := json.Unmarshal(raw, &page); err != nil {
		return nil, fmt.Errorf("failed to decode the list of %s: %w", ref.GVR.Resource, err)
	}
	return &page, nil
}
