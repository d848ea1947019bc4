package main

import (
	"github.com/spf13/pflag"

	"github.com/kdxproject/kdx/render"
)

// printFlags are the output flags that get and watch share, with kubectl's
// names.
type printFlags struct {
	output            string
	template          string
	noHeaders         bool
	showLabels        bool
	showKind          bool
	labelColumns      []string
	showManagedFields bool
}

// AddFlags adds -o, --template, --no-headers, --show-labels, --show-kind,
// -L and --show-managed-fields.
func (p *printFlags) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&p.output, "output", "o", p.output, render.AllOutputs().Usage("output format"))
	fs.StringVar(&p.template, "template", p.template, "template string or path to a template file, for -o go-template, -o go-template-file, -o jsonpath...")
	fs.BoolVar(&p.noHeaders, "no-headers", p.noHeaders, "don't print headers (tables and custom columns)")
	fs.BoolVar(&p.showLabels, "show-labels", p.showLabels, "show all labels as the last column")
	fs.BoolVar(&p.showKind, "show-kind", p.showKind, "show the resource type of the objects in tables")
	fs.StringSliceVarP(&p.labelColumns, "label-columns", "L", p.labelColumns, "labels to show as columns (comma separated, or repeated -L)")
	fs.BoolVar(&p.showManagedFields, "show-managed-fields", p.showManagedFields, "keep metadata.managedFields in JSON and YAML output")
}

// renderOptions are the printer options the flags ask for.
func (p *printFlags) renderOptions(allowMissingKeys bool) render.Options {
	return render.Options{
		NoHeaders:                p.noHeaders,
		ShowLabels:               p.showLabels,
		LabelColumns:             p.labelColumns,
		ShowKind:                 p.showKind,
		ShowManagedFields:        p.showManagedFields,
		Template:                 p.template,
		AllowMissingTemplateKeys: allowMissingKeys,
	}
}
