// Package refs finds the references between objects: the objects one object
// names (a Pod's ConfigMaps, Secrets, claims, ServiceAccount), and the
// objects that name it, by the rules Kubernetes defines (rules.go) and by the
// conventions CRDs follow (conventions.go).
package refs
