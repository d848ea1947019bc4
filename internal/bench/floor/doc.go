// Command floor sends the list requests of a `kdx get` bench row with plain
// concurrent HTTP, decoding nothing but each page's continue token, and
// reports how long they took: the floor that kdx's time is read against.
//
//	floor [--kubeconfig K] [--chunk-size 500] table [PATH]   # server-side Table pages (default PATH /api/v1/configmaps)
//	floor [--kubeconfig K] [--chunk-size 500] json [PATH]    # plain JSON list pages
//	floor [--kubeconfig K] [--concurrency 16] metadata       # PartialObjectMetadataList of every listable resource
package main
