package wildix_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/wallboard/wallboard/wildix"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		body string
		want wildix.Envelope
	}{
		{
			name: "all fields",
			body: `{"id":"it_q200001_2101","pbx":"3300000abc01","time":1700000500000,"company":"it_q200001",` +
				`"type":"presence:user","integrationId":"t3stin","data":{"status":"away"}}`,
			want: wildix.Envelope{ID: "it_q200001_2101", PBX: "3300000abc01", Time: 1700000500000, Company: company,
				Type: "presence:user", IntegrationID: "t3stin", Data: []byte(`{"status":"away"}`)},
		},
		{
			name: "only a type, padded",
			body: " \n{\"type\":\" call:start \"}\n",
			want: wildix.Envelope{Type: "call:start"},
		},
		{
			name: "numeric id and string time",
			body: `{"type":"call:end","id":12345,"time":"1700000000000","company":"  it_q200001 "}`,
			want: wildix.Envelope{Type: "call:end", ID: "12345", Time: 1700000000000, Company: company},
		},
		{
			name: "unusable fields are absent",
			body: `{"type":"call:end","id":{"a":1},"pbx":[1],"time":true,"company":null,"integrationId":false,"extra":[[[]]]}`,
			want: wildix.Envelope{Type: "call:end"},
		},
		{
			name: "data of any JSON type is kept for Translate",
			body: `{"type":"sms:status","data":[1,2]}`,
			want: wildix.Envelope{Type: "sms:status", Data: []byte(`[1,2]`)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := wildix.Decode([]byte(tt.body))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Decode =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		body string
		want error
	}{
		{"empty", ``, wildix.ErrNotObject},
		{"whitespace", " \n\t", wildix.ErrNotObject},
		{"null", `null`, wildix.ErrNotObject},
		{"array", `[{"type":"call:start"}]`, wildix.ErrNotObject},
		{"string", `"call:start"`, wildix.ErrNotObject},
		{"number", `42`, wildix.ErrNotObject},
		{"truncated", `{"type":"call:start"`, wildix.ErrNotObject},
		{"trailing garbage", `{"type":"call:start"} x`, wildix.ErrNotObject},
		{"two objects", `{"type":"call:start"}{"type":"call:end"}`, wildix.ErrNotObject},
		{"invalid UTF-8", "{\"type\":\"call:start\",\"id\":\"\xff\"}", wildix.ErrNotObject},
		{"too deep", `{"type":"call:start","data":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}`, wildix.ErrNotObject},
		{"no type", `{"id":"x"}`, wildix.ErrNoType},
		{"null type", `{"type":null}`, wildix.ErrNoType},
		{"empty type", `{"type":"  "}`, wildix.ErrNoType},
		{"numeric type", `{"type":7}`, wildix.ErrNoType},
		{"object type", `{"type":{"name":"call:start"}}`, wildix.ErrNoType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := wildix.Decode([]byte(tt.body))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Decode = %+v, %v; want error %v", got, err, tt.want)
			}
			if !reflect.DeepEqual(got, wildix.Envelope{}) {
				t.Errorf("Decode returned %+v with its error, want the zero Envelope", got)
			}
		})
	}
}

// Brackets inside strings do not count towards the nesting limit, and the
// limit itself is accepted.
func TestDecodeDepthLimit(t *testing.T) {
	inString := `{"type":"call:start","data":{"name":"` + strings.Repeat("[{", 100) + `\"]"}}`
	if _, err := wildix.Decode([]byte(inString)); err != nil {
		t.Errorf("brackets in a string: Decode: %v", err)
	}
	atLimit := `{"type":"call:start","data":` + strings.Repeat("[", wildix.MaxDepth-1) + strings.Repeat("]", wildix.MaxDepth-1) + `}`
	if _, err := wildix.Decode([]byte(atLimit)); err != nil {
		t.Errorf("nesting at MaxDepth: Decode: %v", err)
	}
	over := `{"type":"call:start","data":` + strings.Repeat("[", wildix.MaxDepth) + strings.Repeat("]", wildix.MaxDepth) + `}`
	if _, err := wildix.Decode([]byte(over)); !errors.Is(err, wildix.ErrNotObject) {
		t.Errorf("nesting over MaxDepth: Decode error = %v, want ErrNotObject", err)
	}
}
