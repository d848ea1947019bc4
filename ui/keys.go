package ui

// Key is one key of the explorer: the one table that the help (?) and the
// README print.
type Key struct {
	Keys string
	Does string
}

// Keys are the explorer's keys.
var Keys = []Key{
	{"enter", "open the selected type (home), the selected object's YAML (a table)"},
	{"x", "show or hide a Secret's values (its YAML)"},
	{":", "open a type: any name `kdx get` takes (pods, deploy, gadgets.example.com, all); tab completes"},
	{"/", "filter the rows: a substring, or a regular expression; enter keeps it, esc clears it"},
	{"esc", "clear the filter, else go back"},
	{"up, down, k, j", "move"},
	{"pgup, pgdown", "move a page"},
	{"left, right, h, l", "scroll a wide table sideways"},
	{"home, end, g, G", "go to the first, the last row"},
	{"?", "this help"},
	{"q, ctrl+c", "quit"},
}
