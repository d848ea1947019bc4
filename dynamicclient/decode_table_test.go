package dynamicclient

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	metav1beta1 "k8s.io/apimachinery/pkg/apis/meta/v1beta1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/cli-runtime/pkg/printers"
)

// tableBodies are server answers to a Table request.
var tableBodies = map[string]string{
	"configmaps, metadata": configMapTable(3),
	"custom columns of every type": `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"9","continue":"c1","remainingItemCount":4},
		"columnDefinitions":[{"name":"Name","type":"string","format":"name","description":"d","priority":0},
			{"name":"Replicas","type":"integer","format":"","description":"","priority":0},{"name":"Ratio","type":"number","format":"","description":"","priority":1},
			{"name":"Ready","type":"boolean","format":"","description":"","priority":0},{"name":"Since","type":"date","format":"","description":"","priority":0},
			{"name":"Note","type":"string","format":"","description":"","priority":0}],
		"rows":[{"cells":["g1",3,0.5,true,"2026-11-27T09:00:00Z","\u00e9\u4e2d \"q\"\t"],"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"g1","namespace":"n","labels":{"a":"b"}}}},
			{"cells":["g2",9007199254740993,1e3,false,null,null],"conditions":[{"type":"Completed","status":"True","reason":"r","message":"m"}],"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"g2"}}},
			{"cells":["g3",-1,-0.25],"object":null},
			{"cells":["g4",0,1.0,true,"","x"],"object":{}},
			{"cells":[]}]}`,
	"include object": `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{},"columnDefinitions":[{"name":"Name","type":"string","format":"name"}],
		"rows":[{"cells":["g"],"object":{"apiVersion":"multi.example.org/v2","kind":"Gadget","metadata":{"name":"g","namespace":"n"},"spec":{"size":3,"ratio":0.5,"list":[1,"a",null,{"e":{}}]}}}]}`,
	"include none":                           `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{},"columnDefinitions":[{"name":"Name","type":"string","format":"name"}],"rows":[{"cells":["a"]},{"cells":["b"]}]}`,
	"v1beta1 table, no rows":                 `{"kind":"Table","apiVersion":"meta.k8s.io/v1beta1","metadata":{},"columnDefinitions":[]}`,
	"fields in another order":                `{"rows":[{"object":{"metadata":{"name":"a"}},"cells":["a"]}],"columnDefinitions":[{"name":"Name","type":"string"}],"apiVersion":"meta.k8s.io/v1","kind":"Table"}`,
	"list fallback":                          `{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"42","continue":"abc"},"items":[{"metadata":{"name":"a","namespace":"n"},"data":{"k":"v"}}]}`,
	"object fallback with table-like fields": `{"apiVersion":"x.example.org/v1","kind":"Thing","metadata":{"name":"t"},"rows":"not rows","columnDefinitions":7}`,
	"fallback: a Table of a version client-go does not know": `{"kind":"Table","apiVersion":"meta.k8s.io/v2","metadata":{},"columnDefinitions":[{"name":"Name","type":"string"}],"rows":[{"cells":["a"]}]}`,
}

