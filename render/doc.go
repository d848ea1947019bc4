// Package render writes what kdx fetched: tables, names, JSON, YAML, JSON
// lines, JSONPath, custom columns and templates, to an io.Writer.
package render
