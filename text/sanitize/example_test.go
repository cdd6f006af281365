package sanitize_test

import (
	"fmt"

	"sandtail/text/sanitize"
)

func ExampleLine() {
	hostile := []byte("\x1b]0;pwned\x07\x1b[31mred\x1b[0m \x1b]8;;https://evil/\x1b\\link\x1b]8;;\x1b\\")
	r := sanitize.Line(hostile, sanitize.Options{Color: true})
	fmt.Printf("%q\n%q width %d\n", r.Styled, r.Plain, r.Width)
	// Output:
	// "␛]0;pwned␇\x1b[31mred\x1b[39m link"
	// "␛]0;pwned␇red link" width 18
}

func ExampleLine_overstrike() {
	r := sanitize.Line([]byte("rm -rf /\rls -la"), sanitize.Options{})
	fmt.Printf("%q overstruck %v\n", r.Plain, r.Overstruck)
	raw := sanitize.Line([]byte("rm -rf /\rls -la"), sanitize.Options{Raw: true})
	fmt.Printf("%q\n", raw.Plain)
	// Output:
	// "ls -la /" overstruck true
	// "rm -rf /␍ls -la"
}

func ExamplePlain() {
	fmt.Println(sanitize.Plain("open /tmp/x\x1b]0;pwned\x07: no such file\n"))
	// Output: open /tmp/x␛]0;pwned␇: no such file␤
}
