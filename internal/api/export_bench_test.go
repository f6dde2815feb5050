package api_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"campaigns/internal/api"
	"campaigns/internal/store"
)

// benchDatabaseURL is the generated load-test database (`go run . generate --seed 1`, see
// BENCHMARKS.md); EXPORT_BENCH_DATABASE_URL names another.
func benchDatabaseURL() string {
	if u := os.Getenv("EXPORT_BENCH_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/campaigns_bench?sslmode=disable"
}

// countingResponse is a ResponseWriter that keeps nothing: it counts bytes and lines, so
// that the benchmark measures the server's memory and not a buffer of the whole answer.
type countingResponse struct {
	header       http.Header
	status       int
	bytes, lines int64
}

func (c *countingResponse) Header() http.Header { return c.header }
func (c *countingResponse) WriteHeader(s int)   { c.status = s }
func (c *countingResponse) Write(p []byte) (int, error) {
	c.bytes += int64(len(p))
	c.lines += int64(bytes.Count(p, []byte{'\n'}))
	return len(p), nil
}

// peakHeap samples the live heap every 10 ms until stop is closed and returns the largest.
func peakHeap(stop <-chan struct{}) func() uint64 {
	var mu sync.Mutex
	var peak uint64
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			mu.Lock()
			peak = max(peak, sample[0].Value.Uint64())
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		<-done
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// peakRSS returns the process's high-water resident set (VmHWM), in bytes, or 0 off Linux.
func peakRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkExportEvents exports every event an anonymous caller can see from the generated
// million-event database through the real handler, and reports rows per second and the
// peak live heap and resident set: an export that held its rows would grow with them. It
// only reads (one read-only transaction per export), and skips where the database is absent,
// as in CI. Run: go test ./internal/api -run '^$' -bench BenchmarkExportEvents -benchtime 1x
func BenchmarkExportEvents(b *testing.B) {
	ctx := context.Background()
	url := benchDatabaseURL()
	// Connect first: store.Open would create a missing database, and this one is read only.
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Skipf("no load-test database at %s (go run . generate --seed 1 makes one): %v", url, err)
	}
	_ = conn.Close(ctx)
	st, err := store.Open(ctx, url, store.Options{MaxOpenConns: 4})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	h := api.New(st, api.Options{})
	for _, tc := range []struct{ name, path, encoding string }{
		{"csv", "/export/events.csv", ""},
		{"jsonl", "/export/events.jsonl", ""},
		{"hxl-gzip", "/export/events.hxl.csv", "gzip"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			runtime.GC()
			stop := make(chan struct{})
			peak := peakHeap(stop)
			var rows, size int64
			start := time.Now()
			for range b.N {
				req := httptest.NewRequest(http.MethodGet, tc.path, nil)
				if tc.encoding != "" {
					req.Header.Set("Accept-Encoding", tc.encoding)
				}
				res := &countingResponse{header: http.Header{}, status: http.StatusOK}
				h.ServeHTTP(res, req)
				if res.status != http.StatusOK {
					b.Fatalf("status %d", res.status)
				}
				rows += res.lines
				size += res.bytes
			}
			elapsed := time.Since(start)
			close(stop)
			if tc.encoding == "" {
				b.ReportMetric(float64(rows)/elapsed.Seconds(), "rows/s")
				b.ReportMetric(float64(rows)/float64(b.N), "rows/op")
			}
			b.ReportMetric(float64(size)/float64(b.N)/(1<<20), "MiB/op")
			b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MiB")
		})
	}
}
