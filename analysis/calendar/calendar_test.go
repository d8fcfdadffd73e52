package calendar

import (
	"math"
	"strings"
	"testing"
	"time"

	_ "time/tzdata" // tests must not depend on the host's zone database
)

// The calendars the hand-computed cases use.
const (
	// desk is the example from the package documentation.
	deskYAML = `
name: Service desk hours
timezone: Europe/Amsterdam
hours:
  mon-fri: ["08:00-12:00", "13:00-18:00"]
  sat: ["09:00-13:00"]
holidays:
  - 2026-12-25
  - 2026-12-26
`
	// night works Sunday 01:00-04:00, over both of Amsterdam's DST changes
	// (2026-03-29 02:00→03:00 and 2026-10-25 03:00→02:00, both Sundays).
	nightYAML = `
timezone: Europe/Amsterdam
hours:
  sun: ["01:00-04:00"]
`
	// late starts inside the hour that autumn repeats.
	lateYAML = `
timezone: Europe/Amsterdam
hours:
  sun: ["02:30-05:00"]
`
	// overnight is a night shift split at midnight, as the format requires.
	overnightYAML = `
timezone: Europe/Amsterdam
hours:
  mon: ["22:00-24:00"]
  tue-fri: ["00:00-06:00", "22:00-24:00"]
  sat: ["00:00-06:00"]
`
)

