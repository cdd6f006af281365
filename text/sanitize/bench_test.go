package sanitize

import (
	"strings"
	"testing"
)

// Realistic and hostile lines of about 100 bytes.
var benchLines = []struct{ name, line string }{
	{"ascii", `2026-04-30T20:32:59.688Z INFO server: listening on 0.0.0.0:8080 (pid 4242, workers 8, tls off) ready`},
	{"sgr", "\x1b[2m2026-04-30T20:32:59Z\x1b[0m \x1b[32mINFO\x1b[0m \x1b[1mserver\x1b[0m: listening on \x1b[36m0.0.0.0:8080\x1b[0m ok"},
	{"crlf", "2026-04-30T20:32:59.688Z INFO server: listening on 0.0.0.0:8080 (pid 4242, workers 8) ready\r"},
	{"tabs", "name\tstatus\tcpu\tmem\tuptime\tcommand web-1\trunning\t12%\t128M\t3d\t/usr/bin/server --port 8080"},
	{"utf8", "2026-04-30 ユーザー登録が完了しました: 田中太郎 (id=42) ✅ café naïve résumé 👍"},
	{"progress", "Downloading  10% [##        ]\r\x1b[KDownloading  50% [#####     ]\r\x1b[KDownloading 100% [##########]"},
	{"hostile", "\x1b]0;pwned\x07\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\x1b[?1049h\x9b6n\u202eexe.txt\x1bP+q\x1b\\rm -rf /\rls"},
	{"zalgo", "Z" + strings.Repeat("\u0336", 20) + "A" + strings.Repeat("\u0334", 20) + "L"},
}

func BenchmarkLine(b *testing.B) {
	for _, bl := range benchLines {
		in := []byte(bl.line)
		for _, o := range []struct {
			name string
			opt  Options
		}{{"plain", Options{}}, {"color", Options{Color: true, MarkStyle: true}}} {
			b.Run(bl.name+"/"+o.name, func(b *testing.B) {
				b.SetBytes(int64(len(in)))
				b.ReportAllocs()
				for b.Loop() {
					Line(in, o.opt)
				}
			})
		}
	}
}

func BenchmarkLineString(b *testing.B) {
	for _, bl := range benchLines[:3] {
		b.Run(bl.name, func(b *testing.B) {
			b.SetBytes(int64(len(bl.line)))
			b.ReportAllocs()
			for b.Loop() {
				LineString(bl.line, Options{Color: true})
			}
		})
	}
}

func BenchmarkLineLong(b *testing.B) {
	in := []byte(strings.Repeat("\x1b[31mred\x1b[m and some text, ", 1<<12)) // ~130 KiB
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		Line(in, Options{Color: true})
	}
}
