package relate

// Ready is the status and reason of obj's Ready condition, else of its
// Available condition; empty when it has neither.
func Ready(obj map[string]any) (status, reason string) {
	st, _ := obj["status"].(map[string]any)
	conds, _ := st["conditions"].([]any)
	for _, want := range []string{"Ready", "Available"} {
		for _, c := range conds {
			m, _ := c.(map[string]any)
			if m["type"] == want {
				status, _ = m["status"].(string)
				reason, _ = m["reason"].(string)
				return status, reason
			}
		}
	}
	return "", ""
}
