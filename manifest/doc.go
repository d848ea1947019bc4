// Package manifest reads the objects of -f inputs: files, directories and
// stdin holding YAML documents, JSON objects and List kinds, decoded as
// unstructured objects that remember the file, document and line they came
// from.
package manifest
