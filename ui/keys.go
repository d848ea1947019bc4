package ui

import (
	"fmt"
	"io"
	"strings"
)

// Key is one key of the explorer: the one table that the help (?) and the
// README print.
type Key struct {
	Keys string
	Does string
}

// Keys are the explorer's keys.
var Keys = []Key{
	{"enter", "open the selected type (home), the selected object's YAML (a table), the object a line names (a tree, refs), a match's object at its field (grep)"},
	{"d", "describe the selected object, as kdx describe does (a table, its YAML)"},
	{"y", "the object's YAML again (its description)"},
	{"x", "show or hide a Secret's values (its YAML)"},
	{"t", "the tree of what the object owns, as kdx tree draws it (a table's row, an object)"},
	{"T", "the owners of the object up to the roots, as kdx tree --up draws them"},
	{"r", "what the object uses and what uses it, as kdx refs finds them"},
	{"E", "the object's events, as kdx describe lists them"},
	{"i", "the schema of the field under the cursor (a YAML), of the type (a table, home), as kdx explain prints it"},
	{":", "open a type: any name `kdx get` takes (pods, deploy, gadgets.example.com, all); tab completes"},
	{":all-types", "every listable object, as kdx get --all-types lists them (-A: cluster-scoped types too)"},
	{":grep PATTERN [TYPE...]", "search the content of every listable object (or of the types named), as kdx grep does: each match with its field path"},
	{":ctx", "list the kubeconfig's contexts: enter uses the one selected, or those marked with space (a fleet); :ctx a,b uses a and b"},
	{"/", "filter the rows: a substring, or a regular expression; enter keeps it, esc clears it"},
	{"u", "use the selected namespace (a table of namespaces): the tables opened next show its objects"},
	{"o", "order (sort) the rows by the next column (after the last: as listed)"},
	{"O", "reverse the order of the sort"},
	{"ctrl+d", "delete the selected object, after a confirmation naming it and its context (y or enter)"},
	{"e", "edit the selected object in $KUBE_EDITOR, else $EDITOR, else vi, as kdx edit does: a change made meanwhile is a conflict, never overwritten"},
	{"s", "scale the selected object (a type with a scale subresource): type the replicas, enter"},
	{"esc", "clear the filter, else go back"},
	{"[, ]", "go back, forward through the views opened (the history)"},
	{"-", "go to the view shown before this one"},
	{"up, down, k, j", "move"},
	{"pgup, pgdown, space", "move a page up, down"},
	{"left, right, h, l", "scroll a wide table sideways"},
	{"home, end, g, G", "go to the first, the last row"},
	{"?", "this help"},
	{"q, ctrl+c", "quit"},
}

// WriteKeys writes the key table as Markdown, for the README.
func WriteKeys(w io.Writer) error {
	var b strings.Builder
	b.WriteString("| Key | Does |\n|---|---|\n")
	for _, k := range Keys {
		keys := strings.Split(k.Keys, ", ")
		for i, key := range keys {
			keys[i] = "`" + key + "`"
		}
		fmt.Fprintf(&b, "| %s | %s |\n", strings.Join(keys, ", "), strings.ReplaceAll(k.Does, "|", `\|`))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
