//go:build !race

package main

// raceEnabled says that the tests run with -race, which slows kdx down.
const raceEnabled = false
