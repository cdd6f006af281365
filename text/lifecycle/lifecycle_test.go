package lifecycle

import "testing"

func TestDetect(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Event
	}{
		{"--- sandbox started ---", Started},
		{"--- sandbox stopped ---", Stopped},
		{"  --- sandbox started ---\r", Started},
		{"sandbox started", None},
		{"--- sandbox starting ---", None},
		{"--- sandbox started", None},
		{"", None},
		{"------", None},
		{"--- sandbox started --- and more", None},
	} {
		if got := Detect(c.in); got != c.want {
			t.Errorf("Detect(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}

func FuzzDetect(f *testing.F) {
	for _, s := range []string{"--- sandbox started ---", "--- sandbox stopped ---", "---", "- sandbox started -"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if e := Detect(s); e > Stopped {
			t.Fatalf("Detect(%q) = %d", s, e)
		}
	})
}
