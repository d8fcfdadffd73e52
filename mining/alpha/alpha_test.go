package alpha

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/petri"
)

// book builds a log from the Process Mining book's notation: "abcd^3"
// is three cases a, b, c, d (one letter per activity).
func book(spec string) *eventlog.Log {
	var traces [][]string
	for _, f := range strings.Fields(spec) {
		n := 1
		if i := strings.IndexByte(f, '^'); i >= 0 {
			fmt.Sscan(f[i+1:], &n)
			f = f[:i]
		}
		for range n {
			traces = append(traces, strings.Split(f, ""))
		}
	}
	return eventlog.FromTraces(traces)
}

// Logs L1–L8 of W.M.P. van der Aalst, Process Mining (2nd ed., 2016),
// chapter 6, with the nets the book derives; L7 and L8 are the short-loop
// examples Alpha cannot handle and Alpha+ can.
var bookLogs = map[string]string{
	"L1": "abcd^3 acbd^2 aed",
	"L2": "abcd^3 acbd^4 abcefbcd^2 abcefcbd acbefbcd^2 acbefbcefcbd",
	"L3": "abcdefbdceg abdceg^2 abcdefbcdefbdceg",
	"L4": "acd^45 bcd^42 ace^38 bce^22",
	"L5": "abef^2 abecdbf^3 abcedbf^2 abcdebf^4 aebcdbf^3",
	"L6": "aceg^2 aecg^3 bdfg^2 bfdg^4",
	"L7": "ac^2 abc^3 abbc^2 abbbbc",
	"L8": "abd^3 abcbd^2 abcbcbd",
}

func TestAlphaBookLogs(t *testing.T) {
	tests := []struct {
		log    string
		places []string // besides the transitions, one per activity
	}{
		{"L1", []string{"p:{a}->{b,e}", "p:{a}->{c,e}", "p:{b,e}->{d}", "p:{c,e}->{d}", "p:{d}->{} final=1", "p:{}->{a} initial=1"}},
		{"L2", []string{"p:{a,f}->{b}", "p:{a,f}->{c}", "p:{b}->{d,e}", "p:{c}->{d,e}", "p:{d}->{} final=1", "p:{e}->{f}", "p:{}->{a} initial=1"}},
		{"L3", []string{"p:{a,f}->{b}", "p:{b}->{c}", "p:{b}->{d}", "p:{c}->{e}", "p:{d}->{e}", "p:{e}->{f,g}", "p:{g}->{} final=1", "p:{}->{a} initial=1"}},
		{"L4", []string{"p:{a,b}->{c}", "p:{c}->{d,e}", "p:{d,e}->{} final=1", "p:{}->{a,b} initial=1"}},
		{"L5", []string{"p:{a,d}->{b}", "p:{a}->{e}", "p:{b}->{c,f}", "p:{c}->{d}", "p:{e}->{f}", "p:{f}->{} final=1", "p:{}->{a} initial=1"}},
		// c, d, e and f all precede g and c#d, c#f, d#e, e#f: four maximal
		// pairs, two of them implicit places.
		{"L6", []string{"p:{a}->{c}", "p:{a}->{e}", "p:{b}->{d}", "p:{b}->{f}", "p:{c,d}->{g}", "p:{c,f}->{g}", "p:{d,e}->{g}", "p:{e,f}->{g}", "p:{g}->{} final=1", "p:{}->{a,b} initial=1"}},
		// b has a self-loop, so Alpha leaves it unconnected.
		{"L7", []string{"p:{a}->{c}", "p:{c}->{} final=1", "p:{}->{a} initial=1"}},
		// b and c form a length-two loop, so Alpha sees them as parallel.
		{"L8", []string{"p:{a}->{b}", "p:{b}->{d}", "p:{d}->{} final=1", "p:{}->{a} initial=1"}},
	}
	for _, tc := range tests {
		t.Run(tc.log, func(t *testing.T) {
			checkNet(t, Discover, book(bookLogs[tc.log]), tc.places)
		})
	}
}

