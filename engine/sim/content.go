package sim

import (
	"math/rand/v2"
	"strconv"
	"time"
)

// This file holds what the simulated programs say. Every generator appends
// whole program lines to dst, each carrying the token " seq=N" exactly once,
// right before its line ending, so a test can find it with `seq=(\d+)`.

// appendSeq ends a program line: " seq=N" and the line ending.
func appendSeq(dst []byte, seq int64, eol string) []byte {
	dst = append(dst, seqToken...)
	dst = strconv.AppendInt(dst, seq, 10)
	return append(dst, eol...)
}

// pick returns one element of xs.
func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// clockText formats the current time the ways program lines embed it, each
// only when asked and at most once per second, millisecond or microsecond:
// flat out, thousands of lines share one.
type clockText struct {
	t                       time.Time
	sec, ms, us             int64 // what each cached text shows
	accessB, milliB, microB []byte
}

// set makes t the time the texts show.
func (c *clockText) set(t time.Time) { c.t = t.UTC() }

// access is the access-log form: 29/Nov/2026:02:16:37 +0000.
func (c *clockText) access() []byte {
	if s := c.t.Unix(); s != c.sec || c.accessB == nil {
		c.sec = s
		c.accessB = c.t.AppendFormat(c.accessB[:0], "02/Jan/2006:15:04:05 -0700")
	}
	return c.accessB
}

// milli is RFC 3339 with milliseconds and Z.
func (c *clockText) milli() []byte {
	if ms := c.t.UnixMilli(); ms != c.ms || c.milliB == nil {
		c.ms = ms
		c.milliB = c.t.AppendFormat(c.milliB[:0], "2006-01-02T15:04:05.000Z")
	}
	return c.milliB
}

// micro is RFC 3339 with microseconds and Z, as tracing writes it.
func (c *clockText) micro() []byte {
	if us := c.t.UnixMicro(); us != c.us || c.microB == nil {
		c.us = us
		c.microB = c.t.AppendFormat(c.microB[:0], "2006-01-02T15:04:05.000000Z")
	}
	return c.microB
}

var (
	httpMethods = []string{"GET", "GET", "GET", "GET", "GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "HEAD"}
	httpPaths   = []string{"/", "/healthz", "/api/v1/items/", "/api/v1/users/", "/api/v1/orders?page=", "/static/app.js?v=", "/login", "/api/v1/search?q=sandbox&page="}
	httpAgents  = []string{`"-" "curl/8.5.0"`, `"https://shop.example/" "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"`, `"-" "Go-http-client/1.1"`, `"-" "kube-probe/1.29"`}
	// httpStatus is weighted by repetition: mostly 200, some redirects and errors.
	httpStatus = []int{200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 201, 204, 304, 304, 301, 400, 401, 404, 404, 500, 502}
)

// appendWebLine appends one access-log line of a web server (stdout).
func appendWebLine(dst []byte, r *rand.Rand, c *clockText, seq int64) []byte {
	dst = append(dst, "10.0."...)
	dst = strconv.AppendInt(dst, int64(r.IntN(8)), 10)
	dst = append(dst, '.')
	dst = strconv.AppendInt(dst, int64(2+r.IntN(250)), 10)
	dst = append(dst, " - - ["...)
	dst = append(dst, c.access()...)
	dst = append(dst, `] "`...)
	dst = append(dst, pick(r, httpMethods)...)
	dst = append(dst, ' ')
	path := pick(r, httpPaths)
	dst = append(dst, path...)
	if last := path[len(path)-1]; last == '/' || last == '=' {
		dst = strconv.AppendInt(dst, int64(r.IntN(5000)), 10)
	}
	dst = append(dst, ` HTTP/1.1" `...)
	status := pick(r, httpStatus)
	dst = strconv.AppendInt(dst, int64(status), 10)
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, int64(r.IntN(40000)), 10)
	if r.IntN(4) == 0 {
		dst = append(dst, ' ')
		dst = append(dst, pick(r, httpAgents)...)
	}
	// Latency in seconds, mostly milliseconds with a long tail.
	lat := r.ExpFloat64() * 0.02
	if status >= 500 {
		lat += 1.5
	}
	dst = append(dst, " rt="...)
	dst = strconv.AppendFloat(dst, lat, 'f', 3, 64)
	return appendSeq(dst, seq, "\n")
}

