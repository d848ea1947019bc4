package main

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"testing"
)

// rec is one acct_v3 record as the kernel writes it.
func rec(pid, ppid uint32, name string, utime, stime uint16, wallTicks float32) []byte {
	r := make([]byte, recordSize)
	r[1] = 3
	le := binary.LittleEndian
	le.PutUint32(r[16:], pid)
	le.PutUint32(r[20:], ppid)
	le.PutUint32(r[28:], math.Float32bits(wallTicks))
	le.PutUint16(r[32:], utime)
	le.PutUint16(r[34:], stime)
	copy(r[48:], name)
	return r
}

func TestCompTime(t *testing.T) {
	for _, c := range []struct {
		v    uint16
		want float64
	}{
		{0, 0},
		{150, 1.5},                      // 150 ticks
		{1<<13 | 1000, 80},              // 1000 * 8 ticks
		{2<<13 | 0x1fff, 0x1fff * 0.64}, // the mantissa times 64 ticks
	} {
		if got := compTime(c.v); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("compTime(%#x) = %v, want %v", c.v, got, c.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	var b []byte
	b = append(b, rec(10, 1, "go", 100, 50, 1000)...)    // 1.5 s
	b = append(b, rec(11, 10, "kdx", 20, 10, 50)...)     // 0.3 s, parent go
	b = append(b, rec(12, 10, "kdx", 30, 0, 50)...)      // 0.3 s
	b = append(b, rec(13, 99, "kubectl", 10, 10, 40)...) // 0.2 s, parent not recorded
	recs, err := parse(b)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	printTotals(&out, summarize(recs, false), 0)
	want := "" +
		"     1.5 CPU-s      1 processes      10.0 wall-s  go\n" +
		"     0.6 CPU-s      2 processes       1.0 wall-s  kdx\n" +
		"     0.2 CPU-s      1 processes       0.4 wall-s  kubectl\n" +
		"     2.3 CPU-s in all\n"
	if out.String() != want {
		t.Errorf("by name:\n%s\nwant:\n%s", out.String(), want)
	}
	out.Reset()
	printTotals(&out, summarize(recs, true), 0.5)
	for _, line := range []string{"kdx <- go\n", "go <- ?\n", "2.3 CPU-s in all\n"} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("by parent:\n%s\nlacks %q", out.String(), line)
		}
	}
	if strings.Contains(out.String(), "kubectl") {
		t.Errorf("by parent with min 0.5:\n%s\nhas kubectl's 0.2 CPU-s", out.String())
	}
}

func TestParseErrors(t *testing.T) {
	if _, err := parse(make([]byte, recordSize+1)); err == nil {
		t.Error("a partial record parsed")
	}
	r := rec(1, 0, "x", 0, 0, 0)
	r[1] = 2
	if _, err := parse(r); err == nil {
		t.Error("a version 2 record parsed")
	}
}
