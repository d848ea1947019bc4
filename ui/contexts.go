package ui

// backendOf is the Backend of the named context.
func (a *App) backendOf(string) Backend { return a.b }

// rowContext is the context of a table's row.
func (a *App) rowContext(*row) string { return a.opts.Context }

// objectContext is the context of the object shown.
func (a *App) objectContext() string { return a.opts.Context }

// fleet says whether the explorer runs on several contexts.
func (a *App) fleet() bool { return false }
