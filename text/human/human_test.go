package human

import "testing"

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{
		-1: "0 B", 0: "0 B", 812: "812 B", 1023: "1023 B", 1024: "1 KiB", 1536: "1.5 KiB",
		10 << 10: "10 KiB", 51_200: "50 KiB", 1023 << 10: "1023 KiB", 5 << 20: "5 MiB",
		12_700_000: "12.1 MiB", 3 << 30: "3 GiB",
	} {
		got := Bytes(n)
		if got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
		if len(got) > 8 {
			t.Errorf("Bytes(%d) = %q is wider than eight cells", n, got)
		}
	}
}
