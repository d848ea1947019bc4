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

// tempPrefix starts the names of the temporary files a DirSink renames into
// place. A run leaves none, unless it is killed (kill -9, a crash, a power
// cut): the next run removes such stale ones (cleanStaleTemps).
const tempPrefix = ".kdx-tmp-"

// processTag is the part of the temporary files' names unique to this
// process: its id and its start time (base 36), so that a file left by an
// earlier process with the same id (the first process of a container has
// the same id at every run) is known to be stale.
var processTag = strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)

// staleTempAge is the age past which a temporary file of a process still
// running (or of another machine sharing the directory) is stale: a
// temporary file lives for the time of one write.
const staleTempAge = time.Hour

// tempNamer creates the temporary files of a run: tempPrefix, processTag
// and a counter, so that names are made without random numbers and hardly
// ever collide.
type tempNamer struct {
	// seq counts the files created.
	seq *atomic.Uint64
}

func newTempNamer() tempNamer {
	return tempNamer{seq: new(atomic.Uint64)}
}

// write creates a new temporary file in dir with mode less the umask,
// writes data to it and closes it, returning its name. On error no file
// stays.
func (t tempNamer) write(dir dirRef, data []byte, mode fs.FileMode) (string, error) {
	for range 100 {
		name := tempPrefix + processTag + "-" + strconv.FormatUint(t.seq.Add(1), 36)
		err := dir.writeNew(name, data, mode)
		if !errors.Is(err, fs.ErrExist) {
			return name, err
		}
	}
	return "", &fs.PathError{Op: "create", Path: filepath.Join(dir.path, tempPrefix+processTag+"-*"), Err: fs.ErrExist}
}

// staleTemp reports whether name, a file modified at modTime, is a
// temporary file of a DirSink that no export will rename any more: its
// process is gone, or it is an earlier process with this one's id, or it
// is older than staleTempAge. Names not made by tempNamer are never stale.
func staleTemp(name string, modTime, now time.Time) bool {
	rest, ok := strings.CutPrefix(name, tempPrefix)
	if !ok {
		return false
	}
	parts := strings.Split(rest, "-")
	if len(parts) != 3 {
		return false
	}
	pid, err := strconv.Atoi(parts[0])
	if err != nil || pid <= 0 {
		return false
	}
	for _, p := range parts[1:] {
		if _, err := strconv.ParseUint(p, 36, 64); err != nil {
			return false
		}
	}
	if pid == os.Getpid() {
		return parts[0]+"-"+parts[1] != processTag
	}
	return processGone(pid) || now.Sub(modTime) > staleTempAge
}

// cleanStaleTemps removes the stale temporary files (see staleTemp) of the
// export tree open at root, in the directories where files are written
// (<namespace>/<group>/<kind>), not following links nor entering
// directories whose names start with a dot (.git). It returns the relative
// paths of the files removed; it does what it can, quietly: a file it could
// not remove is tried again at the next run.
func cleanStaleTemps(root dirRef) []string {
	var removed []string
	now := time.Now()
	var walk func(d dirRef, rel string, depth int)
	walk = func(d dirRef, rel string, depth int) {
		entries, err := d.list()
		if err != nil {
			return
		}
		for _, e := range entries {
			name := e.Name()
			switch {
			case depth < 3 && e.IsDir() && !strings.HasPrefix(name, "."):
				if child, err := d.openDir(name); err == nil {
					walk(child, filepath.Join(rel, name), depth+1)
					child.close()
				}
			case depth == 3 && e.Type().IsRegular() && strings.HasPrefix(name, tempPrefix):
				info, err := d.lstat(name)
				if err == nil && info.mode.IsRegular() && staleTemp(name, info.modTime, now) && d.remove(name) == nil {
					removed = append(removed, filepath.Join(rel, name))
				}
			}
		}
	}
	walk(root, ".", 0)
	return removed
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