func TestAlphaPlusBookLogs(t *testing.T) {
	tests := []struct {
		log    string
		places []string
	}{
		// Without short loops Alpha+ gives Alpha's net.
		{"L1", []string{"p:{a}->{b,e}", "p:{a}->{c,e}", "p:{b,e}->{d}", "p:{c,e}->{d}", "p:{d}->{} final=1", "p:{}->{a} initial=1"}},
		{"L3", []string{"p:{a,f}->{b}", "p:{b}->{c}", "p:{b}->{d}", "p:{c}->{e}", "p:{d}->{e}", "p:{e}->{f,g}", "p:{g}->{} final=1", "p:{}->{a} initial=1"}},
		{"L6", []string{"p:{a}->{c}", "p:{a}->{e}", "p:{b}->{d}", "p:{b}->{f}", "p:{c,d}->{g}", "p:{c,f}->{g}", "p:{d,e}->{g}", "p:{e,f}->{g}", "p:{g}->{} final=1", "p:{}->{a,b} initial=1"}},
		// The self-loop b sits on the place between a and c.
		{"L7", []string{"p:{a,b}->{b,c}", "p:{c}->{} final=1", "p:{}->{a} initial=1"}},
		// b◇c: the loop b c b is causal both ways.
		{"L8", []string{"p:{a,c}->{b}", "p:{b}->{c,d}", "p:{d}->{} final=1", "p:{}->{a} initial=1"}},
	}
	for _, tc := range tests {
		t.Run(tc.log, func(t *testing.T) {
			checkNet(t, DiscoverPlus, book(bookLogs[tc.log]), tc.places)
		})
	}
}

func checkNet(t *testing.T, discover func(*eventlog.Log) (*petri.Net, error), log *eventlog.Log, places []string) {
	t.Helper()
	net, err := discover(log)
	if err != nil {
		t.Fatal(err)
	}
	if err := net.Validate(); err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(places)
	for _, a := range log.Activities {
		want = append(want, "t:"+a)
	}
	slices.Sort(want)
	if d := diff(describe(net), want); len(d) > 0 {
		t.Errorf("net differs (+ got, - want):\n%s", strings.Join(d, "\n"))
	}
}

func TestEmptyLog(t *testing.T) {
	for name, discover := range map[string]func(*eventlog.Log) (*petri.Net, error){"alpha": Discover, "alpha+": DiscoverPlus} {
		if _, err := discover(eventlog.FromTraces([][]string{{}})); !errors.Is(err, ErrEmptyLog) {
			t.Errorf("%s: err %v, want ErrEmptyLog", name, err)
		}
	}
}

// TestAlphaIgnoresCountsAndOrder checks the package invariant: the net
// depends only on the set of variants.
func TestAlphaIgnoresCountsAndOrder(t *testing.T) {
	a := book(bookLogs["L2"])
	b := book("acbefbcefcbd^7 abcefcbd abcd acbd abcefbcd acbefbcd^3")
	for name, discover := range map[string]func(*eventlog.Log) (*petri.Net, error){"alpha": Discover, "alpha+": DiscoverPlus} {
		x, _ := discover(a)
		y, _ := discover(b)
		if !slices.Equal(x.Structure(), y.Structure()) {
			t.Errorf("%s: %v vs %v", name, x.Structure(), y.Structure())
		}
	}
}

// TestIDsUnique: an activity named like a place must not clash with it.
func TestIDsUnique(t *testing.T) {
	log := eventlog.FromTraces([][]string{{"start", "end"}, {"start", "({end},{start})", "end"}})
	for name, discover := range map[string]func(*eventlog.Log) (*petri.Net, error){"alpha": Discover, "alpha+": DiscoverPlus} {
		net, err := discover(log)
		if err != nil {
			t.Fatal(err)
		}
		if err := net.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
