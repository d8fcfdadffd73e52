package calendar

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// spec is a calendar written down twice: as YAML for Parse, and as the
// straightforward oracle below, which reads the wall clock through the time
// package second by second and shares no code with the package.
type spec struct {
	name     string
	zone     string
	days     map[time.Weekday][]string
	holidays []string
}

func (s spec) yaml() string {
	var b strings.Builder
	fmt.Fprintf(&b, "name: %s\ntimezone: %s\nhours:\n", s.name, s.zone)
	for wd := range time.Weekday(7) {
		if iv, ok := s.days[wd]; ok {
			fmt.Fprintf(&b, "  %s: [%q", strings.ToLower(wd.String()[:3]), iv[0])
			for _, v := range iv[1:] {
				fmt.Fprintf(&b, ", %q", v)
			}
			b.WriteString("]\n")
		}
	}
	b.WriteString("holidays:\n")
	for _, h := range s.holidays {
		fmt.Fprintf(&b, "  - %s\n", h)
	}
	return b.String()
}

// oracle reports whether the second starting at Unix second u is working:
// its wall-clock reading in the zone is inside an interval of its weekday,
// on a date that is not a holiday.
func (s spec) oracle(loc *time.Location) func(u int64) bool {
	hol := map[int]bool{}
	for _, h := range s.holidays {
		var y, m, d int
		if _, err := fmt.Sscanf(h, "%d-%d-%d", &y, &m, &d); err != nil {
			panic(err)
		}
		hol[y*10000+m*100+d] = true
	}
	var days [7][][2]int
	for wd, ivs := range s.days {
		for _, iv := range ivs {
			var h1, m1, h2, m2 int
			if _, err := fmt.Sscanf(iv, "%d:%d-%d:%d", &h1, &m1, &h2, &m2); err != nil {
				panic(err)
			}
			days[wd] = append(days[wd], [2]int{h1*3600 + m1*60, h2*3600 + m2*60})
		}
	}
	return func(u int64) bool {
		r := time.Unix(u, 0).In(loc)
		y, m, d := r.Date()
		if hol[y*10000+int(m)*100+d] {
			return false
		}
		clock := r.Hour()*3600 + r.Minute()*60 + r.Second()
		for _, iv := range days[r.Weekday()] {
			if iv[0] <= clock && clock < iv[1] {
				return true
			}
		}
		return false
	}
}

// bruteBetween sums the oracle over every second of [from, to).
func bruteBetween(working func(int64) bool, from, to time.Time) time.Duration {
	var sum time.Duration
	for u := from.Unix(); u <= to.Unix(); u++ {
		lo, hi := time.Unix(u, 0), time.Unix(u+1, 0)
		if lo.Before(from) {
			lo = from
		}
		if hi.After(to) {
			hi = to
		}
		if hi.After(lo) && working(u) {
			sum += hi.Sub(lo)
		}
	}
	return sum
}

// lastSunday is the date of the last Sunday of a month, when Europe's
// clocks change.
func lastSunday(year int, month time.Month) string {
	d := time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC)
	for d.Weekday() != time.Sunday {
		d = d.AddDate(0, 0, -1)
	}
	return d.Format(time.DateOnly)
}

func every(iv ...string) map[time.Weekday][]string {
	m := map[time.Weekday][]string{}
	for wd := range time.Weekday(7) {
		m[wd] = iv
	}
	return m
}

