package engine

import (
	"fmt"
	"strconv"
)

// Loss is what a reader that fell behind rotation knows about what it
// lost of one file type. It never guesses: what cannot be known is zero.
//
// Files that rotated out of retention unseen are counted from the
// filesystem's own record of the files created under the live name
// (inotify on Linux), so the count is exact when known. Their sizes were
// never seen. A producer that rotates when the next line would push a file
// past a fixed size (microsandbox does) leaves rotated files that differ by
// less than a line; when the rotated files read show that, each lost file
// is taken to hold at least the smallest of them less the longest line
// read. Otherwise only the count is known.
type Loss struct {
	// Files counts the files created and rotated out of retention without
	// being opened; 0 when not known.
	Files int64
	// Bytes is a lower bound of the bytes in them; 0 when not known.
	Bytes int64
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

// Amount is the loss in a few words: "at least 195 KiB", "3 files" when
// their size is not known, "an unknown amount".
func (l Loss) Amount() string {
	switch {
	case !l.Known():
		return "an unknown amount"
	case l.Bytes <= 0:
		return plural(l.Files, "file")
	default:
		return "at least " + bytesAtLeast(l.Bytes)
	}
}

// String is Amount with the count of files: "at least 195 KiB (3 files
// rotated away unread)", "3 files rotated away unread, of unknown size".
func (l Loss) String() string {
	switch {
	case !l.Known():
		return l.Amount()
	case l.Bytes <= 0:
		return plural(l.Files, "file") + " rotated away unread, of unknown size"
	}
	return fmt.Sprintf("%s (%s rotated away unread)", l.Amount(), plural(l.Files, "file"))
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
