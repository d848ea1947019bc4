package manifest

import (
	"context"
	"strings"
	"testing"
)

// TestDecodeJSON: a JSON input is decoded as JSON, and its errors are said
// to be JSON errors with their line and column, never "invalid YAML".
func TestDecodeJSON(t *testing.T) {
	cm := `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"k": %s}}`
	cases := []struct {
		name      string
		data      string
		wantValue string // data.k of the object
		wantErr   string
	}{
		{name: "escaped slash (not YAML)", data: strings.Replace(cm, "%s", `"a\/b"`, 1), wantValue: "a/b"},
		{name: "escaped surrogate pair", data: strings.Replace(cm, "%s", `"\ud83d\ude00"`, 1), wantValue: "\U0001F600"},
		{name: "byte order mark", data: "\ufeff" + strings.Replace(cm, "%s", `"v"`, 1), wantValue: "v"},
		{name: "trailing comma: YAML, as kubectl reads it", data: "\n{\"apiVersion\": \"v1\",\n  \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"a\"},\n  \"data\": {\"k\": \"v\",},}\n",
			wantValue: "v"},
		{name: "neither JSON nor YAML", data: "\n{\"apiVersion\": \"v1\",\n  \"kind\": \"ConfigMap\",\n  \"metadata\": {\"name\": \"a\"]}\n",
			wantErr: `f.json document 1 (line 4): invalid JSON at column 27: invalid character ']' after object key:value pair`},
		{name: "error in the third value", data: strings.Repeat(strings.Replace(cm, "%s", `"v"`, 1)+"\n", 2) + `{"apiVersion": "v1", "kind": 'x'}`,
			wantErr: `f.json document 3 (line 3): invalid JSON at column 30: invalid character '\'' looking for beginning of value`},
		{name: "cut short", data: "{\"apiVersion\": \"v1\",\n\"kind\": \"ConfigMap\"",
			wantErr: `f.json document 1 (line 1): invalid JSON: the input ends inside a value`},
		{name: "stray text after values", data: strings.Repeat(strings.Replace(cm, "%s", `"v"`, 1)+"\n", 2) + "\n  oops",
			wantErr: `f.json document 3 (line 4): invalid JSON at column 3: invalid character 'o' looking for beginning of value`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			objs, err := Decode("f.json", []byte(c.data))
			if c.wantErr != "" {
				if err == nil || err.Error() != c.wantErr {
					t.Fatalf("error\n%v\nwant\n%s", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := objs[0].Object.Object["data"].(map[string]any)["k"]; got != c.wantValue {
				t.Errorf("data.k = %q, want %q", got, c.wantValue)
			}
		})
	}
}

// TestJSONDuplicateFields: a field given twice in a JSON object is found as
// in YAML, with its path.
func TestJSONDuplicateFields(t *testing.T) {
	data := `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "name": "b"}, "data": {"k": "1", "k": "2"}}`
	var warnings []string
	objs, err := Options{Duplicates: DuplicatesWarn, Warn: func(err error) { warnings = append(warnings, err.Error()) }}.decodeBytes("f.json", data)
	want := `f.json document 1 (line 1): duplicate field "metadata.name" (and 1 more) (the last value is used)`
	if err != nil || len(objs) != 1 || len(warnings) != 1 || warnings[0] != want {
		t.Fatalf("warn: %d objects, error %v, warnings %q; want %q", len(objs), err, warnings, want)
	}
	if objs[0].Object.GetName() != "b" {
		t.Errorf("the last value should win, got %q", objs[0].Object.GetName())
	}
	_, err = Options{Duplicates: DuplicatesRefuse}.decodeBytes("f.json", data)
	if want := `f.json document 1 (line 1): duplicate field "metadata.name" (and 1 more)`; err == nil || err.Error() != want {
		t.Errorf("refuse: error %v, want %q", err, want)
	}
}

func (o Options) decodeBytes(file, data string) ([]Object, error) {
	return o.decode(context.Background(), file, strings.NewReader(data))
}
