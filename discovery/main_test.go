package discovery

import (
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m, testenv.Options{}) }
