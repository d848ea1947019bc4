package edit

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// CommandEditor is the editor $KUBE_EDITOR names, else $EDITOR, else vi,
// as kubectl picks it; it runs through sh -c, so that it may carry
// arguments ("code --wait"), on the streams given (the terminal). The
// editor is the user's: a cancelled context does not kill it (Ctrl-C in
// an editor is the editor's key); the edit stops once it returns.
func CommandEditor(getenv func(string) string, in io.Reader, out, errOut io.Writer) Editor {
	editor := "vi"
	for _, name := range []string{"KUBE_EDITOR", "EDITOR"} {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			editor = v
			break
		}
	}
	return func(ctx context.Context, path string) error {
		cmd := exec.Command("sh", "-c", editor+` "$1"`, "kdx-edit", path)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = in, out, errOut
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("the editor %q failed: %w", editor, err)
		}
		return ctx.Err()
	}
}
