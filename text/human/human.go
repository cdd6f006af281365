// Package human formats numbers for people: byte counts in binary units,
// short enough for a table column or a status line.
package human

import (
	"fmt"
	"strings"
)

// Bytes writes n in binary units with at most one decimal, never wider than
// eight cells: "0 B", "812 B", "1.5 KiB", "12.1 MiB", "1023 KiB", "3 GiB".
// Negative counts read as zero.
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", max(n, 0))
	}
	units := []string{"KiB", "MiB", "GiB", "TiB", "PiB"}
	v := float64(n) / unit
	i := 0
	for v >= unit && i < len(units)-1 {
		v /= unit
		i++
	}
	if v >= 100 {
		return fmt.Sprintf("%.0f %s", v, units[i])
	}
	return strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0") + " " + units[i]
}
