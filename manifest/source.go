package manifest

import (
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// StdinName is the file name of objects read from standard input.
const StdinName = "STDIN"

// Source says where an object was read from.
type Source struct {
	// File is the path given or found in a directory, or StdinName.
	File string
	// Doc is the 1-based number of the document in the file (empty
	// documents are not counted).
	Doc int
	// Line is the 1-based line where the document starts; 0 if unknown.
	Line int
	// Item is the 1-based position in a List document; 0 if not in a list.
	Item int
}

// String is "FILE document N (line L)" with " item I" for list items.
func (s Source) String() string {
	out := s.File
	if s.Doc > 0 {
		out += fmt.Sprintf(" document %d", s.Doc)
	}
	if s.Item > 0 {
		out += fmt.Sprintf(" item %d", s.Item)
	}
	if s.Line > 0 {
		out += fmt.Sprintf(" (line %d)", s.Line)
	}
	return out
}

// Object is one object of the input and where it came from.
type Object struct {
	// Object is the decoded object.
	Object *unstructured.Unstructured
	// Source is where it was read.
	Source Source
}

// Error is a problem with one document of the input.
type Error struct {
	// Source is the document, with the line of the problem when known.
	Source Source
	// Err is the problem.
	Err error
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %v", e.Source, e.Err) }

func (e *Error) Unwrap() error { return e.Err }