func mustParse(t testing.TB, src string) *Calendar {
	t.Helper()
	c, err := Parse(strings.NewReader(src), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// at is a wall-clock time in Amsterdam; hm is "HH:MM" or "HH:MM:SS".
func at(t testing.TB, date, hm string) time.Time {
	t.Helper()
	if strings.Count(hm, ":") == 1 {
		hm += ":00"
	}
	v, err := time.ParseInLocation("2006-01-02 15:04:05.999999999", date+" "+hm, mustZone(t, "Europe/Amsterdam"))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// utc is an instant written in UTC, for times a wall clock cannot name
// unambiguously (the repeated autumn hour).
func utc(date, hm string) time.Time {
	v, err := time.Parse("2006-01-02 15:04", date+" "+hm)
	if err != nil {
		panic(err)
	}
	return v
}

func TestBetween(t *testing.T) {
	desk := mustParse(t, deskYAML)
	night := mustParse(t, nightYAML)
	late := mustParse(t, lateYAML)
	overnight := mustParse(t, overnightYAML)
	ny := mustZone(t, "America/New_York")
	// 2026-06-01 is a Monday.
	tests := []struct {
		name     string
		cal      *Calendar
		from, to time.Time
		want     time.Duration
	}{
		{"same day, inside one interval", desk, at(t, "2026-06-01", "09:00"), at(t, "2026-06-01", "11:30"), 150 * time.Minute},
		{"same day, over lunch", desk, at(t, "2026-06-01", "11:00"), at(t, "2026-06-01", "14:00"), 2 * time.Hour},
		{"before opening to after closing", desk, at(t, "2026-06-01", "07:00"), at(t, "2026-06-01", "19:00"), 9 * time.Hour},
		{"both after closing", desk, at(t, "2026-06-01", "18:30"), at(t, "2026-06-01", "23:00"), 0},
		{"ends exactly at closing", desk, at(t, "2026-06-01", "17:00"), at(t, "2026-06-01", "18:00"), time.Hour},
		{"overnight", desk, at(t, "2026-06-01", "17:00"), at(t, "2026-06-02", "09:00"), 2 * time.Hour},
		{"weekend, with Saturday morning", desk, at(t, "2026-06-05", "17:00"), at(t, "2026-06-08", "09:00"), 6 * time.Hour},
		{"one week", desk, at(t, "2026-06-01", "00:00"), at(t, "2026-06-08", "00:00"), 49 * time.Hour},
		{"Christmas: Friday and Saturday are holidays", desk, at(t, "2026-12-24", "17:00"), at(t, "2026-12-28", "09:00"), 2 * time.Hour},
		{"inside a holiday", desk, at(t, "2026-12-25", "08:00"), at(t, "2026-12-25", "18:00"), 0},
		// 261 weekdays × 9h + 52 Saturdays × 4h − Fri 25 Dec 9h − Sat 26 Dec 4h.
		{"the year 2026", desk, at(t, "2026-01-01", "00:00"), at(t, "2027-01-01", "00:00"), 2544 * time.Hour},
		{"weekday hours over the spring DST weekend", desk, at(t, "2026-03-27", "12:00"), at(t, "2026-03-30", "12:00"), 13 * time.Hour},
		{"from and to in other zones", desk, time.Date(2026, 6, 1, 7, 0, 0, 0, time.UTC), time.Date(2026, 6, 1, 5, 0, 0, 0, ny), 2 * time.Hour},
		{"fractions of a second", desk, at(t, "2026-06-01", "09:00:00.25"), at(t, "2026-06-01", "09:00:01.5"), 1250 * time.Millisecond},
		{"fraction in a non-working second", desk, at(t, "2026-06-01", "07:59:59.5"), at(t, "2026-06-01", "08:00:00.5"), 500 * time.Millisecond},
		{"zero span", desk, at(t, "2026-06-01", "09:00"), at(t, "2026-06-01", "09:00"), 0},
		{"negative span", desk, at(t, "2026-06-01", "10:00"), at(t, "2026-06-01", "09:00"), 0},

		// DST: 01:00-04:00 covers the changed hour; count real elapsed time.
		{"spring: 01:00-04:00 is 2h", night, at(t, "2026-03-28", "12:00"), at(t, "2026-03-30", "00:00"), 2 * time.Hour},
		{"autumn: 01:00-04:00 is 4h", night, at(t, "2026-10-24", "12:00"), at(t, "2026-10-26", "00:00"), 4 * time.Hour},
		{"spring: 01:30 CET to 03:30 CEST", night, at(t, "2026-03-29", "01:30"), at(t, "2026-03-29", "03:30"), time.Hour},
		{"autumn: 02:30 CEST to 02:30 CET", night, utc("2026-10-25", "00:30"), utc("2026-10-25", "01:30"), time.Hour},
		{"autumn: 02:30-05:00 is 3h", late, at(t, "2026-10-24", "12:00"), at(t, "2026-10-26", "00:00"), 3 * time.Hour},
		{"spring: 02:30-05:00 is 2h", late, at(t, "2026-03-28", "12:00"), at(t, "2026-03-30", "00:00"), 2 * time.Hour},
		{"ordinary Sunday: 01:00-04:00 is 3h", night, at(t, "2026-06-06", "12:00"), at(t, "2026-06-08", "00:00"), 3 * time.Hour},

		{"night shift over midnight", overnight, at(t, "2026-06-01", "21:00"), at(t, "2026-06-02", "07:00"), 8 * time.Hour},
		{"night shift, Friday night into Saturday", overnight, at(t, "2026-06-05", "23:00"), at(t, "2026-06-08", "00:00"), 7 * time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.cal.Between(tc.from, tc.to); got != tc.want {
				t.Errorf("Between(%s, %s) = %s, want %s", tc.from, tc.to, got, tc.want)
			}
		})
	}
}

func TestAdd(t *testing.T) {
	desk := mustParse(t, deskYAML)
	night := mustParse(t, nightYAML)
	overnight := mustParse(t, overnightYAML)
	tests := []struct {
		name string
		cal  *Calendar
		from time.Time
		d    time.Duration
		want time.Time
	}{
		{"same interval", desk, at(t, "2026-06-01", "09:00"), 2 * time.Hour, at(t, "2026-06-01", "11:00")},
		{"over lunch", desk, at(t, "2026-06-01", "11:00"), 2 * time.Hour, at(t, "2026-06-01", "14:00")},
		{"ends at the lunch break, not after it", desk, at(t, "2026-06-01", "08:00"), 4 * time.Hour, at(t, "2026-06-01", "12:00")},
		{"overnight", desk, at(t, "2026-06-01", "17:00"), 2 * time.Hour, at(t, "2026-06-02", "09:00")},
		{"over the weekend", desk, at(t, "2026-06-05", "17:00"), 6 * time.Hour, at(t, "2026-06-08", "09:00")},
		{"starts outside hours", desk, at(t, "2026-06-07", "10:00"), time.Hour, at(t, "2026-06-08", "09:00")},
		{"over Christmas", desk, at(t, "2026-12-24", "17:00"), 2 * time.Hour, at(t, "2026-12-28", "09:00")},
		{"a year's work ends on the last working evening", desk, at(t, "2026-01-01", "00:00"), 2544 * time.Hour, at(t, "2026-12-31", "18:00")},
		{"fractions of a second", desk, at(t, "2026-06-01", "09:00:00.5"), 1250 * time.Millisecond, at(t, "2026-06-01", "09:00:01.75")},
		{"fraction from a non-working second", desk, at(t, "2026-06-01", "07:59:59.5"), 250 * time.Millisecond, at(t, "2026-06-01", "08:00:00.25")},
		{"zero", desk, at(t, "2026-06-07", "10:00"), 0, at(t, "2026-06-07", "10:00")},
		{"negative", desk, at(t, "2026-06-01", "10:00"), -time.Hour, at(t, "2026-06-01", "10:00")},
		{"spring DST: 2h from Saturday", night, at(t, "2026-03-28", "12:00"), 2 * time.Hour, at(t, "2026-03-29", "04:00")},
		{"spring DST: 1h30 lands after the gap", night, at(t, "2026-03-28", "12:00"), 90 * time.Minute, at(t, "2026-03-29", "03:30")},
		{"autumn DST: 3h lands in the repeated hour", night, at(t, "2026-10-24", "12:00"), 3 * time.Hour, utc("2026-10-25", "02:00")},
		{"autumn DST: 4h", night, at(t, "2026-10-24", "12:00"), 4 * time.Hour, at(t, "2026-10-25", "04:00")},
		{"night shift over midnight", overnight, at(t, "2026-06-01", "23:00"), 2 * time.Hour, at(t, "2026-06-02", "01:00")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.cal.Add(tc.from, tc.d)
			if !got.Equal(tc.want) {
				t.Errorf("Add(%s, %s) = %s, want %s", tc.from, tc.d, got, tc.want)
			}
			if got.Location() != tc.from.Location() {
				t.Errorf("Add returned a time in %s, want from's location %s", got.Location(), tc.from.Location())
			}
			if tc.d > 0 {
				if back := tc.cal.Between(tc.from, got); back != tc.d {
					t.Errorf("Between(from, Add(from, %s)) = %s", tc.d, back)
				}
			}
		})
	}
}

func TestIsWorking(t *testing.T) {
	desk := mustParse(t, deskYAML)
	night := mustParse(t, nightYAML)
	late := mustParse(t, lateYAML)
	tests := []struct {
		name string
		cal  *Calendar
		t    time.Time
		want bool
	}{
		{"opening second", desk, at(t, "2026-06-01", "08:00"), true},
		{"just before opening", desk, at(t, "2026-06-01", "07:59:59.999"), false},
		{"lunch starts", desk, at(t, "2026-06-01", "12:00"), false},
		{"last second of the day", desk, at(t, "2026-06-01", "17:59:59"), true},
		{"closing time", desk, at(t, "2026-06-01", "18:00"), false},
		{"Saturday morning", desk, at(t, "2026-06-06", "12:59"), true},
		{"Sunday", desk, at(t, "2026-06-07", "10:00"), false},
		{"holiday", desk, at(t, "2026-12-25", "10:00"), false},
		{"written in another zone", desk, time.Date(2026, 6, 1, 6, 30, 0, 0, time.UTC), true},
		{"repeated hour, first time", night, utc("2026-10-25", "00:15"), true},
		{"repeated hour, second time", night, utc("2026-10-25", "01:15"), true},
		{"02:30 start, 02:15 the first time", late, utc("2026-10-25", "00:15"), false},
		{"02:30 start, 02:45 the first time", late, utc("2026-10-25", "00:45"), true},
		{"02:30 start, 02:15 the second time", late, utc("2026-10-25", "01:15"), false},
		{"02:30 start, 02:45 the second time", late, utc("2026-10-25", "01:45"), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.cal.IsWorking(tc.t); got != tc.want {
				t.Errorf("IsWorking(%s) = %v, want %v", tc.t, got, tc.want)
			}
		})
	}
}

