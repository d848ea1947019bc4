package main

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
)

// recordSize is the size of a struct acct_v3 record (linux/acct.h).
const recordSize = 64

// ticksPerSecond is AHZ, the unit of acct_v3's times.
const ticksPerSecond = 100

// record is what one exited process left.
type record struct {
	pid, ppid uint32
	name      string
	cpu, wall float64 // seconds
}

// compTime decodes a comp_t: a 13-bit mantissa and a 3-bit base-8
// exponent, in ticks.
func compTime(v uint16) float64 {
	return float64(uint64(v&0x1fff)<<(3*uint(v>>13))) / ticksPerSecond
}

// parse reads acct_v3 records; a record of another version is an error.
func parse(b []byte) ([]record, error) {
	if len(b)%recordSize != 0 {
		return nil, fmt.Errorf("%d bytes is not a whole number of %d-byte records", len(b), recordSize)
	}
	recs := make([]record, 0, len(b)/recordSize)
	for i := 0; i < len(b); i += recordSize {
		r := b[i : i+recordSize]
		if r[1] != 3 {
			return nil, fmt.Errorf("record %d is of version %d, not 3", i/recordSize, r[1])
		}
		le := binary.LittleEndian
		recs = append(recs, record{
			pid:  le.Uint32(r[16:20]),
			ppid: le.Uint32(r[20:24]),
			wall: float64(math.Float32frombits(le.Uint32(r[28:32]))) / ticksPerSecond,
			cpu:  compTime(le.Uint16(r[32:34])) + compTime(le.Uint16(r[34:36])),
			name: strings.TrimRight(string(r[48:64]), "\x00"),
		})
	}
	return recs, nil
}

// total is the CPU and wall time of the processes of one line.
type total struct {
	key       string
	n         int
	cpu, wall float64
}

// summarize adds up recs by process name (by name and parent's name with
// parents), the most CPU first. A parent that exited after accounting
// stopped, or before it started, is "?".
func summarize(recs []record, parents bool) []total {
	names := make(map[uint32]string, len(recs))
	for _, r := range recs {
		names[r.pid] = r.name
	}
	byKey := map[string]*total{}
	for _, r := range recs {
		key := r.name
		if parents {
			p, ok := names[r.ppid]
			if !ok {
				p = "?"
			}
			key += " <- " + p
		}
		t := byKey[key]
		if t == nil {
			t = &total{key: key}
			byKey[key] = t
		}
		t.n++
		t.cpu += r.cpu
		t.wall += r.wall
	}
	out := make([]total, 0, len(byKey))
	for _, t := range byKey {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].cpu != out[j].cpu {
			return out[i].cpu > out[j].cpu
		}
		return out[i].key < out[j].key
	})
	return out
}

// printTotals writes the lines of totals with at least minCPU CPU-seconds, and the
// sum of all.
func printTotals(w io.Writer, totals []total, minCPU float64) {
	sum := 0.0
	for _, t := range totals {
		sum += t.cpu
		if t.cpu >= minCPU {
			fmt.Fprintf(w, "%8.1f CPU-s %6d processes %9.1f wall-s  %s\n", t.cpu, t.n, t.wall, t.key)
		}
	}
	fmt.Fprintf(w, "%8.1f CPU-s in all\n", sum)
}
