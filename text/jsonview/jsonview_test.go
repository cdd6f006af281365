package jsonview

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode"
)

func TestPretty(t *testing.T) {
	rows, ok := Pretty(`{"level":"error","msg":"boom","n":1.5e3,"ok":true,"x":null,"tags":["a",2],"e":{},"a":[],"nested":{"k":"v"}}`)
	if !ok {
		t.Fatal("a valid object was refused")
	}
	want := `{
  "level": "error",
  "msg": "boom",
  "n": 1.5e3,
  "ok": true,
  "x": null,
  "tags": [
    "a",
    2
  ],
  "e": {},
  "a": [],
  "nested": {
    "k": "v"
  }
}`
	if got := Plain(rows); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	// Keys and values are told apart.
	if rows[1][1].Kind != Key || rows[1][3].Kind != String || rows[3][3].Kind != Literal {
		t.Errorf("kinds of row 1 and 3: %+v %+v", rows[1], rows[3])
	}
}

func TestPrettyRefuses(t *testing.T) {
	for _, s := range []string{
		"", "plain text", `["an","array"]`, `"a string"`, `{"a":1} trailing`, `{"a":1}{"b":2}`,
		`{"a":}`, `{"a":1`, `{a:1}`, `{"a":1,}`, "{" + strings.Repeat(" ", MaxInput) + "}",
	} {
		if _, ok := Pretty(s); ok {
			t.Errorf("Pretty(%.40q) accepted", s)
		}
	}
}

func TestQuoteEscapesWhatATerminalActsOn(t *testing.T) {
	got := Quote("a\x1b[31mred\u009b\u202eevil\u2028x\U0001F600\"\\")
	want := `"a\u001b[31mred\u009b\u202eevil\u2028x` + "\U0001F600" + `\"\\"`
	if got != want {
		t.Fatalf("Quote = %s, want %s", got, want)
	}
	var back string
	if err := json.Unmarshal([]byte(got), &back); err != nil || back != "a\x1b[31mred\u009b\u202eevil\u2028x\U0001F600\"\\" {
		t.Fatalf("the quoted string does not read back: %v %q", err, back)
	}
}

func TestPrettyBoundsRows(t *testing.T) {
	s := "{\"a\":[" + strings.Repeat("1,", MaxRows) + "1]}"
	if _, ok := Pretty(s); ok {
		t.Fatal("an object of more than MaxRows rows was accepted")
	}
}

func FuzzPretty(f *testing.F) {
	for _, s := range []string{
		`{"level":"info","msg":"hi"}`, `{"a":{"b":[1,2,{"c":null}]}}`, `{}`, `{"x":"\u001b[2J"}`,
		`{"a":"\u202e"}`, `{"a":1e999}`, `{"a":"\ud800"}`, `{ "a" : [ ] }`, `{"a":1}x`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rows, ok := Pretty(s)
		if !ok {
			return
		}
		out := Plain(rows)
		for _, r := range out {
			if r != '\n' && (!unicode.IsGraphic(r) || isBidi(r)) && r != ' ' {
				t.Fatalf("Pretty(%q) has %U in %q", s, r, out)
			}
		}
		var a, b any
		da := json.NewDecoder(strings.NewReader(s))
		da.UseNumber()
		db := json.NewDecoder(strings.NewReader(out))
		db.UseNumber()
		if err := da.Decode(&a); err != nil {
			t.Fatalf("accepted %q that does not decode: %v", s, err)
		}
		if err := db.Decode(&b); err != nil {
			t.Fatalf("pretty form of %q does not decode: %v\n%s", s, err, out)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("pretty form of %q means something else:\n%s", s, out)
		}
	})
}
