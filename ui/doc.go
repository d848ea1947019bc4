// Package ui is kdx's interactive explorer (`kdx ui`), on Bubble Tea: views
// only. What it shows is read by the engine every command uses: the API
// surface from discovery's snapshot and the engine's counts, types resolved
// by discovery's resolver (any name `kdx get` takes), live tables from the
// engine's table watch (query.WatchRequest over dynamicclient's resuming
// watch), and every table printed by render's table printer, so that a
// row reads as `kdx get` prints it. The package lists, watches, filters on
// the server and prints nothing of its own.
//
// The views:
//   - home: the resources the server serves, as `kdx api-resources --count`
//     prints them, and the group/versions that could not be discovered;
//   - table: the live table of one or more types (a category such as all),
//     holding each row's cells, not its object, and rendering only the
//     rows on screen.
//   - object: its YAML (a cursor on a field) or description; pages over it
//     (page.go, related.go): its tree and owners (relate's Reader, as kdx
//     tree), its references (refs' Finder), its events (describe's), the
//     schema of a field (explain's, through the cluster's OpenAPI client);
//   - everything: the all-types table (the types --all-types selects) and
//     the search of their content (search's matcher and match lines, as
//     kdx grep), each match opening the YAML at its field (search.go);
//   - history.go: every view opened, back, forward and the last one.
//
// A Backend is what the views need of a cluster; NewBackend makes it of a
// cluster.Cluster, tests use fakes.
package ui
