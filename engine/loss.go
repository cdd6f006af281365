package engine

import (
	"fmt"
	"strconv"
)

// Loss is what a reader that fell behind rotation knows about what it
// lost of one file type. It never guesses: what cannot be known is zero.
//
// Two things lose data. Files sandtail let go of, unread, to stay within
// its disk budget (Options.HoldBudget) were open until then: their sizes
// are known, so when nothing else was lost the loss is exact. Files that
// rotated out of retention unseen are counted from the filesystem's own
// record of the files created under the live name (inotify on Linux), so
// their count is exact when known, but their sizes were never seen. A
// producer that rotates when the next line would push a file past a fixed
// size (microsandbox does) leaves rotated files that differ by less than a
// line; when the rotated files read show that, each lost file is taken to
// hold at least the smallest of them less the longest line read. Otherwise
// only the count is known.
type Loss struct {
	// Files counts the files lost: let go of and rotated away unseen; 0
	// when not known. With Uncounted, it counts only those let go of.
	Files int64
	// Bytes is what they held: exactly when Exact, otherwise a lower
	// bound; 0 when not known.
	Bytes int64
	// Exact is set when Bytes is exactly what was lost: every file lost
	// was let go of, its size known.
	Exact bool
	// Released counts, of Files, those sandtail let go of unread to stay
	// within its disk budget, which was Budget bytes; ReleasedBytes is
	// exactly what they held (part of Bytes).
	Released      int64
	ReleasedBytes int64
	Budget        int64
	// Uncounted is set when files also rotated away unseen, how many not
	// known.
	Uncounted bool
}

// lossOf is the loss of files whole files of at least perFile bytes each
// (0: size not known).
func lossOf(files, perFile int64) Loss {
	if files <= 0 {
		return Loss{}
	}
	return Loss{Files: files, Bytes: files * max(perFile, 0)}
}

// rotSeen is what the files read of one chain say about the producer's
// rotation: how many rotated files were seen whole, the smallest and the
// largest, and the longest line read.
type rotSeen struct {
	files    int
	min, max int64
	maxLine  int64
}

// file counts a rotated file of size bytes.
func (r *rotSeen) file(size int64) {
	if r.files == 0 || size < r.min {
		r.min = size
	}
	r.max = max(r.max, size)
	r.files++
}

// line counts a line of n bytes.
func (r *rotSeen) line(n int64) { r.maxLine = max(r.maxLine, n) }

// perFile is how many bytes each file lost to rotation held at least, by
// what was seen (0: nothing can be said). A producer that rotates when the
// next line would push a file past a fixed size, as microsandbox does,
// leaves rotated files that differ by less than a line: when every rotated
// file seen is within the longest line read of the others, a lost one held
// at least the smallest of them less that line. Otherwise (files rotated by
// hand, writes of many lines at once, a single file seen) the sizes say
// nothing about the lost ones.
func (r rotSeen) perFile() int64 {
	if r.files < 2 || r.max-r.min > r.maxLine {
		return 0
	}
	return max(r.min-r.maxLine, 0)
}

// Known reports whether anything is known about the loss.
func (l Loss) Known() bool { return l.Files > 0 }

// Amount is the loss in a few words: "3.0 MiB (3145728 bytes)" when exact,
// "at least 195 KiB", "3 files" when their size is not known, "an unknown
// amount".
func (l Loss) Amount() string {
	switch {
	case !l.Known():
		return "an unknown amount"
	case l.Exact:
		return bytesExact(l.Bytes)
	case l.Bytes <= 0:
		return plural(l.Files, "file")
	default:
		return "at least " + bytesAtLeast(l.Bytes)
	}
}

// String is Amount with the files counted and why they were lost: "at
// least 195 KiB (3 files rotated away unread)", "3 files rotated away
// unread, of unknown size", "3.0 MiB (3145728 bytes): 3 files let go of
// unread to stay within the 8 MiB disk budget".
func (l Loss) String() string {
	switch {
	case !l.Known():
		return l.Amount()
	case l.Released == 0 && l.Bytes <= 0:
		return plural(l.Files, "file") + " rotated away unread, of unknown size"
	case l.Released == 0:
		return fmt.Sprintf("%s (%s rotated away unread)", l.Amount(), plural(l.Files, "file"))
	}
	why := fmt.Sprintf("%s let go of unread to stay within the %s disk budget", plural(l.Released, "file"), bytesAtLeast(l.Budget))
	switch unseen := l.Files - l.Released; {
	case l.Uncounted:
		why += "; more rotated away unread, how many not known"
	case unseen > 0 && l.Bytes > l.ReleasedBytes:
		why += fmt.Sprintf("; %s rotated away unread", plural(unseen, "more file"))
	case unseen > 0:
		why += fmt.Sprintf("; %s rotated away unread, of unknown size", plural(unseen, "more file"))
	}
	if l.Exact {
		return l.Amount() + ": " + why
	}
	return fmt.Sprintf("%s (%s)", l.Amount(), why)
}

// bytesExact writes n exactly, with its size in binary units first when
// that reads easier: "3.0 MiB (3145728 bytes)", "512 bytes".
func bytesExact(n int64) string {
	if n < 1024 {
		return plural(n, "byte")
	}
	return fmt.Sprintf("%s (%d bytes)", bytesAtLeast(n), n)
}

func plural(n int64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.FormatInt(n, 10) + " " + word + "s"
}

// bytesAtLeast writes n in binary units, rounded down (one decimal below
// 100 of a unit) so that "at least" stays true: 200,703 bytes is "195 KiB",
// never "196 KiB".
func bytesAtLeast(n int64) string {
	const unit = 1024
	if n < unit {
		return plural(n, "byte")
	}
	units := []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	div, i := int64(unit), 0
	for n/div >= unit && i < len(units)-1 {
		div *= unit
		i++
	}
	whole := n / div
	if whole >= 100 {
		return fmt.Sprintf("%d %s", whole, units[i])
	}
	// In 1/1024ths of the unit first, so that nothing overflows; the
	// floor of a floor is still at most the true tenth.
	tenth := (n % div) / (div / unit) * 10 / unit
	if tenth == 0 {
		return fmt.Sprintf("%d %s", whole, units[i])
	}
	return fmt.Sprintf("%d.%d %s", whole, tenth, units[i])
}
