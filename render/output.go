package render

import (
	"fmt"
	"slices"
	"strings"
)

// Outputs is the list of -o values one command prints. Every command
// resolves -o through one, so a value the command does not print gets the
// same error everywhere: kubectl's PrintFlags wording, naming the allowed
// values in sorted order. "" in the list means the flag may be left empty
// (a table, or the command's own summary).
type Outputs []string

// AllOutputs are the -o values of get and watch: every format NewPrinter
// knows.
func AllOutputs() Outputs { return append(Outputs{""}, AllowedFormats()...) }

// Parse resolves an -o value (and --template, for go-template with no -o)
// into a Format, or fails with kubectl's error naming the allowed values.
func (o Outputs) Parse(output, template string) (Format, error) {
	name, _, _ := strings.Cut(output, "=")
	if !slices.Contains(o, name) {
		return 0, o.noPrinter(output)
	}
	return ParseFormat(output, template)
}

// Check is Parse for commands that print no templates.
func (o Outputs) Check(output string) error {
	_, err := o.Parse(output, "")
	return err
}

// Usage is the -o flag's help: what for, then the allowed values.
func (o Outputs) Usage(what string) string {
	return what + ": one of " + strings.Join(o.named(), ", ")
}

// Complete lists the values that start with prefix, for shell completion.
func (o Outputs) Complete(prefix string) []string {
	var out []string
	for _, v := range o.named() {
		if strings.HasPrefix(v, prefix) {
			out = append(out, v)
		}
	}
	return out
}

// named is the list without "", sorted as kubectl sorts it.
func (o Outputs) named() []string {
	var out []string
	for _, v := range o {
		if v != "" {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

func (o Outputs) noPrinter(output string) error {
	return fmt.Errorf("unable to match a printer suitable for the output format %q, allowed formats are: %s", output, strings.Join(o.named(), ","))
}