var specs = []spec{
	{name: "desk", zone: "Europe/Amsterdam",
		days: map[time.Weekday][]string{
			time.Monday: {"08:00-12:00", "13:00-18:00"}, time.Tuesday: {"08:00-12:00", "13:00-18:00"},
			time.Wednesday: {"08:00-12:00", "13:00-18:00"}, time.Thursday: {"08:00-12:00", "13:00-18:00"},
			time.Friday: {"08:00-12:00", "13:00-18:00"}, time.Saturday: {"09:00-13:00"}},
		holidays: []string{"2026-04-06", "2026-12-25", "2026-12-26"}},
	// Work over the DST changes, and holidays on some of them, near and far
	// (2450 is in the zone table's 400-year cycle, 3001 beyond it).
	{name: "night", zone: "Europe/Amsterdam",
		days: map[time.Weekday][]string{
			time.Sunday: {"01:00-04:00"}, time.Saturday: {"22:00-24:00"}, time.Wednesday: {"00:00-24:00"}},
		holidays: []string{lastSunday(2026, time.March), "2026-07-01", lastSunday(2026, time.October),
			lastSunday(2450, time.October), lastSunday(3001, time.March)}},
	{name: "late", zone: "Europe/Amsterdam",
		days: map[time.Weekday][]string{time.Sunday: {"02:30-05:00"}, time.Monday: {"02:00-03:00"}}},
	// Brazil's clocks used to jump at midnight: 2018-11-04 had no 00:00.
	{name: "saopaulo", zone: "America/Sao_Paulo", days: every("00:00-02:00", "10:00-18:00"),
		holidays: []string{"2018-11-04", "2019-02-16"}},
	{name: "lordhowe", zone: "Australia/Lord_Howe", days: every("01:00-03:00", "12:00-13:00")},
	// Samoa skipped 2011-12-30 (a Friday) when it crossed the date line.
	{name: "apia", zone: "Pacific/Apia",
		days: map[time.Weekday][]string{
			time.Monday: {"09:00-17:00"}, time.Thursday: {"09:00-17:00"}, time.Friday: {"09:00-17:00"},
			time.Saturday: {"00:00-24:00"}}},
	// Morocco moves its clocks around Ramadan, several times a year until 2087.
	{name: "casablanca", zone: "Africa/Casablanca", days: every("01:00-04:00", "09:00-17:00"),
		holidays: []string{"2026-02-15", "2050-01-01"}},
	{name: "kathmandu", zone: "Asia/Kathmandu",
		days: map[time.Weekday][]string{time.Monday: {"09:15-17:45"}, time.Friday: {"09:15-17:45"}}},
	// America's clocks skip 02:00-03:00 in spring but repeat 01:00-02:00 in
	// autumn, so work at 02:00 on Sundays loses an hour a year: DST
	// corrections do not cancel over a 400-year cycle.
	{name: "newyork", zone: "America/New_York",
		days: map[time.Weekday][]string{time.Sunday: {"02:00-03:00"}, time.Tuesday: {"10:00-12:00"}}},
	{name: "utc", zone: "UTC", days: every("00:00-24:00")},
}

// randomInstant draws an instant: mostly near today, some far, some close
// to one of the zone's offset changes.
func randomInstant(r *rand.Rand, z *zone) time.Time {
	year := func(y int) int64 { return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Unix() }
	var u int64
	switch p := r.IntN(100); {
	case p < 50:
		u = year(2000) + r.Int64N(year(2050)-year(2000))
	case p < 65:
		u = year(1700) + r.Int64N(year(2700)-year(1700))
	case p < 75:
		u = year(1) + r.Int64N(year(9999)-year(1))
	case len(z.start) == 1: // no offset changes to be near
		u = year(1900) + r.Int64N(year(2100)-year(1900))
	default:
		i := 1 + r.IntN(len(z.start)-1)
		u = z.start[i] + r.Int64N(12*3600) - 6*3600
		if r.IntN(4) == 0 {
			u += r.Int64N(10) * cycle // the same change, folded far away
		}
	}
	ns := int64(0)
	if r.IntN(2) == 0 {
		ns = r.Int64N(int64(time.Second))
	}
	return time.Unix(u, ns)
}

type testCal struct {
	spec
	cal     *Calendar
	working func(int64) bool
}

func testCals(t *testing.T) []testCal {
	var out []testCal
	for _, s := range specs {
		c, err := Parse(strings.NewReader(s.yaml()), s.name+".yaml")
		if err != nil {
			t.Fatalf("%s: %v\n%s", s.name, err, s.yaml())
		}
		out = append(out, testCal{s, c, s.oracle(c.Location())})
	}
	return out
}

// TestOracle compares IsWorking and Between with the second-by-second
// oracle, on short spans (the oracle is slow) drawn near offset changes too.
func TestOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 25
	if testing.Short() {
		n = 5
	}
	for _, tc := range testCals(t) {
		t.Run(tc.name, func(t *testing.T) {
			for range 4000 {
				at := randomInstant(r, tc.cal.zone)
				if got, want := tc.cal.IsWorking(at), tc.working(at.Unix()); got != want {
					t.Fatalf("IsWorking(%s) = %v, want %v", at.In(tc.cal.Location()), got, want)
				}
			}
			for range n {
				from := randomInstant(r, tc.cal.zone)
				to := from.Add(time.Duration(r.Int64N(int64(8 * time.Hour))))
				if got, want := tc.cal.Between(from, to), bruteBetween(tc.working, from, to); got != want {
					t.Fatalf("Between(%s, %s) = %s, want %s", from.In(tc.cal.Location()), to.In(tc.cal.Location()), got, want)
				}
			}
		})
	}
}

