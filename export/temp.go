package export

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// tempNamer creates the temporary files of a run: tempPrefix, a part unique
// to the run (process id and start time) and a counter, so that names are
// made without random numbers and hardly ever collide.
type tempNamer struct {
	// run is the part of the names unique to the run.
	run string
	// seq counts the files created.
	seq *atomic.Uint64
}

func newTempNamer() tempNamer {
	run := strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(time.Now().UnixNano()%1e9, 36) + "-"
	return tempNamer{run: tempPrefix + run, seq: new(atomic.Uint64)}
}

// write creates a new temporary file in dir with mode less the umask,
// writes data to it and closes it, returning its name in dir. On error no
// file stays.
func (t tempNamer) write(dir dirRef, data []byte, mode fs.FileMode) (string, error) {
	for range 100 {
		name := t.run + strconv.FormatUint(t.seq.Add(1), 36)
		err := dir.writeNew(name, data, mode)
		if !errors.Is(err, fs.ErrExist) {
			return name, err
		}
	}
	return "", &fs.PathError{Op: "create", Path: filepath.Join(dir.path, t.run+"*"), Err: fs.ErrExist}
}

// readUmask returns the process's umask from /proc (Linux 4.7 and later),
// or -1. Reading it with umask(2) would change it for a moment for every
// goroutine.
func readUmask() int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "Umask:"); ok {
			if n, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32); err == nil {
				return int(n)
			}
		}
	}
	return -1
}
