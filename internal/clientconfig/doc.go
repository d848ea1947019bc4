// Package clientconfig turns kubectl's connection flags into a *rest.Config,
// with clientcmd's loading rules underneath and errors a user can act on.
package clientconfig
