package calendar

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"
)

// TestDemoLogSLA measures the bundled demo log's resolution times with the
// bundled calendar and compares them with the figures testdata/demo/README.md
// gives for its SLA section. Those figures come from the log's generator
// (cmd/gendemo), which keeps its own business-hours calendar and shares no
// code with this package, so agreement is an independent check.
//
// The log is read with a few regular expressions rather than through
// ingest/xes, which this package must not import.
func TestDemoLogSLA(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the 11 MB demo log")
	}
	calFile, err := os.Open(filepath.Join("..", "..", "ingest", "demo", "business-hours.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	defer calFile.Close()
	cal, err := Parse(calFile, "business-hours.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cases := readDemoCases(t, filepath.Join("..", "..", "ingest", "demo", "incidents.xes.gz"))

	// README, section SLA: priority → resolved cases, median business hours
	// to the first Resolve, and the share over target in whole percent.
	want := map[string]struct {
		resolved int
		median   float64
		over     int
	}{
		"P1": {97, 2.2, 18},
		"P2": {365, 5.1, 31},
		"P3": {1346, 5.2, 10},
		"P4": {1165, 4.8, 1},
	}
	hours := map[string][]float64{}
	over := map[string]int{}
	for _, c := range cases {
		if c.resolved.IsZero() {
			continue
		}
		h := cal.Between(c.opened, c.resolved).Hours()
		hours[c.priority] = append(hours[c.priority], h)
		if h > c.target {
			over[c.priority]++
		}
	}
	for p, w := range want {
		hs := hours[p]
		slices.Sort(hs)
		n := len(hs)
		if n == 0 {
			t.Errorf("%s: no resolved cases", p)
			continue
		}
		median := hs[n/2]
		if n%2 == 0 {
			median = (hs[n/2-1] + hs[n/2]) / 2
		}
		share := int(math.Round(100 * float64(over[p]) / float64(n)))
		got := fmt.Sprintf("%d resolved, median %.1f h, %d%% over", n, median, share)
		exp := fmt.Sprintf("%d resolved, median %.1f h, %d%% over", w.resolved, w.median, w.over)
		if got != exp {
			t.Errorf("%s: %s; README says %s", p, got, exp)
		}
	}
}

type demoCase struct {
	priority         string
	target           float64 // business hours
	opened, resolved time.Time
}

var (
	xesString = regexp.MustCompile(`<string key="([^"]+)" value="([^"]*)"/>`)
	xesFloat  = regexp.MustCompile(`<float key="sla_target_hours" value="([^"]*)"/>`)
	xesDate   = regexp.MustCompile(`<date key="time:timestamp" value="([^"]*)"/>`)
)

// readDemoCases returns each trace's priority, target, first Open and first
// Resolve complete.
func readDemoCases(t *testing.T, path string) []demoCase {
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("demo log: %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var (
		out              []demoCase
		cur              *demoCase
		name, transition string
		ts               time.Time
		inEvent          bool
	)
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case xesTag(line, "<trace>"):
			out = append(out, demoCase{})
			cur = &out[len(out)-1]
		case xesTag(line, "<event>"):
			inEvent, name, transition, ts = true, "", "", time.Time{}
		case xesTag(line, "</event>"):
			inEvent = false
			switch {
			case name == "Open" && cur.opened.IsZero():
				cur.opened = ts
			case name == "Resolve" && transition == "complete" && cur.resolved.IsZero():
				cur.resolved = ts
			}
		case cur == nil:
		case inEvent:
			if m := xesString.FindStringSubmatch(line); m != nil {
				switch m[1] {
				case "concept:name":
					name = m[2]
				case "lifecycle:transition":
					transition = m[2]
				}
			} else if m := xesDate.FindStringSubmatch(line); m != nil {
				if ts, err = time.Parse(time.RFC3339Nano, m[1]); err != nil {
					t.Fatal(err)
				}
			}
		default:
			if m := xesString.FindStringSubmatch(line); m != nil && m[1] == "priority" {
				cur.priority = m[2]
			} else if m := xesFloat.FindStringSubmatch(line); m != nil {
				if _, err := fmt.Sscan(m[1], &cur.target); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func xesTag(line, tag string) bool {
	for len(line) > 0 && (line[0] == '\t' || line[0] == ' ') {
		line = line[1:]
	}
	return line == tag
}
