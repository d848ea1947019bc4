// Command floor sends the list requests of a `kdx get` bench row (or the
// server-side apply requests of a `kdx apply -f` row) with plain concurrent
// HTTP, decoding nothing but each page's continue token, and reports how
// long they took: the floor that kdx's time is read against.
//
//	floor [--kubeconfig K] [--chunk-size 500] table [PATH]   # server-side Table pages (default PATH /api/v1/configmaps)
//	floor [--kubeconfig K] [--chunk-size 500] json [PATH]    # plain JSON list pages
//	floor [--kubeconfig K] [--concurrency 16] metadata       # PartialObjectMetadataList of every listable resource
//	floor [--kubeconfig K] [--concurrency 16] apply FILE     # server-side apply of every object of FILE, as kdx apply --force-conflicts
//
// In apply mode the bodies are the block YAML kdx sends, encoded before the
// first request; the Namespaces go first, then the CustomResourceDefinitions,
// then the rest, as kdx apply orders them. The answers (object metadata only)
// are discarded, and the first failed request is an error.
package main
