// Package jsonview pretty-prints a log line that is one JSON object, for
// the viewer's expanded view: indented, one member per row, each piece
// tagged with its kind so the caller can colour keys and values.
//
// Every string is written back as a JSON string in which anything a
// terminal could act on (control characters, C1 codes, bidi controls,
// line separators) is a \u escape, so the rows are safe to draw and to
// copy, and the copy is still valid JSON.
package jsonview

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind is what a piece of a row is.
type Kind uint8

const (
	Indent  Kind = iota // leading spaces
	Punct               // { } [ ] : ,
	Key                 // an object member's name, quoted
	String              // a string value, quoted
	Literal             // a number, true, false or null
)

// Span is one piece of a row.
type Span struct {
	Kind Kind
	Text string
}

// Row is one row of the pretty form.
type Row []Span

// Plain is the row's text without kinds.
func (r Row) Plain() string {
	var b strings.Builder
	for _, s := range r {
		b.WriteString(s.Text)
	}
	return b.String()
}

// MaxInput bounds the text Pretty takes; MaxRows bounds the rows it
// makes. A line longer than that is not shown expanded.
const (
	MaxInput = 1 << 20
	MaxRows  = 20000
)

// indentUnit is one level of indentation.
const indentUnit = "  "

// IsObject reports cheaply whether s may be a JSON object: its first and
// last non-space bytes are braces. Pretty decides for sure.
func IsObject(s string) bool {
	s = strings.TrimSpace(s)
	return len(s) >= 2 && s[0] == '{' && s[len(s)-1] == '}'
}

// Pretty returns the rows of s pretty-printed, with the members in the
// order they were written; ok is false when s is not exactly one JSON
// object (or is larger than MaxInput, or would take more than MaxRows).
func Pretty(s string) (rows []Row, ok bool) {
	if len(s) > MaxInput || !IsObject(s) {
		return nil, false
	}
	p := &printer{dec: json.NewDecoder(strings.NewReader(s))}
	p.dec.UseNumber()
	if !p.value(0) {
		return nil, false
	}
	if _, err := p.dec.Token(); err != io.EOF {
		return nil, false // something after the object
	}
	p.flush()
	return p.rows, true
}

// Plain joins rows into text, one row a line, without a final newline.
func Plain(rows []Row) string {
	var b strings.Builder
	for i, r := range rows {
		if i > 0 {
			b.WriteByte('\n')
		}
		for _, s := range r {
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

type printer struct {
	dec  *json.Decoder
	rows []Row
	cur  Row
}

func (p *printer) add(k Kind, text string) { p.cur = append(p.cur, Span{k, text}) }

// newRow ends the current row and starts one indented depth levels.
func (p *printer) newRow(depth int) bool {
	p.flush()
	if depth > 0 {
		p.add(Indent, strings.Repeat(indentUnit, depth))
	}
	return len(p.rows) < MaxRows
}

func (p *printer) flush() {
	if len(p.cur) > 0 {
		p.rows = append(p.rows, p.cur)
		p.cur = nil
	}
}

// value prints the next value at depth; false on bad JSON or too many
// rows.
func (p *printer) value(depth int) bool {
	tok, err := p.dec.Token()
	if err != nil {
		return false
	}
	switch t := tok.(type) {
	case json.Delim:
		if t != '{' && t != '[' {
			return false
		}
		return p.container(t, depth)
	case string:
		p.add(String, Quote(t))
	case json.Number:
		p.add(Literal, t.String())
	case bool:
		if t {
			p.add(Literal, "true")
		} else {
			p.add(Literal, "false")
		}
	case nil:
		p.add(Literal, "null")
	default:
		return false
	}
	return true
}

// container prints an object or array whose opening delimiter was read.
func (p *printer) container(open json.Delim, depth int) bool {
	closing := "}"
	if open == '[' {
		closing = "]"
	}
	p.add(Punct, string(open))
	if !p.dec.More() {
		if _, err := p.dec.Token(); err != nil {
			return false
		}
		p.add(Punct, closing)
		return true
	}
	for p.dec.More() {
		if !p.newRow(depth + 1) {
			return false
		}
		if open == '{' {
			tok, err := p.dec.Token()
			k, isKey := tok.(string)
			if err != nil || !isKey {
				return false
			}
			p.add(Key, Quote(k))
			p.add(Punct, ": ")
		}
		if !p.value(depth + 1) {
			return false
		}
		if p.dec.More() {
			p.add(Punct, ",")
		}
	}
	if _, err := p.dec.Token(); err != nil {
		return false
	}
	if !p.newRow(depth) {
		return false
	}
	p.add(Punct, closing)
	return true
}

// Quote writes s as a JSON string in which every character a terminal
// could act on, and every character that is not graphic, is a \u escape.
func Quote(s string) string {
	var b bytes.Buffer
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == utf8.RuneError || (!unicode.IsGraphic(r) && r != ' ') || isBidi(r):
			writeEscape(&b, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

const hexDigits = "0123456789abcdef"

// writeEscape writes r as \uXXXX, as a surrogate pair beyond the BMP.
func writeEscape(b *bytes.Buffer, r rune) {
	if r > 0xffff {
		r -= 0x10000
		writeEscape(b, 0xd800+(r>>10))
		writeEscape(b, 0xdc00+(r&0x3ff))
		return
	}
	b.WriteString(`\u`)
	for shift := 12; shift >= 0; shift -= 4 {
		b.WriteByte(hexDigits[r>>uint(shift)&0xf])
	}
}

// isBidi reports the graphic-looking runes that reorder text: marks,
// embeddings, overrides and isolates. Most are not graphic anyway; this
// keeps the promise independent of the Unicode tables.
func isBidi(r rune) bool {
	switch {
	case r == 0x061c, r == 0x200e, r == 0x200f:
		return true
	case r >= 0x202a && r <= 0x202e:
		return true
	case r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}
