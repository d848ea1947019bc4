// Package query is kdx's read engine: it lists many resources (the targets
// of a typed Request, or every listable type of a discovery snapshot) with
// bounded, cancellable concurrency, hands the results on in input order and
// classifies what could not be read, so that every command reports partial
// failure with the same words and the same exit code.
//
// The pieces, one file each:
//   - runner.go: Runner, the one "concurrent work, results in input order";
//   - failure.go: Classify, the failure classes a user can act on;
//   - report.go: Report, failures grouped by cause, one line each;
//   - request.go: Request and SelectTypes, what to read;
//   - engine.go: Engine over a narrow Lister, listing targets page by page.
package query
