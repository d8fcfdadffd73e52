package measures

import (
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the synthetic logs in testdata (then rerun reference.py for the goldens)")

// synthetic makes a log of n cases over a few activities with starts and
// ends spread over weeks, ties and zero durations included.
func synthetic(seed uint64, n int, shift time.Duration) []Instance {
	r := rand.New(rand.NewPCG(seed, 1))
	acts := []string{"Open", "Classify", "Investigate", "Resolve", "Close", "Reopen"}
	t0 := time.Date(2026, 1, 5, 7, 0, 0, 0, time.UTC).Add(shift).UnixMicro()
	var out []Instance
	for c := range n {
		t := t0 + int64(r.ExpFloat64()*float64(n)*4e9)
		k := 2 + r.IntN(5)
		for range k {
			start := t + int64(r.IntN(3))*int64(r.ExpFloat64()*3600e6)
			end := start + int64(r.ExpFloat64()*5400e6)
			if r.IntN(10) == 0 {
				end = start
			}
			out = append(out, Instance{Case: c, Activity: acts[r.IntN(len(acts))], Start: start, End: end})
			t = end
		}
	}
	return out
}

func writeCSV(t *testing.T, path string, log []Instance) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"case_id", "activity", "start_time", "end_time", "resource"})
	for _, in := range log {
		w.Write([]string{strconv.Itoa(in.Case), in.Activity, time.UnixMicro(in.Start).UTC().Format("2006-01-02T15:04:05.000000Z"),
			time.UnixMicro(in.End).UTC().Format("2006-01-02T15:04:05.000000Z"), "r"})
	}
	w.Flush()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func readCSV(t *testing.T, path string) []Instance {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	rows, err := csv.NewReader(r).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []Instance
	for _, r := range rows[1:] {
		c, _ := strconv.Atoi(r[0])
		s, err1 := time.Parse(time.RFC3339Nano, r[2])
		e, err2 := time.Parse(time.RFC3339Nano, r[3])
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v %v", path, err1, err2)
		}
		out = append(out, Instance{Case: c, Activity: r[1], Start: s.UnixMicro(), End: e.UnixMicro()})
	}
	return out
}

// The measures equal those of the reference implementation (the
// log-distance-measures package 2.2.0, run by testdata/reference.py on the
// same CSV files; its output is the golden file) within 1e-9.
func TestMatchesReference(t *testing.T) {
	pairs := []struct {
		name      string
		real, sim uint64
		n, m      int
		shift     time.Duration
		ext       string
	}{
		{"same-size", 1, 2, 200, 200, 0, ".csv"},
		{"shifted", 3, 4, 150, 180, 36 * time.Hour, ".csv"},
		{"small", 5, 6, 5, 40, 3 * time.Hour, ".csv"},
		// The demo log's test cases and a simulation of them (the first
		// replication of pmx simulate --validate): a real pair.
		{"demo-validation", 0, 0, 0, 0, 0, ".csv.gz"},
	}
	if *update {
		for _, p := range pairs {
			if p.ext != ".csv" {
				continue
			}
			writeCSV(t, filepath.Join("testdata", p.name+".real.csv"), synthetic(p.real, p.n, 0))
			writeCSV(t, filepath.Join("testdata", p.name+".sim.csv"), synthetic(p.sim, p.m, p.shift))
		}
		t.Skip("rewrote the logs; run testdata/reference.py to rewrite golden.json")
	}
	b, err := os.ReadFile(filepath.Join("testdata", "golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var golden map[string]map[string]float64
	if err := json.Unmarshal(b, &golden); err != nil {
		t.Fatal(err)
	}
	for _, p := range pairs {
		real := readCSV(t, filepath.Join("testdata", p.name+".real"+p.ext))
		sim := readCSV(t, filepath.Join("testdata", p.name+".sim"+p.ext))
		r := All(real, sim)
		got, _ := json.Marshal(r)
		var gm map[string]float64
		json.Unmarshal(got, &gm)
		want := golden[p.name]
		if len(want) != 7 {
			t.Fatalf("%s: golden has %d measures", p.name, len(want))
		}
		for k, w := range want {
			if g, ok := gm[k]; !ok || math.Abs(g-w) > 1e-9*math.Max(1, math.Abs(w)) {
				t.Errorf("%s %s = %v, reference %v", p.name, k, g, w)
			}
		}
	}
}

func TestWasserstein(t *testing.T) {
	for _, tc := range []struct {
		u, v []float64
		want float64
	}{
		{[]float64{0}, []float64{1}, 1},
		{[]float64{0, 1, 3}, []float64{5, 6, 8}, 5},
		{[]float64{0, 10}, []float64{5}, 5},
		{[]float64{3, 3, 3}, []float64{3}, 0},
		{[]float64{1, 2}, []float64{1, 2, 2, 2}, 0.25},
	} {
		if got := Wasserstein(tc.u, tc.v); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("W(%v, %v) = %v, want %v", tc.u, tc.v, got, tc.want)
		}
	}
	if !math.IsNaN(Wasserstein(nil, []float64{1})) {
		t.Error("empty sample")
	}
	_ = fmt.Sprint
}
