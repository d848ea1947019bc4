package logmask

import (
	"regexp"
	"strings"
)

// userinfo is the user info of a URL with a password: scheme://user:pass@,
// the password being anything up to the last @ before the host (a password
// may hold ':' and '@' unescaped where a user typed it so).
var userinfo = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.\-]*://[^\s/?#@:'"<>]*):[^\s/?#'"<>]*@`)

// redactedPassword is what url.URL.Redacted writes for a password.
const redactedPassword = "xxxxx"

// URLs is s with the password of every URL in it replaced by xxxxx.
func URLs(s string) string {
	if !strings.Contains(s, "://") || !strings.Contains(s, "@") {
		return s
	}
	return userinfo.ReplaceAllString(s, "${1}:"+redactedPassword+"@")
}