var (
	workerQueues = []string{"emails", "thumbnails", "billing", "webhooks"}
	workerWarns  = []string{
		`msg="upstream slow, retrying" url=https://api.internal/v2/charge attempt=2 backoff=400ms`,
		`msg="queue depth high" depth=1843 limit=1000`,
		`msg="job failed" err="context deadline exceeded" retry=true`,
		`msg="dial tcp 10.0.4.9:5432: connect: connection refused" attempt=3`,
	}
)

// appendWorkerLine appends one structured log line of a background worker;
// warn selects a stderr-style warning.
func appendWorkerLine(dst []byte, r *rand.Rand, c *clockText, seq int64, warn bool) []byte {
	dst = append(dst, "time="...)
	dst = append(dst, c.milli()...)
	if warn {
		if r.IntN(4) == 0 {
			dst = append(dst, " level=ERROR "...)
		} else {
			dst = append(dst, " level=WARN "...)
		}
		dst = append(dst, pick(r, workerWarns)...)
		return appendSeq(dst, seq, "\n")
	}
	switch r.IntN(10) {
	case 0:
		dst = append(dst, ` level=DEBUG msg=poll queue=`...)
		dst = append(dst, pick(r, workerQueues)...)
		dst = append(dst, " depth="...)
		dst = strconv.AppendInt(dst, int64(r.IntN(200)), 10)
	case 1:
		dst = append(dst, ` level=INFO msg="résumé rendered ✓" pages=`...)
		dst = strconv.AppendInt(dst, int64(1+r.IntN(9)), 10)
	default:
		dst = append(dst, ` level=INFO msg="job done" queue=`...)
		dst = append(dst, pick(r, workerQueues)...)
		dst = append(dst, " job="...)
		dst = strconv.AppendInt(dst, int64(10000+r.IntN(90000)), 10)
		dst = append(dst, " took="...)
		dst = strconv.AppendInt(dst, int64(1+r.ExpFloat64()*120), 10)
		dst = append(dst, "ms"...)
	}
	return appendSeq(dst, seq, "\n")
}

// appendBinaryLine appends a line of raw, non-UTF-8 bytes, as a program
// dumping a binary frame writes it; exec.log must carry it base64.
func appendBinaryLine(dst []byte, r *rand.Rand, seq int64) []byte {
	dst = append(dst, "frame="...)
	for n := 8 + r.IntN(24); n > 0; n-- {
		dst = append(dst, byte(0x80+r.IntN(0x80)))
	}
	return appendSeq(dst, seq, "\n")
}

// goPanic is a Go panic report; each line gets its seq token appended.
var goPanic = []string{
	"panic: runtime error: index out of range [5] with length 5",
	"goroutine 17 [running]:",
	"main.(*Worker).process(0xc000124000, {0xc00001e0c0, 0x5, 0x8})",
	"\t/app/worker.go:87 +0x1d4",
	"main.(*Worker).Run(0xc000124000, {0x7f3a1c, 0xc000010048})",
	"\t/app/worker.go:52 +0x9e",
	"created by main.main in goroutine 1",
	"\t/app/main.go:31 +0x145",
	"exit status 2",
}

// appendPanic appends a Go panic stack trace (stderr), advancing *seq.
func appendPanic(dst []byte, seq *int64) []byte {
	for _, l := range goPanic {
		*seq++
		dst = appendSeq(append(dst, l...), *seq, "\n")
	}
	return dst
}

var (
	crates    = []string{"serde v1.0.197", "tokio v1.37.0", "libc v0.2.153", "regex-syntax v0.8.3", "hyper v1.3.1", "sandtail-demo v0.1.0 (/src)", "unicode-width v0.1.12"}
	testNames = []string{"parser::tests::roundtrip", "relay::tests::split_chunks", "vm::tests::boot_timeout", "net::tests::dns_fallback", "fs::tests::überlong_paths"}
)

