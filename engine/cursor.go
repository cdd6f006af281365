package engine

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
)

// Cursor holds one Position per opened file, in table order (filtered by
// the requested sources). It is a value: copying it is cheap and it never
// allocates, because every entry carries one.
//
// Wire form (byte-for-byte microsandbox's): one byte N, then N times
// (inode u64 LE, offset u64 LE), standard base64 with padding.
type Cursor struct {
	n   uint8
	pos [len(fileTable)]Position
}

// NewCursor returns a cursor with the given positions. It panics if given
// more positions than there are file types: that is a programming error,
// never a consequence of input.
func NewCursor(pos ...Position) Cursor {
	var c Cursor
	if len(pos) > len(c.pos) {
		panic("engine: more cursor positions than file types")
	}
	c.n = uint8(len(pos))
	copy(c.pos[:], pos)
	return c
}

// Len is the number of positions.
func (c Cursor) Len() int { return int(c.n) }

// At returns position i.
func (c Cursor) At(i int) Position { return c.pos[i] }

// IsZero reports whether c holds no positions (the zero Cursor).
func (c Cursor) IsZero() bool { return c.n == 0 }

// with returns c with position i set to p.
func (c Cursor) with(i int, p Position) Cursor {
	c.pos[i] = p
	return c
}

// String encodes c in the wire form.
func (c Cursor) String() string {
	return base64.StdEncoding.EncodeToString(c.AppendBinary(nil))
}

// AppendBinary appends the raw (not base64) wire bytes of c to b.
func (c Cursor) AppendBinary(b []byte) []byte {
	b = append(b, c.n)
	for i := 0; i < int(c.n); i++ {
		b = binary.LittleEndian.AppendUint64(b, c.pos[i].Inode)
		b = binary.LittleEndian.AppendUint64(b, c.pos[i].Offset)
	}
	return b
}

// ParseCursor decodes the wire form. It fails with an *InvalidCursorError
// when s is not base64 or its length is not 1+16N, and when N is larger than
// the number of file types sandtail knows.
func ParseCursor(s string) (Cursor, error) {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, &InvalidCursorError{Reason: "not base64: " + err.Error()}
	}
	if len(raw) == 0 {
		return Cursor{}, &InvalidCursorError{Reason: "empty"}
	}
	n := int(raw[0])
	if len(raw) != 1+16*n {
		return Cursor{}, &InvalidCursorError{Reason: fmt.Sprintf("length %d bytes, want 1+16×%d = %d", len(raw), n, 1+16*n)}
	}
	var c Cursor
	if n > len(c.pos) {
		return Cursor{}, &InvalidCursorError{Reason: fmt.Sprintf("%d positions, but there are only %d log files", n, len(c.pos))}
	}
	c.n = uint8(n)
	for i := 0; i < n; i++ {
		rec := raw[1+16*i:]
		c.pos[i] = Position{
			Inode:  binary.LittleEndian.Uint64(rec[0:8]),
			Offset: binary.LittleEndian.Uint64(rec[8:16]),
		}
	}
	return c, nil
}
