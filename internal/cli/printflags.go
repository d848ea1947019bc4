package cli

import (
	"github.com/spf13/pflag"

	"github.com/kdxproject/kdx/render"
)

// PrintFlags are the output flags that get and watch share, with kubectl's
// names.
type PrintFlags struct {
	Output            string
	Template          string
	NoHeaders         bool
	ShowLabels        bool
	ShowKind          bool
	LabelColumns      []string
	ShowManagedFields bool
}

// AddFlags adds -o, --template, --no-headers, --show-labels, --show-kind,
// -L and --show-managed-fields.
func (p *PrintFlags) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&p.Output, "output", "o", p.Output, render.AllOutputs().Usage("output format"))
	fs.StringVar(&p.Template, "template", p.Template, "template string or path to a template file, for -o go-template, -o go-template-file, -o jsonpath...")
	fs.BoolVar(&p.NoHeaders, "no-headers", p.NoHeaders, "don't print headers (tables and custom columns)")
	fs.BoolVar(&p.ShowLabels, "show-labels", p.ShowLabels, "show all labels as the last column")
	fs.BoolVar(&p.ShowKind, "show-kind", p.ShowKind, "show the resource type of the objects in tables")
	fs.StringSliceVarP(&p.LabelColumns, "label-columns", "L", p.LabelColumns, "labels to show as columns (comma separated, or repeated -L)")
	fs.BoolVar(&p.ShowManagedFields, "show-managed-fields", p.ShowManagedFields, "keep metadata.managedFields in JSON and YAML output")
}

// RenderOptions are the printer options the flags ask for.
func (p *PrintFlags) RenderOptions(allowMissingKeys bool) render.Options {
	return render.Options{
		NoHeaders:                p.NoHeaders,
		ShowLabels:               p.ShowLabels,
		LabelColumns:             p.LabelColumns,
		ShowKind:                 p.ShowKind,
		ShowManagedFields:        p.ShowManagedFields,
		Template:                 p.Template,
		AllowMissingTemplateKeys: allowMissingKeys,
	}
}
