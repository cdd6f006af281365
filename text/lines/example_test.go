package lines_test

import (
	"fmt"
	"time"

	"sandtail/engine"
	"sandtail/text/lines"
)

func ExampleJoiner() {
	var j lines.Joiner
	chunks := []string{"hel", "lo\nwor", "ld\n"}
	for _, d := range chunks {
		e := &engine.Entry{Time: time.Unix(0, 0), Source: engine.Stdout, Session: 1, HasSession: true,
			Data: []byte(d), File: "exec.log"}
		j.Split(e, func(p lines.Piece) {
			fmt.Printf("%q start=%v end=%v\n", p.Text, p.Start, p.End)
		})
	}
	// Output:
	// "hel" start=true end=false
	// "lo" start=false end=true
	// "wor" start=true end=false
	// "ld" start=false end=true
}

func ExampleAssembler() {
	var j lines.Joiner
	a := lines.NewAssembler(0)
	show := func(l lines.Line) { fmt.Printf("%q complete=%v\n", l.Text, l.Complete) }
	for _, d := range []string{"hel", "lo\nwor", "ld\nopen"} {
		e := &engine.Entry{Source: engine.Stdout, Session: 1, HasSession: true, Data: []byte(d), File: "exec.log"}
		j.Split(e, func(p lines.Piece) { a.Add(p, show) })
	}
	a.Flush(show) // the end of a bounded read
	// Output:
	// "hello" complete=true
	// "world" complete=true
	// "open" complete=false
}
