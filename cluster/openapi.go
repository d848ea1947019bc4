package cluster

import "github.com/kdxproject/kdx/explain"

// OpenAPI is the cluster's OpenAPI v3 client: the schemas of its types,
// cached under Options.CacheDir (openapi/<host_port>); built once.
func (c *Cluster) OpenAPI() (*explain.Client, error) {
	c.openAPIOnce.Do(func() { c.openAPI, c.openAPIErr = explain.NewClient(c.REST, c.opts.CacheDir, c.out) })
	return c.openAPI, c.openAPIErr
}
