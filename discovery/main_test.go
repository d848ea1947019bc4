package discovery

import (
	"flag"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// update rewrites the golden files under testdata/discovery.
var update = flag.Bool("update", false, "rewrite the golden files in testdata/discovery")

func TestMain(m *testing.M) { testenv.Main(m, testenv.Options{}) }
