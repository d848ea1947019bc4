// Package cli is what kdx's commands share: the Factory that turns the
// global flags into clusters (an interface, so that each command can be
// tested with a fake), the flag sets several commands take (-o and its
// friends, --where, --all-types, -f, the write flags), the Complete,
// Validate, Run sequence of a verb, the fleet helpers (one context at a
// time, results in context order, failures per context) and completion.
//
// Each command is a package below it (internal/cli/get, ...) that imports
// this one and no other command; internal/cli/root builds the tree.
package cli
