package main

import (
	"errors"

	"github.com/kdxproject/kdx/internal/cli"
)

// The write verbs run once per context of an explicit list (cli.FleetWriter).

func (o *applyOptions) Factory() cli.Factory { return o.F }
func (o *applyOptions) WithFactory(f cli.Factory) cli.Runner {
	c := *o
	c.F = f
	return &c
}

func (o *createOptions) Factory() cli.Factory { return o.F }
func (o *createOptions) WithFactory(f cli.Factory) cli.Runner {
	c := *o
	c.F = f
	return &c
}

func (o *replaceOptions) Factory() cli.Factory { return o.F }
func (o *replaceOptions) WithFactory(f cli.Factory) cli.Runner {
	c := *o
	c.F = f
	return &c
}

func (o *patchOptions) Factory() cli.Factory { return o.f }
func (o *patchOptions) WithFactory(f cli.Factory) cli.Runner {
	c := *o
	c.f = f
	return &c
}

func (o *deleteOptions) Factory() cli.Factory { return o.F }
func (o *deleteOptions) WithFactory(f cli.Factory) cli.Runner {
	c := *o
	c.F = f
	return &c
}

// ConfirmFleet: deleting by selector or --all over several contexts is
// done only with --yes.
func (o *deleteOptions) ConfirmFleet() error {
	if o.bySelector() && !o.yes {
		return errors.New("delete by -l, --field-selector, --where or --all over several contexts needs --yes")
	}
	return nil
}
