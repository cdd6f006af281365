package sim

import (
	"context"
	"testing"
)

// benchRun measures Run flat out; b.SetBytes makes the figure MB/s of
// bytes written to the log files.
func benchRun(b *testing.B, buffered int, rotate int64) {
	s, err := New(b.TempDir(), Config{RotateBytes: rotate})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	s.SetBuffered(buffered)
	const perOp = 20000
	var bytes int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st, err := s.Run(context.Background(), Workload{Seed: int64(i), MaxRecords: perOp})
		if err != nil {
			b.Fatal(err)
		}
		bytes += st.Bytes
	}
	b.StopTimer()
	b.SetBytes(bytes / int64(b.N))
	b.ReportMetric(float64(perOp*b.N)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkRunBuffered64K(b *testing.B)           { benchRun(b, 64<<10, 0) }
func BenchmarkRunBuffered64KRotate256K(b *testing.B) { benchRun(b, 64<<10, 256<<10) }
func BenchmarkRunUnbuffered(b *testing.B)            { benchRun(b, 0, 0) }

func BenchmarkFillWindow(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := FillWindow(b.TempDir(), 1); err != nil {
			b.Fatal(err)
		}
	}
}
