package readcap

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// endless reads pattern forever.
type endless struct{ pattern []byte }

func (e endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = e.pattern[i%len(e.pattern)]
	}
	return len(p), nil
}

func TestReader(t *testing.T) {
	capErr := &Error{Source: "the input", Cap: 10, What: "the test's cap"}
	for _, c := range []struct {
		in      string
		wantErr bool
	}{{"", false}, {"0123456789", false}, {"0123456789A", true}} {
		got, err := io.ReadAll(NewReader(strings.NewReader(c.in), capErr))
		if c.wantErr {
			if !errors.Is(err, capErr) || len(got) != 10 {
				t.Errorf("%q: read %q, error %v; want the first 10 bytes and the cap's error", c.in, got, err)
			}
			continue
		}
		if err != nil || string(got) != c.in {
			t.Errorf("%q: read %q, error %v", c.in, got, err)
		}
	}
	// An endless source ends at the cap.
	got, err := io.ReadAll(NewReader(endless{[]byte("y\n")}, &Error{Source: "STDIN", Cap: 3 * MiB, What: "kdx's cap"}))
	if err == nil || err.Error() != "STDIN is larger than 3 MiB, kdx's cap" || int64(len(got)) != 3*MiB {
		t.Errorf("endless source: %d bytes, error %v", len(got), err)
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{16 * MiB: "16 MiB", GiB: "1 GiB", 1016 * MiB: "1016 MiB", 300: "300 bytes", 2 * KiB: "2 KiB", GiB + 1: fmt.Sprint(GiB+1, " bytes")} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestTransport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"items":[`))
		for r.Context().Err() == nil {
			if _, err := w.Write(bytes.Repeat([]byte(`{"a":1},`), 1024)); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	rt := Transport(srv.Client().Transport, func(req *http.Request, _ *http.Response) Limit {
		if l, ok := LimitOf(req.Context()); ok {
			return l
		}
		return Limit{Cap: MiB, What: "the test's cap"}
	})
	client := &http.Client{Transport: rt}
	resp, err := client.Get(srv.URL + "/api/v1/pods?limit=5&continue=abc")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	want := "the response to GET " + srv.URL + "/api/v1/pods is larger than 1 MiB, the test's cap"
	var capErr *Error
	if !errors.As(err, &capErr) || err.Error() != want || int64(len(got)) != MiB {
		t.Errorf("read %d bytes, error %v; want %q", len(got), err, want)
	}

	// A cap from the request's context wins; 0 is none.
	req, _ := http.NewRequestWithContext(WithLimit(t.Context(), Limit{Cap: 100, What: "a smaller cap"}), http.MethodGet, srv.URL, nil)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, err = io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if !errors.As(err, &capErr) || len(got) != 100 || capErr.What != "a smaller cap" {
		t.Errorf("cap from the context: read %d bytes, error %v", len(got), err)
	}
}

func TestJSONValues(t *testing.T) {
	in := " {\"a\": \"}\\\"{[\", \"b\": [1, {\"c\": []}]}\n\n[1,\n2] \"s\\\\\" 42 true null\n{}-1.5e3}"
	s := NewJSONValues(strings.NewReader(in), 1000, 1, func(line int) error { return fmt.Errorf("too large at %d", line) })
	var got []string
	for {
		v, line, err := s.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("after %q: %v", got, err)
		}
		got = append(got, fmt.Sprintf("%d:%d:%s", line, s.Column(), v))
	}
	want := []string{"1:2:{\"a\": \"}\\\"{[\", \"b\": [1, {\"c\": []}]}", "3:1:[1,\n2]", "4:4:\"s\\\\\"", "4:10:42", "4:13:true", "4:18:null", "5:1:{}", "5:3:-1.5e3", "5:9:}"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("values\n%q\nwant\n%q", got, want)
	}

	tooLarge := func(line int) error { return fmt.Errorf("too large at line %d", line) }
	for _, c := range []struct {
		name string
		r    io.Reader
		want string
	}{
		{"cut inside a value", strings.NewReader(`{"a": [1, 2`), io.ErrUnexpectedEOF.Error()},
		{"cut inside a string", strings.NewReader(`"abc`), io.ErrUnexpectedEOF.Error()},
		{"endless object", io.MultiReader(strings.NewReader("\n{\"a\": "), endless{[]byte("[")}), "too large at line 2"},
		{"endless string", io.MultiReader(strings.NewReader("{\"a\": \""), endless{[]byte("x")}), "too large at line 1"},
		{"endless number", endless{[]byte("1")}, "too large at line 1"},
		{"endless space", endless{[]byte(" ")}, "too large at line 1"},
	} {
		s := NewJSONValues(c.r, 4096, 1, tooLarge)
		if _, _, err := s.Next(); err == nil || err.Error() != c.want {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	// A value of exactly the cap is read.
	v := `{"k":"` + strings.Repeat("x", 4096-10) + `"}`
	s = NewJSONValues(strings.NewReader(v+"\n"+v+" "), int64(len(v)+1), 1, tooLarge)
	for i := 0; i < 2; i++ {
		if got, _, err := s.Next(); err != nil || string(got) != v {
			t.Fatalf("value %d at the cap: error %v", i, err)
		}
	}
}

// FuzzJSONValues: on a stream of objects, arrays and strings that
// json.Decoder reads without error, JSONValues finds the same values.
// (Scalars are another matter: json.Decoder reads "00" as two zeros and
// "1true" as two values, JSONValues as one invalid value each; neither
// occurs in JSON that a server or a manifest sends.)
func FuzzJSONValues(f *testing.F) {
	f.Add(`{"a": "}\"{[", "b": [1, {"c": []}]} [1, 2] "s\\" 42 true null {} -1.5e3`)
	f.Add(`{"type":"ADDED","object":{"kind":"ConfigMap","metadata":{"name":"a\u00e9"}}}` + "\n")
	f.Add("\t[\n\"x\\\\\",\r\n{}]  0 1 2")
	f.Fuzz(func(t *testing.T, in string) {
		dec := json.NewDecoder(strings.NewReader(in))
		var want []string
		for {
			var v json.RawMessage
			err := dec.Decode(&v)
			if err == io.EOF {
				break
			}
			if err != nil || !strings.ContainsAny(string(v[:1]), `{["`) {
				return
			}
			want = append(want, string(v))
		}
		s := NewJSONValues(strings.NewReader(in), int64(len(in))+1, 1, func(int) error { return errors.New("too large") })
		var got []string
		for {
			v, _, err := s.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%q: %v after %q", in, err, got)
			}
			got = append(got, string(v))
		}
		if strings.Join(got, "\x00") != strings.Join(want, "\x00") {
			t.Errorf("%q: values\n%q\njson.Decoder's\n%q", in, got, want)
		}
	})
}
