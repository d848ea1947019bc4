package render

import "fmt"

// ColorModes are the values of --color.
var ColorModes = []string{"auto", "always", "never"}

// Color says whether to colour output, from --color's mode: always, never,
// or auto: when the output is a terminal and the NO_COLOR environment
// variable (noColor) is unset or empty, as https://no-color.org asks. A
// mode given on the command line wins over NO_COLOR.
func Color(mode string, terminal bool, noColor string) (bool, error) {
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto", "":
		return terminal && noColor == "", nil
	}
	return false, fmt.Errorf("--color must be auto, always or never, not %q", mode)
}
