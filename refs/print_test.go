package refs

import (
	"bytes"
	"testing"
)

// TestWriteTableEscapes: an object name holding ESC, BEL and a newline (a
// ClusterRole's may) is escaped, on its row's one line (issue 27.9).
func TestWriteTableEscapes(t *testing.T) {
	rows := []Row{{Direction: Uses, Object: Object{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "\x1b[31mred\a\nfake"}, Field: "roleRef.name"}}
	var b bytes.Buffer
	if err := WriteTable(&b, rows, false); err != nil {
		t.Fatal(err)
	}
	want := "DIRECTION   NAMESPACE   OBJECT                                                    FIELD          STATUS\n" +
		"uses        -           clusterrole.rbac.authorization.k8s.io/^[[31mred^G\\nfake   roleRef.name\n"
	if b.String() != want {
		t.Errorf("got:\n%q\nwant:\n%q", b.String(), want)
	}
}
