package render

import "reflect"

// Masks of a Secret's values, kubectl diff's.
const (
	SecretMask       = "***"
	secretMaskBefore = "*** (before)"
	secretMaskAfter  = "*** (after)"
)

// lastApplied is the annotation where kubectl apply keeps a copy of the
// object it applied: a Secret's holds its values.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// IsSecret reports whether obj is a Secret of the core group.
func IsSecret(obj map[string]any) bool {
	return obj["kind"] == "Secret" && obj["apiVersion"] == "v1"
}

// MaskSecrets replaces in place the values of a Secret, as kdx prints
// Secrets for comparison or search without --show-secrets: each value of
// data and stringData, and kubectl apply's copy of the object (its
// last-applied-configuration annotation), becomes ***. before and after
// are two versions of one Secret (either nil): a value both hold and that
// differs becomes "*** (before)" and "*** (after)", so that a diff still
// shows the change, as kubectl diff masks them.
func MaskSecrets(before, after map[string]any) {
	for _, field := range []string{"data", "stringData"} {
		mask(nested(before, field), nested(after, field))
	}
	mask(nested(before, "metadata", "annotations"), nested(after, "metadata", "annotations"), lastApplied)
}

// nested is the map at path in obj, or nil.
func nested(obj map[string]any, path ...string) map[string]any {
	for _, k := range path {
		obj, _ = obj[k].(map[string]any)
	}
	return obj
}

// mask masks the values of before and after: every key, or only those of
// only.
func mask(before, after map[string]any, only ...string) {
	masked := func(k string) bool { return len(only) == 0 || k == only[0] }
	for k, b := range before {
		if !masked(k) {
			continue
		}
		a, ok := after[k]
		switch {
		case ok && !reflect.DeepEqual(a, b):
			before[k], after[k] = secretMaskBefore, secretMaskAfter
		case ok:
			before[k], after[k] = SecretMask, SecretMask
		default:
			before[k] = SecretMask
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok && masked(k) {
			after[k] = SecretMask
		}
	}
}
