//go:build !race

package testenv

// RaceBuild: the test binary is built without -race; see race_on.go.
const RaceBuild = false