// appendPTYLine appends one line of a build-and-test run on a terminal:
// SGR colour, \r progress redraws and erase-line sequences, CRLF endings.
func appendPTYLine(dst []byte, r *rand.Rand, seq int64) []byte {
	const eol = "\r\n"
	switch n := r.IntN(20); {
	case n < 9:
		dst = append(dst, "\x1b[1m\x1b[32m   Compiling\x1b[0m "...)
		dst = append(dst, pick(r, crates)...)
	case n < 12:
		// A progress bar redrawn in place; the line ends on its last state.
		steps := 2 + r.IntN(5)
		for i := 0; i < steps; i++ {
			pct := i * 100 / steps
			dst = append(dst, "\x1b[2K\r\x1b[36mDownloading\x1b[0m ["...)
			for j := 0; j < 20; j++ {
				if j*5 < pct {
					dst = append(dst, '#')
				} else {
					dst = append(dst, ' ')
				}
			}
			dst = append(dst, "] "...)
			dst = strconv.AppendInt(dst, int64(pct), 10)
			dst = append(dst, '%')
		}
		dst = append(dst, "\x1b[2K\r\x1b[32mDownloaded\x1b[0m ["...)
		dst = append(dst, "####################] 100%"...)
	case n < 18:
		dst = append(dst, "test "...)
		dst = append(dst, pick(r, testNames)...)
		dst = append(dst, '_')
		dst = strconv.AppendInt(dst, int64(r.IntN(100)), 10)
		if r.IntN(25) == 0 {
			dst = append(dst, " ... \x1b[31mFAILED\x1b[0m"...)
		} else {
			dst = append(dst, " ... \x1b[32mok\x1b[0m"...)
		}
	case n < 19:
		dst = append(dst, "\x1b[1m✓\x1b[0m "...)
		dst = strconv.AppendInt(dst, int64(10+r.IntN(90)), 10)
		dst = append(dst, " passed — 日本語のテスト含む ("...)
		dst = strconv.AppendFloat(dst, r.Float64()*3, 'f', 2, 64)
		dst = append(dst, "s)"...)
	default:
		dst = append(dst, "\x1b[33mwarning\x1b[0m\x1b[1m: unused variable: `café`\x1b[0m"...)
	}
	return appendSeq(dst, seq, eol)
}

var (
	runtimeTargets = []string{"msb_runtime::relay", "msb_runtime::vm", "msb_runtime::net", "msb_runtime::fs", "msb_agent::session"}
	runtimeInfo    = []string{
		"forwarded chunk bytes=1532",
		"virtio-fs request completed op=LOOKUP latency_us=41",
		"dns query resolved name=api.internal answers=1",
		"balloon stats available_mib=612 total_mib=1024",
		"session heartbeat ok",
		"vsock stream accepted port=1024",
	}
	runtimeWarn = []string{
		"relay backpressure: guest writes paused for 12ms",
		"slow fs request op=READ latency_us=18233",
		"tcp connect to 10.0.4.9:5432 refused; retrying",
	}
	// runtimeBare are lines tracing writes without a timestamp: span context
	// and source locations under an event.
	runtimeBare = []string{
		"    in msb_runtime::vm::run with vcpus=2 memory_mib=1024",
		"    at crates/msb-runtime/src/relay.rs:214",
		"note: run with `RUST_LOG=debug` for more detail",
	}
)

// appendRuntimeLine appends one runtime.log diagnostic in tracing's text
// format, sometimes with ANSI colour, sometimes without a timestamp.
func appendRuntimeLine(dst []byte, r *rand.Rand, c *clockText) []byte {
	n := r.IntN(20)
	if n == 0 {
		return append(append(dst, pick(r, runtimeBare)...), '\n')
	}
	level, msgs := " INFO ", runtimeInfo
	switch {
	case n < 3:
		level, msgs = " WARN ", runtimeWarn
	case n < 6:
		level = "DEBUG "
	}
	if n == 1 {
		// tracing with ANSI on: dim timestamp, coloured level.
		dst = append(dst, "\x1b[2m"...)
		dst = append(dst, c.micro()...)
		dst = append(dst, "\x1b[0m \x1b[33m"...)
		dst = append(dst, level...)
		dst = append(dst, "\x1b[0m\x1b[2m"...)
		dst = append(dst, pick(r, runtimeTargets)...)
		dst = append(dst, ":\x1b[0m "...)
	} else {
		dst = append(dst, c.micro()...)
		dst = append(dst, ' ')
		dst = append(dst, level...)
		dst = append(dst, pick(r, runtimeTargets)...)
		dst = append(dst, ": "...)
	}
	dst = append(dst, pick(r, msgs)...)
	return append(dst, '\n')
}

