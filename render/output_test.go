package render

import "testing"

func TestOutputsParse(t *testing.T) {
	writes := Outputs{"", "name", "json", "yaml"}
	for _, tt := range []struct {
		outputs Outputs
		output  string
		want    Format
		wantErr string
	}{
		{writes, "", FormatTable, ""},
		{writes, "name", FormatName, ""},
		{writes, "wide", 0, `unable to match a printer suitable for the output format "wide", allowed formats are: json,name,yaml`},
		{Outputs{"yaml", "json", "jsonl"}, "", 0, `unable to match a printer suitable for the output format "", allowed formats are: json,jsonl,yaml`},
		{AllOutputs(), "jsonpath={.kind}", FormatTemplate, ""},
		{AllOutputs(), "custom-columns=N:.metadata.name", FormatCustomColumns, ""},
		{AllOutputs(), "xml", 0, `unable to match a printer suitable for the output format "xml", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonl,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,wide,yaml`},
	} {
		got, err := tt.outputs.Parse(tt.output, "")
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("%v.Parse(%q) = %v, want error %q", tt.outputs, tt.output, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%v.Parse(%q) = %v, %v, want %v", tt.outputs, tt.output, got, err, tt.want)
		}
	}
}