// TestDecodePrintableMatchesClientGo checks DecodePrintable (its fast read
// and its fallback, decodeStandard) against client-go's codecs
// (decodeClientGo), field by field and as cli-runtime prints it.
func TestDecodePrintableMatchesClientGo(t *testing.T) {
	for name, body := range tableBodies {
		t.Run(name, func(t *testing.T) {
			if err := comparePrintable([]byte(body)); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestDecodePrintableErrors(t *testing.T) {
	for body, want := range map[string]string{
		`{"kind":"Table","apiVersion":"meta.k8s.io/v1","rows":[`:                          "failed to decode server response",
		`{"kind":"Table","apiVersion":"meta.k8s.io/v1","rows":[{"object":"s"}]}`:          "failed to decode table",
		`{"kind":"Table","apiVersion":"meta.k8s.io/v1","rows":[{"cells":{"a":1}}]}`:       "failed to decode table",
		`{"kind":"Table","apiVersion":"meta.k8s.io/v1","columnDefinitions":[{"name":1}]}`: "failed to decode table",
		`[]`: "failed to decode server response",
	} {
		_, err := DecodePrintable([]byte(body))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("DecodePrintable(%s) = %v, want an error with %q", body, err, want)
		}
	}
}

// FuzzDecodePrintable checks DecodePrintable against client-go's codecs
// on any body: both fail, or both give the same objects.
func FuzzDecodePrintable(f *testing.F) {
	for _, body := range tableBodies {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if err := comparePrintable(body); err != nil {
			t.Error(err)
		}
	})
}

// TestFastTableReadsServerTables: the tables servers send are read in one
// pass, slim or not, rather than by the standard decoding, which would
// give the same objects, only slower.
func TestFastTableReadsServerTables(t *testing.T) {
	for name, body := range tableBodies {
		if strings.Contains(name, "fallback") {
			continue
		}
		for _, slim := range []bool{false, true} {
			if _, ok := fastTable([]byte(body), slim); !ok {
				t.Errorf("%s (slim %v): read the standard way", name, slim)
			}
		}
	}
	if _, ok := fastTable([]byte(configMapTable(500)), true); !ok {
		t.Error("a page of 500 ConfigMaps read the standard way")
	}
}

// clientGoCodecs are client-go's codecs for a Table answer: a scheme that
// knows the meta.k8s.io types (Table in v1 and v1beta1), as kubectl's get
// builds it.
var clientGoCodecs = func() serializer.CodecFactory {
	s := runtime.NewScheme()
	metav1.AddMetaToScheme(s)
	metav1beta1.AddMetaToScheme(s)
	return serializer.NewCodecFactory(s)
}()

// decodeClientGo is the reference DecodePrintable is compared with,
// independent of its code: body through client-go's universal deserializer,
// a Table's row objects then decoded as kubectl's get decodes them
// (decodeIntoTable: the unstructured JSON scheme), and what is not a Table
// as the dynamic client decodes it.
func decodeClientGo(body []byte) (runtime.Object, error) {
	obj, _, err := clientGoCodecs.UniversalDeserializer().Decode(body, nil, nil)
	if runtime.IsNotRegisteredError(err) || runtime.IsMissingKind(err) || runtime.IsMissingVersion(err) {
		return runtime.Decode(unstructured.UnstructuredJSONScheme, body)
	}
	if err != nil {
		return nil, err
	}
	t, ok := obj.(*metav1.Table)
	if !ok {
		return runtime.Decode(unstructured.UnstructuredJSONScheme, body)
	}
	for i := range t.Rows {
		row := &t.Rows[i]
		if row.Object.Raw == nil {
			continue
		}
		u, err := runtime.Decode(unstructured.UnstructuredJSONScheme, row.Object.Raw)
		if runtime.IsMissingKind(err) {
			// kubectl fails; kdx keeps the object as it came (a server
			// sends a kind: PartialObjectMetadata, or the object's own)
			m := &unstructured.Unstructured{}
			err = utiljson.Unmarshal(row.Object.Raw, &m.Object)
			u = m
		}
		if err != nil {
			return nil, err
		}
		row.Object = runtime.RawExtension{Object: u}
	}
	return t, nil
}

// comparePrintable decodes body both ways and says how they differ, then
// does the same for the slim decoding.
func comparePrintable(body []byte) error {
	if err := compareDecoded(body, false); err != nil {
		return err
	}
	return compareDecoded(body, true)
}

// slimTable is t with each row object cut as slimRowObject cuts it; ok is
// false where it cannot cut one.
func slimTable(t *metav1.Table) (*metav1.Table, bool) {
	t = t.DeepCopy()
	for i := range t.Rows {
		if u, ok := t.Rows[i].Object.Object.(*unstructured.Unstructured); ok {
			slim, ok := slimRowObject(u.Object)
			if !ok {
				return nil, false
			}
			t.Rows[i].Object.Object = slim
		}
	}
	return t, true
}

// compareDecoded decodes body as DecodePrintable (or DecodePrintableSlim)
// and as client-go does (decodeClientGo), and says how they differ: in the
// objects (row objects cut for a slim read), or as cli-runtime prints them.
// A slim read may read over a part of a row object that client-go fails on.
func compareDecoded(body []byte, slim bool) error {
	decode := DecodePrintable
	if slim {
		decode = DecodePrintableSlim
	}
	got, gotErr := decode(body)
	want, wantErr := decodeClientGo(body)
	if slim && wantErr != nil {
		return nil
	}
	if (gotErr != nil) != (wantErr != nil) {
		return fmt.Errorf("error %v, client-go's %v", gotErr, wantErr)
	}
	if gotErr != nil {
		return nil
	}
	wantObjects := want
	if wt, ok := want.(*metav1.Table); ok && slim {
		// the fast path cuts the rows; what it leaves is read whole
		if _, fast := fastTable(body, true); fast {
			st, cut := slimTable(wt)
			if !cut {
				return fmt.Errorf("slim read in one pass, but slimRowObject cannot cut every row of client-go's decoding")
			}
			wantObjects = st
		}
	}
	if !reflect.DeepEqual(got, wantObjects) {
		return fmt.Errorf("decoded (slim %v)\n %#v\nclient-go\n %#v", slim, got, wantObjects)
	}
	gt, ok := got.(*metav1.Table)
	if !ok {
		return nil
	}
	var gb, wb bytes.Buffer
	print := func(t runtime.Object, w *bytes.Buffer) error {
		tw := printers.GetNewTabWriter(w)
		p := printers.NewTablePrinter(printers.PrintOptions{WithNamespace: true, ShowLabels: true, Wide: true, ColumnLabels: []string{"a"}})
		if err := p.PrintObj(t, tw); err != nil {
			return err
		}
		return tw.Flush()
	}
	gerr, werr := print(gt, &gb), print(want, &wb)
	if (gerr != nil) != (werr != nil) || gb.String() != wb.String() {
		return fmt.Errorf("printed %q (%v), client-go %q (%v)", gb.String(), gerr, wb.String(), werr)
	}
	return nil
}

// configMapTable is a page of n ConfigMaps as kube-apiserver answers
// kubectl get configmaps -A: cells name, data count and age, and each row's
// PartialObjectMetadata with labels, annotations and managedFields.
func configMapTable(n int) string {
	var sb strings.Builder
	sb.WriteString(`{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"123456","continue":"eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTIzNDU2LCJzdGFydCI6Im5zLTkvY20tNDk5XHUwMDAwIn0","remainingItemCount":1500},` +
		`"columnDefinitions":[{"name":"Name","type":"string","format":"name","description":"Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names","priority":0},` +
		`{"name":"Data","type":"string","format":"","description":"Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.","priority":0},` +
		`{"name":"Age","type":"string","format":"","description":"CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata","priority":0}],"rows":[`)
	for i := range n {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `{"cells":["cm-%04d",%d,"%dd"],"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"cm-%04d","namespace":"ns-%d","uid":"0b8e6f8a-7a4e-4a57-9f8e-1c2d3e%06d","resourceVersion":"%d","creationTimestamp":"2026-11-27T09:00:00Z",`+
			`"labels":{"app":"bench","app.kubernetes.io/part-of":"kdx-bench","tier":"t%d"},"annotations":{"kdx.example.org/owner":"team-%d","kdx.example.org/note":"seeded for the fleet bench \u00e9"},`+
			`"managedFields":[{"manager":"kubectl-create","operation":"Update","apiVersion":"v1","time":"2026-11-27T09:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:data":{".":{},"f:a":{},"f:b":{},"f:c":{}},"f:metadata":{"f:annotations":{".":{},"f:kdx.example.org/note":{},"f:kdx.example.org/owner":{}},"f:labels":{".":{},"f:app":{},"f:app.kubernetes.io/part-of":{},"f:tier":{}}}}}]}}}`,
			i, i%7, i%300, i, i%10, i, 1000+i, i%3, i%5)
	}
	sb.WriteString("]}")
	return sb.String()
}

// BenchmarkDecodeTable compares DecodePrintable with the standard decoding
// on a page of 500 ConfigMap rows (includeObject=Metadata), row objects
// decoded as a get -A needs them.
func BenchmarkDecodeTable(b *testing.B) {
	body := []byte(configMapTable(500))
	slim := func(body []byte) (runtime.Object, error) { return DecodePrintableSlim(body) }
	for name, decode := range map[string]func([]byte) (runtime.Object, error){"kdx": DecodePrintable, "slim": slim, "standard": decodeStandard} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := decode(body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// slimRowObject is what a slim read (slimObject) keeps of a row object of
// the standard decoding: a PartialObjectMetadata with its kind, apiVersion,
// name, namespace and labels; ok is false where those are not of their
// types, and a slim read then keeps the whole object.
func slimRowObject(obj map[string]any) (slim *metav1.PartialObjectMetadata, ok bool) {
	slim = &metav1.PartialObjectMetadata{}
	md, isMap := mapOf(obj["metadata"])
	if !isMap || !stringsOf(obj, map[string]*string{"kind": &slim.Kind, "apiVersion": &slim.APIVersion}) ||
		!stringsOf(md, map[string]*string{"name": &slim.Name, "namespace": &slim.Namespace}) {
		return nil, false
	}
	labels, isMap := mapOf(md["labels"])
	if !isMap {
		return nil, false
	}
	if labels != nil {
		slim.Labels = make(map[string]string, len(labels))
	}
	for k, v := range labels {
		s, isString := v.(string)
		if !isString {
			return nil, false
		}
		slim.Labels[k] = s
	}
	return slim, true
}