// kernelBoot is the start of a guest kernel's console, uptime in seconds.
var kernelBoot = []struct {
	up   float64
	text string
}{
	{0, "Linux version 6.6.58 (msb@build) (gcc (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC"},
	{0, "Command line: console=hvc0 root=virtiofs:rootfs rw quiet init=/sbin/msb-agent"},
	{0, "KERNEL supported cpus:"},
	{0, "  Intel GenuineIntel"},
	{0, "  AMD AuthenticAMD"},
	{0, "BIOS-provided physical RAM map:"},
	{0, "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable"},
	{0.000012, "DMI not present or invalid."},
	{0.001204, "Hypervisor detected: KVM"},
	{0.004330, "Memory: 1004428K/1048180K available (16384K kernel code, 2740K rwdata)"},
	{0.011120, "rcu: Hierarchical RCU implementation."},
	{0.102345, "smp: Brought up 1 node, 2 CPUs"},
	{0.140211, "virtio_blk virtio1: [vda] 4194304 512-byte logical blocks (2.15 GB/2.00 GiB)"},
	{0.151877, "virtio_net virtio2 eth0: renamed from eth0"},
	{0.163002, "virtiofs virtio3: discovered new tag: rootfs"},
	{0.201456, "EXT4-fs (vda): mounted filesystem 3c8f0c8e-1d9a-4b51-9a2b-6f4e1f0c2d11 r/w with ordered data mode. Quota mode: none."},
	{0.240123, "Run /sbin/msb-agent as init process"},
}

var kernelLater = []string{
	"virtio_net virtio2 eth0: link up",
	"EXT4-fs (vda): re-mounted. Quota mode: none.",
	"msb-agent[1]: session spawned",
	"hrtimer: interrupt took 41208 ns",
	"random: crng init done",
	"TCP: request_sock_TCP: Possible SYN flooding on port 8080. Sending cookies.",
}

// appendKernelUptime appends a console timestamp "[   12.345678]".
func appendKernelUptime(dst []byte, up float64) []byte {
	s := strconv.FormatFloat(up, 'f', 6, 64)
	dst = append(dst, '[')
	for i := len(s); i < 12; i++ {
		dst = append(dst, ' ')
	}
	dst = append(dst, s...)
	return append(dst, "] "...)
}

// hostilePayloads are known attacks through displayed logs (escape
// sequences that would retitle, clear or take over the terminal that shows
// them), as an untrusted program could print them. Each is followed on its line by the
// seq token, so a test can also check that nothing after an attack is lost.
var hostilePayloads = []string{
	"\x1b]52;c;cm0gLXJmIC8K\x07clipboard write",       // OSC 52 (BEL)
	"\x1b]52;c;ZWNobyBwd25lZAo=\x1b\\clipboard write", // OSC 52 (ST)
	"\x1b]0;pwned title\x07\x1b[21ttitle set and report",
	"\x1b]8;;https://evil.example/\x1b\\https://bank.example/\x1b]8;;\x1b\\ lying link",
	"\x1bP+q544e\x1b\\\x1b_apc\x1b\\\x1b^pm\x1b\\\x1bXsos\x1b\\ DCS APC PM SOS",
	"\x1b[2J\x1b[H\x1b[10A\x1b[K cursor moves and erases",
	"\x1b[?1049h\x1b[?1000h\x1b[?2004h mode sets",
	"\x1b[6n\x1b[c\x1b[>c device queries",
	"\x9b31mraw C1 CSI",
	"\u202egnp.exe bidi override\u202c",
	"rm -rf /\rls -la",
	"abc\b\b\bxyz backspace overstrike",
	"\x1b]0;unterminated title with no end",
	"wide 表示 emoji 👩‍💻 zero\u200bwidth combining e\u0301\u0301\u0301",
	"\x1b[38;2;999;0;0m\x1b[38;5;300m\x1b[99999999999mbad SGR\x1b[0m",
}

// HostilePayloads returns the attacks the Hostile workload writes, so a
// sanitiser's tests can check each one without keeping a copy of the list.
func HostilePayloads() []string {
	return append([]string(nil), hostilePayloads...)
}

// appendHostileLine appends one line carrying a terminal attack.
func appendHostileLine(dst []byte, r *rand.Rand, seq int64, eol string) []byte {
	dst = append(dst, pick(r, hostilePayloads)...)
	return appendSeq(dst, seq, eol)
}