// TestProperties checks the algebra on random instants: Between is additive,
// never more than calendar time, agrees with the period-by-period walk, and
// Add is its inverse landing on the earliest instant.
func TestProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	n := 3000
	if testing.Short() {
		n = 300
	}
	// Spans up to 250 years, so 24×7 results stay below Duration's 292.
	spanOf := func() time.Duration {
		switch r.IntN(4) {
		case 0:
			return time.Duration(r.Int64N(int64(24 * time.Hour)))
		case 1:
			return time.Duration(r.Int64N(int64(60 * 24 * time.Hour)))
		case 2:
			return time.Duration(r.Int64N(int64(3 * 365 * 24 * time.Hour)))
		default:
			return time.Duration(r.Int64N(int64(250 * 365 * 24 * time.Hour)))
		}
	}
	for _, tc := range testCals(t) {
		c := tc.cal
		t.Run(tc.name, func(t *testing.T) {
			for range n {
				a := randomInstant(r, c.zone)
				ab := spanOf()
				b := a.Add(ab)
				c2 := b.Add(spanOf() / 2)
				if ab > 125*365*24*time.Hour {
					c2 = b.Add(time.Hour)
				}
				x, y, z := c.Between(a, b), c.Between(b, c2), c.Between(a, c2)
				if x+y != z {
					t.Fatalf("Between(a,b)+Between(b,c) = %s + %s != Between(a,c) = %s\na=%s b=%s c=%s", x, y, z, a, b, c2)
				}
				if x > b.Sub(a) {
					t.Fatalf("Between(%s, %s) = %s, more than calendar time", a, b, x)
				}
				fs, fn := instant(a)
				ts, tn := instant(b)
				ws, wc := c.walk(fs, fn, ts, tn)
				if walked := time.Duration(ws*int64(time.Second) + wc); walked != x {
					t.Fatalf("Between(%s, %s) = %s, walk = %s", a, b, x, walked)
				}
				if x <= 0 {
					continue
				}
				// Add(a, Between(a, b)) lands at or before b, and exactly there
				// if b is working.
				due := c.Add(a, x)
				if got := c.Between(a, due); got != x || due.After(b) {
					t.Fatalf("Add(%s, %s) = %s: Between back = %s, b = %s", a, x, due, got, b)
				}
				if earlier := due.Add(-1); c.Between(a, earlier) >= x {
					t.Fatalf("Add(%s, %s) = %s is not the earliest: 1ns earlier is also %s", a, x, due, c.Between(a, earlier))
				}
				d := time.Duration(1 + r.Int64N(int64(x)))
				due = c.Add(a, d)
				if got := c.Between(a, due); got != d {
					t.Fatalf("Between(a, Add(a, %s)) = %s, a = %s", d, got, a)
				}
				if c.Between(a, due.Add(-1)) >= d {
					t.Fatalf("Add(%s, %s) = %s is not the earliest", a, d, due)
				}
			}
		})
	}
}

// TestHolidaysOnOffsetChanges checks the hours around every holiday of every
// spec against the oracle; several fall on a DST change with work over it,
// near (2026), in the zone table's 400-year cycle (2450) and beyond (3001).
func TestHolidaysOnOffsetChanges(t *testing.T) {
	for _, tc := range testCals(t) {
		if len(tc.cal.holAt) == 0 && tc.name == "night" {
			t.Errorf("night: no holiday alters a DST correction; the test lost its point")
		}
		for _, h := range tc.holidays {
			day, err := time.ParseInLocation(time.DateOnly, h, tc.cal.Location())
			if err != nil {
				t.Fatal(err)
			}
			from, to := day.Add(-2*time.Hour), day.Add(6*time.Hour)
			if got, want := tc.cal.Between(from, to), bruteBetween(tc.working, from, to); got != want {
				t.Errorf("%s: Between(%s, %s) = %s, want %s", tc.name, from, to, got, want)
			}
			// And a long span over it, against the period-by-period walk.
			long := from.AddDate(-3, 0, 0)
			fs, fn := instant(long)
			ts, tn := instant(to)
			ws, wc := tc.cal.walk(fs, fn, ts, tn)
			if got, want := tc.cal.Between(long, to), time.Duration(ws*int64(time.Second)+wc); got != want {
				t.Errorf("%s: Between(%s, %s) = %s, walk = %s", tc.name, long, to, got, want)
			}
		}
	}
}
