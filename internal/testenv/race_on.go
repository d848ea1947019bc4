//go:build race

package testenv

// RaceBuild: the test binary is built with -race, so the kdx binary the
// end-to-end tests run is too (its fleet, watch and export --watch
// concurrency then runs under the race detector).
const RaceBuild = true
