package main

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"
)

func TestCalendarAcrossDST(t *testing.T) {
	loc, err := time.LoadLocation(zoneName)
	if err != nil {
		t.Fatal(err)
	}
	o, err := newOrg(loc)
	if err != nil {
		t.Fatal(err)
	}
	// Friday before the change to summer time, one hour before closing.
	fri := time.Date(2026, 3, 27, 17, 0, 0, 0, loc)
	got := o.std.add(fri, 2*time.Hour)
	if want := "2026-03-30T09:00:00+02:00"; got.Format(time.RFC3339) != want {
		t.Errorf("add over the DST weekend = %s, want %s", got.Format(time.RFC3339), want)
	}
	if d := o.std.between(fri, got); d != 2*time.Hour {
		t.Errorf("between = %v, want 2h", d)
	}
	// King's Day is a holiday: Friday 24 April 17:00 + 2h ends Tuesday 09:00.
	got = o.std.add(time.Date(2026, 4, 24, 17, 0, 0, 0, loc), 2*time.Hour)
	if want := "2026-04-28T09:00:00+02:00"; got.Format(time.RFC3339) != want {
		t.Errorf("add over a holiday = %s, want %s", got.Format(time.RFC3339), want)
	}
	// Dispatch starts late on Mondays.
	var disp *agent
	for _, a := range o.dispatchers() {
		disp = a
	}
	mon := time.Date(2026, 3, 30, 8, 0, 0, 0, loc)
	if got := disp.disp.next(mon); got.In(loc).Hour() != 10 || got.In(loc).Minute() != 30 {
		t.Errorf("Monday dispatch starts at %s, want 10:30", got.In(loc).Format(time.Kitchen))
	}
}

// TestGenerateSmall checks a short log: same bytes for the same seed, well
// formed XML, the right number of traces, and local offsets that match the
// zone on each date.
func TestGenerateSmall(t *testing.T) {
	render := func() []byte {
		incs, meta, err := generate(7, 150)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := writeXES(&b, meta, incs); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	a, b := render(), render()
	if !bytes.Equal(a, b) {
		t.Fatal("two runs with the same seed differ")
	}
	loc, err := time.LoadLocation(zoneName)
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(a))
	traces, events := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "trace":
			traces++
		case "event":
			events++
		case "date":
			var v string
			for _, at := range se.Attr {
				if at.Name.Local == "value" {
					v = at.Value
				}
			}
			ts, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				t.Fatalf("bad timestamp %q: %v", v, err)
			}
			if strings.HasSuffix(v, "Z") {
				continue
			}
			_, off := ts.Zone()
			if _, want := ts.In(loc).Zone(); off != want && ts.Year() > 1970 {
				t.Errorf("timestamp %s has offset %d, zone says %d", v, off, want)
			}
		}
	}
	if traces != 150 || events < 150*5 {
		t.Errorf("got %d traces and %d events", traces, events)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-cases", "0"}, {"extra"}, {"-seed", "x"}} {
		if err := run(args, io.Discard); err == nil {
			t.Errorf("run(%q) = nil, want an error", args)
		}
	}
}

func TestEscape(t *testing.T) {
	if got, want := escape(`Van Dijk & "Zonen" <x>`), "Van Dijk &amp; &#34;Zonen&#34; &lt;x&gt;"; got != want {
		t.Errorf("escape = %q, want %q", got, want)
	}
}
