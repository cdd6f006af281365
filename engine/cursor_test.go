package engine

import (
	"encoding/base64"
	"errors"
	"testing"
)

func TestCursorWireFormat(t *testing.T) {
	c := NewCursor(Position{Inode: 0x0102030405060708, Offset: 9}, Position{Inode: 1, Offset: 1 << 40})
	raw, err := base64.StdEncoding.DecodeString(c.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != 33 || raw[0] != 2 || raw[1] != 0x08 || raw[8] != 0x01 || raw[9] != 9 {
		t.Fatalf("wire bytes % x", raw)
	}
	back, err := ParseCursor(c.String())
	if err != nil || back != c {
		t.Fatalf("round trip: %v %v", back, err)
	}
	for _, bad := range []string{"!!!", "", base64.StdEncoding.EncodeToString([]byte{1, 2, 3}), base64.StdEncoding.EncodeToString(make([]byte, 1+16*4))} {
		_, err := ParseCursor(bad)
		var ic *InvalidCursorError
		if !errors.As(err, &ic) || !errors.Is(err, ErrInvalidCursor) {
			t.Errorf("%q: got %v", bad, err)
		}
	}
}
