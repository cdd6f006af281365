package engine

// Format is how a file's lines are parsed.
type Format uint8

const (
	FormatJSONL Format = iota // exec.log: one JSON record per line
	FormatText                // runtime.log, kernel.log: one system entry per line
)

// FileType is one row of the table of files a sandbox writes.
type FileType struct {
	Name     string  // file name inside the log directory
	Format   Format  // how its lines are parsed
	Rotates  bool    // renamed to Name.1 … Name.4 when it grows past the limit
	Produces Sources // sources its entries can have
}

// maxRotations is the number of rotated files the producer keeps (Name.1 … Name.4).
const maxRotations = 4

// fileTable is every file a sandbox writes, in cursor order. Adding a file
// type is one new row here: readers are opened for the rows whose sources
// intersect the requested ones, and cursors size themselves from this table.
var fileTable = [...]FileType{
	{Name: "exec.log", Format: FormatJSONL, Rotates: true, Produces: AllSources},
	{Name: "runtime.log", Format: FormatText, Rotates: true, Produces: 1 << System},
	{Name: "kernel.log", Format: FormatText, Rotates: false, Produces: 1 << System},
}

// Has reports whether s contains src.
func (s Sources) Has(src Source) bool { return s&(1<<src) != 0 }

// With returns s with src added.
func (s Sources) With(src Source) Sources { return s | 1<<src }

// Without returns s with src removed.
func (s Sources) Without(src Source) Sources { return s &^ (1 << src) }

// orDefault returns DefaultSources for an empty set.
func (s Sources) orDefault() Sources {
	if s == 0 {
		return DefaultSources
	}
	return s
}

var sourceNames = [numSources]string{"stdout", "stderr", "output", "system"}

// String returns the source's name as written in exec.log ("stdout", …).
func (s Source) String() string {
	if s < numSources {
		return sourceNames[s]
	}
	return "unknown"
}

// ParseSource turns a name as written in exec.log into a Source.
func ParseSource(name string) (Source, bool) {
	for i, n := range sourceNames {
		if n == name {
			return Source(i), true
		}
	}
	return 0, false
}

// AllSourceList lists every source in display order.
func AllSourceList() []Source { return []Source{Stdout, Stderr, Output, System} }

// openedFiles returns the indexes into fileTable of the files read for the
// requested sources, in table order: the order of a cursor's positions.
func openedFiles(req Sources) []int {
	req = req.orDefault()
	var idx []int
	for i, ft := range fileTable {
		if ft.Produces&req != 0 {
			idx = append(idx, i)
		}
	}
	return idx
}
