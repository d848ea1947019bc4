package discovery

import (
	"strconv"
)

// Count is the number of objects of one resource, or why there is none.
type Count struct {
	// N is the number of objects, when Err is nil and Listable.
	N int64
	// Listable says whether the resource supports list.
	Listable bool
	// Forbidden says that the user may not list it.
	Forbidden bool
	// Err is any other error.
	Err error
}

// String is the COUNT cell: the number, "forbidden", "error" or "".
func (c Count) String() string {
	switch {
	case !c.Listable:
		return ""
	case c.Forbidden:
		return "forbidden"
	case c.Err != nil:
		return "error"
	}
	return strconv.FormatInt(c.N, 10)
}