func TestAlways(t *testing.T) {
	c := Always()
	if c.Name() != "24x7" || c.Location() != time.UTC {
		t.Errorf("Always() is %q in %s", c.Name(), c.Location())
	}
	// Spans over both DST changes, in zones with and without DST.
	spans := [][2]time.Time{
		{at(t, "2026-03-28", "12:00"), at(t, "2026-03-30", "00:00")},
		{at(t, "2026-10-24", "12:00"), at(t, "2026-10-26", "00:00")},
		{at(t, "2026-01-01", "00:00:00.123"), time.Date(2027, 1, 1, 0, 0, 0, 0, mustZone(t, "Asia/Kathmandu"))},
		{time.Date(2026, 6, 1, 0, 0, 0, 1, time.UTC), time.Date(2026, 6, 1, 0, 0, 0, 2, time.UTC)},
	}
	for _, s := range spans {
		want := s[1].Sub(s[0])
		if got := c.Between(s[0], s[1]); got != want {
			t.Errorf("Always().Between(%s, %s) = %s, want %s", s[0], s[1], got, want)
		}
		if got := c.Add(s[0], want); !got.Equal(s[1]) {
			t.Errorf("Always().Add(%s, %s) = %s, want %s", s[0], want, got, s[1])
		}
		if !c.IsWorking(s[0]) {
			t.Errorf("Always().IsWorking(%s) = false", s[0])
		}
	}
	// A parsed 24×7 calendar takes the general path and must agree.
	full := mustParse(t, "timezone: Europe/Amsterdam\nhours:\n  mon-sun: [\"00:00-24:00\"]\n")
	for _, s := range spans {
		if got, want := full.Between(s[0], s[1]), c.Between(s[0], s[1]); got != want {
			t.Errorf("24×7 Amsterdam Between(%s, %s) = %s, want %s", s[0], s[1], got, want)
		}
	}
}

