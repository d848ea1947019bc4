package testenv

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// tailLines is how many lines of each log Logs and start errors show.
const tailLines = 40

// tailBytes caps how much of a log's end is read.
const tailBytes = 16 << 10

// Logs returns the last lines of the etcd, kube-apiserver and
// kube-controller-manager logs, each under a header naming its file.
func (e *Env) Logs() string {
	var b strings.Builder
	for _, name := range []string{"etcd", "kube-apiserver", "kube-controller-manager"} {
		path := e.logPath(name)
		if _, err := os.Stat(path); err != nil {
			continue
		}
		fmt.Fprintf(&b, "==> %s <==\n%s\n", path, tailFile(path))
	}
	return b.String()
}

// logPath returns the log file of the named component.
func (e *Env) logPath(name string) string {
	return filepath.Join(e.Dir, "logs", name+".log")
}

// tailFile returns the last tailLines lines of the file at path.
func tailFile(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Sprintf("(cannot read log: %v)", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Sprintf("(cannot read log: %v)", err)
	}
	offset := max(info.Size()-tailBytes, 0)
	buf := make([]byte, info.Size()-offset)
	n, _ := f.ReadAt(buf, offset)
	lines := bytes.Split(bytes.TrimRight(buf[:n], "\n"), []byte("\n"))
	if len(lines) > tailLines {
		lines = lines[len(lines)-tailLines:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}
