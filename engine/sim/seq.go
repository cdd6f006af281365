package sim

import "bytes"

// seqToken starts the sequence token every program line carries.
const seqToken = " seq="

// ParseSeq returns N from the "seq=N" token of one program line as Run
// writes it (a line holds exactly one, just before its line end), and false
// when the line has none. Tests that read Run's output back use it to check
// that each session's lines run 1, 2, 3… with nothing lost or repeated.
func ParseSeq(line []byte) (int64, bool) {
	i := bytes.LastIndex(line, []byte(seqToken))
	if i < 0 {
		return 0, false
	}
	var n int64
	digits := 0
	for _, c := range line[i+len(seqToken):] {
		if c < '0' || c > '9' {
			break
		}
		if n > (1<<62)/10 {
			return 0, false
		}
		n = n*10 + int64(c-'0')
		digits++
	}
	return n, digits > 0
}
