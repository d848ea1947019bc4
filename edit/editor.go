package edit

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// EditorName is the editor $KUBE_EDITOR names, else $EDITOR, else vi, as
// kubectl picks it.
func EditorName(getenv func(string) string) string {
	for _, name := range []string{"KUBE_EDITOR", "EDITOR"} {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
	}
	return "vi"
}

// EditorCommand is the command that opens path in editor: through sh -c,
// so that the editor may carry arguments ("code --wait"). A front end that
// runs the command itself (the interactive explorer hands it the
// terminal) builds it here.
func EditorCommand(editor, path string) *exec.Cmd {
	return exec.Command("sh", "-c", editor+` "$1"`, "kdx-edit", path)
}

// CommandEditor is the Editor that runs EditorName's editor on the streams
// given (the terminal). The editor is the user's: a cancelled context does
// not kill it (Ctrl-C in an editor is the editor's key); the edit stops
// once it returns.
func CommandEditor(getenv func(string) string, in io.Reader, out, errOut io.Writer) Editor {
	editor := EditorName(getenv)
	return func(ctx context.Context, path string) error {
		cmd := EditorCommand(editor, path)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = in, out, errOut
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("the editor %q failed: %w", editor, err)
		}
		return ctx.Err()
	}
}
