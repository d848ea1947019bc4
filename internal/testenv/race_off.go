//go:build !race

package testenv

// raceBuild: the test binary is built without -race; see race_on.go.
const raceBuild = false
