package discovery

import (
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// update rewrites the golden files under testdata/discovery.

func TestMain(m *testing.M) { testenv.Main(m, testenv.Options{}) }
