package engine

import (
	"golang.org/x/sys/unix"
)

// The disk budget. A file sandtail holds open keeps its disk space after
// the producer deletes it (a rotation past Name.4 is a delete), until
// sandtail has read it and closes it. A reader that stops (suspended, its
// output blocked on a full pipe) while the producer keeps rotating would
// keep every file created meanwhile: gigabytes, and a full disk for the
// producer. So each rotating chain holds at most a budget of bytes, the
// reader's files, those on their way over the holder's socket and the
// holder's own counted together; past it, the oldest files that have left
// the slots are let go of, unread, and the reader reports them as a missed
// rotation with their exact size (Loss).
//
// What is never let go of, whatever the budget: the file being read, the
// newest file (the one the next look compares with), and files still in a
// slot (letting go of them frees nothing while the producer keeps them, and
// would lose data still on disk). So the budget holds as stated when it is
// at least one retention (five files) plus the file being read; smaller
// budgets are kept as closely as those allow.

// DefaultHoldBudget is the bytes one chain may hold by default: one
// retention of microsandbox's files, the live one and four rotations of
// 10 MiB.
const DefaultHoldBudget = 50 << 20

// holdBudget is the budget Options ask for: 0 picks the default, a negative
// one holds nothing that can be let go of.
func (o Options) holdBudget() int64 {
	switch {
	case o.HoldBudget == 0:
		return DefaultHoldBudget
	case o.HoldBudget < 0:
		return 0
	}
	return o.HoldBudget
}

// gapInfo is what was lost just before a held file.
type gapInfo struct {
	// unseen is set when files may have been created and rotated away
	// before it unseen; lost counts them, 0 when not known.
	unseen bool
	lost   int64
	// released counts the files let go of unread just before it to keep
	// within the budget, and releasedBytes is what they held.
	released      int64
	releasedBytes int64
}

// any reports whether anything may have been lost.
func (g gapInfo) any() bool { return g.unseen || g.released > 0 }

// absorb adds to g, the gap before a file, the file let go of before it
// (size bytes, all unread) and the gap before that one.
func (g *gapInfo) absorb(prev gapInfo, size int64) {
	unknown := (g.unseen && g.lost == 0) || (prev.unseen && prev.lost == 0)
	g.unseen = g.unseen || prev.unseen
	g.lost += prev.lost
	if unknown {
		g.lost = 0
	}
	g.released += prev.released + 1
	g.releasedBytes += prev.releasedBytes + size
}

// loss is the Loss the gap makes: exact when only files let go of were
// lost; unseen ones count perFile bytes each at least (0: not known).
func (g gapInfo) loss(perFile, budget int64) Loss {
	l := Loss{Files: g.released, Bytes: g.releasedBytes, Released: g.released, ReleasedBytes: g.releasedBytes}
	if g.released > 0 {
		l.Budget = budget
	}
	switch {
	case !g.unseen:
		l.Exact = g.released > 0
	case g.lost > 0:
		u := lossOf(g.lost, perFile)
		l.Files += u.Files
		l.Bytes += u.Bytes
	default:
		l.Uncounted = true
	}
	return l
}

// measure refreshes what the chain knows of the sizes of files[from:] and
// returns the bytes they count for. A file with a successor was rotated:
// its size is final and taken once. The newest may still be written to: it
// counts as the largest rotated file seen if that is more, so that a
// reader stopped while it holds it is not surprised by its growth (the
// producer rotates at a fixed size). c.mu is held.
func (c *chain) measure(from int) int64 {
	var sum int64
	n := len(c.files)
	for i := from; i < n; i++ {
		cf := c.files[i]
		if !cf.final {
			var st unix.Stat_t
			if cf.f.stat(&st) == nil {
				cf.size = st.Size
			}
			if i < n-1 {
				cf.final = true
				c.maxRotated = max(c.maxRotated, cf.size)
			}
		}
		sum += c.counted(cf, i == n-1)
	}
	return sum
}

// counted is what cf counts for against the budget (see measure).
func (c *chain) counted(cf *chainFile, newest bool) int64 {
	if newest && !cf.final {
		return max(cf.size, c.maxRotated)
	}
	return cf.size
}

// trim lets go of the oldest files of files[from:len-1] that have left the
// slots while what the chain holds, files[count:] and extra bytes held
// elsewhere, is over budget. The file after each one let go of records the
// loss. It returns how many it let go of. c.mu is held; the descriptors
// are closed under it, which a look waits for, but only when over budget.
func (c *chain) trim(count, from int, extra int64) int {
	if !c.ft.Rotates || c.budget < 0 {
		return 0
	}
	total := extra + c.measure(count)
	if total <= c.budget {
		return 0
	}
	dropped := 0
	for i := from; i < len(c.files)-1 && total > c.budget; {
		cf := c.files[i]
		var st unix.Stat_t
		if cf.f.stat(&st) != nil || st.Nlink > 0 {
			i++ // still in a slot (or already closed): letting go frees nothing
			continue
		}
		next := c.files[i+1]
		next.gap.absorb(cf.gap, cf.size)
		total -= c.counted(cf, false)
		c.releasedCounted.Add(cf.counted)
		c.releasedFiles.Add(1)
		copy(c.files[i:], c.files[i+1:])
		c.files[len(c.files)-1] = nil
		c.files = c.files[:len(c.files)-1]
		cf.f.Close()
		dropped++
	}
	return dropped
}