// TestFarInstants covers instants outside the zone table (before 1800,
// after 2200), where the time package is asked directly, and absurd ones.
func TestFarInstants(t *testing.T) {
	desk := mustParse(t, deskYAML)
	// 2300-06-01 is a Friday; 1750-06-01 a Monday.
	for _, day := range []time.Time{at(t, "2300-06-01", "00:00"), at(t, "1750-06-01", "00:00")} {
		if got := desk.Between(day, day.AddDate(0, 0, 1)); got != 9*time.Hour {
			t.Errorf("Between over %s = %s, want 9h", day.Format(time.DateOnly), got)
		}
		if got, want := desk.Add(day, 9*time.Hour), day.Add(18*time.Hour); !got.Equal(want) {
			t.Errorf("Add(%s, 9h) = %s, want %s", day, got, want)
		}
	}
	// A span across the end of the table.
	from, to := at(t, "2199-12-31", "12:00"), at(t, "2200-01-01", "12:00") // Tuesday, Wednesday
	if got := desk.Between(from, to); got != 9*time.Hour {
		t.Errorf("Between across 2200 = %s, want 9h", got)
	}
	// Absurd instants must not panic, and the result saturates.
	lo, hi := time.Unix(-1<<62, 0), time.Unix(1<<62, 0)
	if got := desk.Between(lo, hi); got <= 0 {
		t.Errorf("Between(%s, %s) = %s", lo, hi, got)
	}
	_ = desk.Add(hi, time.Hour)
	_ = desk.IsWorking(lo)
	var zero time.Time
	_ = desk.Between(zero, at(t, "2026-06-01", "00:00"))
}

func TestName(t *testing.T) {
	if got := mustParse(t, deskYAML).Name(); got != "Service desk hours" {
		t.Errorf("Name() = %q", got)
	}
	if got := mustParse(t, nightYAML).Name(); got != "test.yaml" {
		t.Errorf("Name() without a name field = %q, want the name given to Parse", got)
	}
	if got := mustParse(t, deskYAML).Location().String(); got != "Europe/Amsterdam" {
		t.Errorf("Location() = %s", got)
	}
}

// TestNotPeriodic forces the path for a zone that would not repeat every
// 400 years (none does today): past the table, Between must walk the time
// package's periods and still agree.
func TestNotPeriodic(t *testing.T) {
	desk := mustParse(t, deskYAML)
	z := *desk.zone
	z.periodic = false
	walker := newCalendar(desk.name, &z, desk.week)
	for _, s := range [][2]time.Time{
		{at(t, "2026-06-01", "09:00"), at(t, "3100-06-01", "09:00")},
		{at(t, "3100-03-01", "09:00:00.5"), at(t, "3100-12-01", "09:00")},
		{at(t, "2999-12-31", "12:00"), at(t, "3001-01-02", "12:00")},
	} {
		if got, want := walker.Between(s[0], s[1]), desk.Between(s[0], s[1]); got != want {
			t.Errorf("Between(%s, %s): walking %s, folding %s", s[0], s[1], got, want)
		}
		d := desk.Between(s[0], s[1])
		if got, want := walker.Add(s[0], d), desk.Add(s[0], d); !got.Equal(want) {
			t.Errorf("Add(%s, %s): walking %s, folding %s", s[0], d, got, want)
		}
	}
}

