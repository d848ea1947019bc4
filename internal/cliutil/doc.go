// Package cliutil turns the errors of kdx's commands into the one-line message
// and exit code a user sees, the way kubectl does.
package cliutil
