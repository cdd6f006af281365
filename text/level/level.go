// Package level recognises the severity of a log line: the level word that
// starts a tracing line (runtime.log's "INFO runtime: …"), a logfmt
// "level=warn" field and a JSON "level":"error" member. The viewer colours
// and filters lines by it.
package level

import "strings"

// Level is a line's severity; None is a line that states none. Levels are
// ordered, so a minimum is a comparison.
type Level uint8

const (
	None Level = iota
	Trace
	Debug
	Info
	Warn
	Error // error, and the fatal levels above it (fatal, panic, critical)
)

// String is the level's lower-case name ("" for None).
func (l Level) String() string {
	switch l {
	case Trace:
		return "trace"
	case Debug:
		return "debug"
	case Info:
		return "info"
	case Warn:
		return "warn"
	case Error:
		return "error"
	}
	return ""
}

// Letter is the one-letter marker of the level, the way the viewer shows
// it next to a line ("" for None). It is what tells levels apart when
// there is no colour.
func (l Level) Letter() string {
	switch l {
	case Trace:
		return "T"
	case Debug:
		return "D"
	case Info:
		return "I"
	case Warn:
		return "W"
	case Error:
		return "E"
	}
	return ""
}

// scanLimit bounds how far into a line Detect looks for a level field: a
// level is stated near the start, and a multi-kilobyte line must not make
// every line cost its length.
const scanLimit = 2048

// Detect returns the level a line states, or None. s is the line's plain
// text (no escape sequences). A tracing line's level is its first word, in
// capitals as tracing writes it; a logfmt or JSON level may be in any case.
func Detect(s string) Level {
	if len(s) > scanLimit {
		s = s[:scanLimit]
	}
	if l := leadingWord(s); l != None {
		return l
	}
	for from := 0; from < len(s); {
		i := strings.Index(s[from:], "level")
		if i < 0 {
			return None
		}
		i += from
		from = i + len("level")
		if l := logfmtAt(s, i); l != None {
			return l
		}
		if l := jsonAt(s, i); l != None {
			return l
		}
	}
	return None
}

// leadingWord reads a tracing level at the start of s: "INFO …", "WARN:",
// "[ERROR] …". Only capitals count, so prose that starts with "Error"
// or "info" is not taken for a level.
func leadingWord(s string) Level {
	s = strings.TrimLeft(s, " ")
	s = strings.TrimPrefix(s, "[")
	end := 0
	for end < len(s) && s[end] >= 'A' && s[end] <= 'Z' {
		end++
	}
	if end == 0 {
		return None
	}
	if end < len(s) {
		switch s[end] {
		case ' ', ':', ']', '\t':
		default:
			return None
		}
	}
	return named(s[:end], false)
}

// logfmtAt reads "level=value" at s[i:], where "level" must start a field.
func logfmtAt(s string, i int) Level {
	if i > 0 && s[i-1] != ' ' && s[i-1] != '\t' {
		return None
	}
	v := s[i+len("level"):]
	if !strings.HasPrefix(v, "=") {
		return None
	}
	v = v[1:]
	if strings.HasPrefix(v, `"`) {
		v = v[1:]
		end := strings.IndexByte(v, '"')
		if end < 0 {
			return None
		}
		return named(v[:end], true)
	}
	end := strings.IndexAny(v, " \t")
	if end < 0 {
		end = len(v)
	}
	return named(v[:end], true)
}

// jsonAt reads `"level":"value"` where s[i:] starts the key's name.
func jsonAt(s string, i int) Level {
	if i == 0 || s[i-1] != '"' {
		return None
	}
	v := s[i+len("level"):]
	if !strings.HasPrefix(v, `"`) {
		return None
	}
	v = strings.TrimLeft(v[1:], " \t")
	if !strings.HasPrefix(v, ":") {
		return None
	}
	v = strings.TrimLeft(v[1:], " \t")
	if !strings.HasPrefix(v, `"`) {
		return None
	}
	v = v[1:]
	end := strings.IndexByte(v, '"')
	if end < 0 {
		return None
	}
	return named(v[:end], true)
}

// named maps a level name to its level; anyCase allows "Warn" and "warn"
// (fields), otherwise only capitals (a tracing line's first word).
func named(name string, anyCase bool) Level {
	if len(name) > 8 {
		return None
	}
	if anyCase {
		name = strings.ToUpper(name)
	}
	switch name {
	case "TRACE", "TRC":
		return Trace
	case "DEBUG", "DBG":
		return Debug
	case "INFO", "INF":
		return Info
	case "WARN", "WARNING", "WRN":
		return Warn
	case "ERROR", "ERR", "FATAL", "PANIC", "CRIT", "CRITICAL":
		return Error
	}
	return None
}