// Seconds measures spans longer than a time.Duration holds (about 292
// years) exactly: a case from 0001-01-01 to 9999-12-31 used to come out as
// ~106,752 days, silently. The reference is the sum of Between over
// 100-year pieces, each well inside a Duration (Between is additive).
func TestSecondsDoesNotSaturate(t *testing.T) {
	from, to := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	for _, c := range []*Calendar{Always(), mustParse(t, deskYAML)} {
		var want float64
		for a := from; a.Before(to); {
			b := a.AddDate(100, 0, 0)
			if b.After(to) {
				b = to
			}
			want += c.Between(a, b).Seconds()
			a = b
		}
		got := c.Seconds(from.UnixMicro(), to.UnixMicro())
		if got != want {
			t.Errorf("%s: Seconds over 0001–9999 = %.0f s (%.0f d), want %.0f s", c.Name(), got, got/86400, want)
		}
		if got <= (292 * 365 * 86400 * 0.05) { // the desk works ~24 % of the time: far more than 292 years' 5 %
			t.Errorf("%s: %.0f s is implausibly short", c.Name(), got)
		}
		if sat := c.Between(from, to).Seconds(); sat >= got {
			t.Errorf("%s: Between gives %v s; the test needs a span it saturates on", c.Name(), sat)
		}
	}
	if got := Always().Seconds(10, 5); got != 0 {
		t.Errorf("Seconds of a reversed span = %v, want 0", got)
	}
}

// AddMicros is Add in microseconds, and inverts Seconds.
func TestAddMicros(t *testing.T) {
	desk := mustParse(t, deskYAML)
	for _, c := range []*Calendar{Always(), desk} {
		from := at(t, "2026-03-27", "17:30").UnixMicro() // a Friday afternoon, before a DST change
		for _, work := range []int64{0, 1, 1_500_000, 3_600_000_000, 40 * 3_600_000_000} {
			got := c.AddMicros(from, work)
			want := c.Add(time.UnixMicro(from), time.Duration(work)*time.Microsecond).UnixMicro()
			if got != want {
				t.Errorf("%s: AddMicros(+%dµs) = %d, Add gives %d", c.Name(), work, got, want)
			}
			if work > 0 && c.Seconds(from, got) != float64(work)/1e6 {
				t.Errorf("%s: Seconds(from, AddMicros(from, %d)) = %v", c.Name(), work, c.Seconds(from, got))
			}
		}
	}
}

// WorkingSpan returns stretches that are working time throughout, start at
// the next working instant, and end where work stops (or earlier at a
// midnight, DST change or the zone table's period end).
func TestWorkingSpan(t *testing.T) {
	desk := mustParse(t, deskYAML)
	night := mustParse(t, nightYAML)
	for _, c := range []*Calendar{desk, night} {
		for us := at(t, "2026-03-20", "00:00").UnixMicro(); us < at(t, "2026-11-10", "00:00").UnixMicro(); us += 3_700_000_000 + 12_345 {
			from, to := c.WorkingSpan(us)
			if want := c.AddMicros(us, 1) - 1; from != want {
				t.Fatalf("%s: span from %d, next working instant %d", c.Name(), from, want)
			}
			if to <= from {
				t.Fatalf("%s: empty span [%d, %d)", c.Name(), from, to)
			}
			// Every second of the span is working, and the work in it is
			// its length.
			for x := from; x < to; x += max(1, (to-from)/17) {
				if !c.IsWorking(time.UnixMicro(x)) {
					t.Fatalf("%s: %s in span [%s, %s) is not working", c.Name(), time.UnixMicro(x), time.UnixMicro(from), time.UnixMicro(to))
				}
			}
			if got := c.Seconds(from, to); got != float64(to-from)/1e6 {
				t.Fatalf("%s: span [%s, %s) holds %v s of work", c.Name(), time.UnixMicro(from), time.UnixMicro(to), got)
			}
		}
	}
	if f, to := Always().WorkingSpan(5); f != 5 || to != math.MaxInt64 {
		t.Errorf("Always: [%d, %d)", f, to)
	}
}
