// Package search finds a pattern in the keys and values of unstructured
// objects and says where each match is: the field path
// (spec.template.spec.volumes[2].secret.secretName) and the matching value.
package search
