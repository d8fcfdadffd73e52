// Package simlog turns a simulation run into an event log: kept in memory
// as activity instances with their case attributes, written as CSV (one row
// per activity instance: case_id, activity, start_time, end_time, resource
// and the attributes), as XES (a start and a complete event per instance),
// or handed to the warehouse in pmx's canonical schema (Read), so that every
// pmx command runs on simulated data as on real data.
//
// It writes to the io.Writer or event.Sink it is given and opens nothing.
// It must not import database/sql, DuckDB, report or cmd.
package simlog

import (
	"context"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pmx-dev/pmx/analysis/sim/engine"
	"github.com/pmx-dev/pmx/analysis/timeline"
	"github.com/pmx-dev/pmx/ingest/event"
)

// Log is a simulated log: instances in completion order and each case's
// attributes.
type Log struct {
	Activities []string // engine.Sim.Activities
	Resources  []string
	Attributes []string // names, by position in CaseAttrs' rows
	Instances  []engine.Instance
	CaseAttrs  [][]string // per case, by Attributes ("" = absent)
	// Prefix names cases: Prefix + its number ("sim-1", …).
	Prefix string
}

// Recorder collects a run into a Log: pass its Emit and CaseAttributes to
// engine.Options.
func Recorder(s *engine.Sim, prefix string) *Log {
	return &Log{Activities: s.Activities, Resources: s.Resources, Attributes: s.Attributes, Prefix: prefix}
}

// Emit records one instance.
func (l *Log) Emit(in engine.Instance) { l.Instances = append(l.Instances, in) }

// CaseAttributes records a case's attributes.
func (l *Log) CaseAttributes(c int, values []string) {
	for len(l.CaseAttrs) <= c {
		l.CaseAttrs = append(l.CaseAttrs, nil)
	}
	l.CaseAttrs[c] = append([]string(nil), values...)
}

// Sorted returns the instances ordered by case, then start, then end.
func (l *Log) Sorted() []engine.Instance {
	out := append([]engine.Instance(nil), l.Instances...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Case != b.Case {
			return a.Case < b.Case
		}
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		return a.End < b.End
	})
	return out
}

func (l *Log) caseID(c int) string { return l.Prefix + strconv.Itoa(c+1) }

func (l *Log) resource(r int32) string {
	if r < 0 {
		return ""
	}
	return l.Resources[r]
}

func stamp(us int64) string { return time.UnixMicro(us).UTC().Format("2006-01-02T15:04:05.000000Z") }

// WriteCSV writes one row per activity instance.
func (l *Log) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{"case_id", "activity", "start_time", "end_time", "resource"}
	for _, a := range l.Attributes {
		head = append(head, "case:"+a)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	row := make([]string, len(head))
	for _, in := range l.Sorted() {
		row[0], row[1], row[2], row[3], row[4] = l.caseID(in.Case), l.Activities[in.Activity], stamp(in.Start), stamp(in.End), l.resource(in.Resource)
		for i := range l.Attributes {
			row[5+i] = ""
			if in.Case < len(l.CaseAttrs) && l.CaseAttrs[in.Case] != nil {
				row[5+i] = l.CaseAttrs[in.Case][i]
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXES writes an XES 1.0 log: per case its attributes, and per
// instance a start and a complete event (lifecycle extension). Names and
// values are escaped; what XML 1.0 cannot hold (invalid UTF-8, control
// characters other than tab, newline and carriage return) becomes U+FFFD.
func (l *Log) WriteXES(w io.Writer) error {
	var err error
	pr := func(format string, args ...any) {
		if err == nil {
			_, err = fmt.Fprintf(w, format, args...)
		}
	}
	esc := func(s string) string {
		var b []byte
		b, _ = xmlEscape(s)
		return string(b)
	}
	pr(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	pr(`<log xes.version="1.0" xes.features="nested-attributes">` + "\n")
	pr(`  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>` + "\n")
	pr(`  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>` + "\n")
	pr(`  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>` + "\n")
	pr(`  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>` + "\n")
	pr(`  <string key="source" value="pmx simulate"/>` + "\n")
	ins := l.Sorted()
	for i := 0; i < len(ins); {
		c := ins[i].Case
		pr("  <trace>\n    <string key=\"concept:name\" value=\"%s\"/>\n", esc(l.caseID(c)))
		if c < len(l.CaseAttrs) {
			for k, v := range l.CaseAttrs[c] {
				if v != "" {
					pr("    <string key=\"%s\" value=\"%s\"/>\n", esc(l.Attributes[k]), esc(v))
				}
			}
		}
		for ; i < len(ins) && ins[i].Case == c; i++ {
			in := ins[i]
			for _, ev := range [...]struct {
				lc string
				t  int64
			}{{"start", in.Start}, {"complete", in.End}} {
				pr("    <event>\n      <string key=\"concept:name\" value=\"%s\"/>\n", esc(l.Activities[in.Activity]))
				pr("      <string key=\"lifecycle:transition\" value=\"%s\"/>\n", ev.lc)
				if r := l.resource(in.Resource); r != "" {
					pr("      <string key=\"org:resource\" value=\"%s\"/>\n", esc(r))
				}
				pr("      <date key=\"time:timestamp\" value=\"%s\"/>\n    </event>\n", time.UnixMicro(ev.t).UTC().Format("2006-01-02T15:04:05.000000Z07:00"))
			}
		}
		pr("  </trace>\n")
	}
	pr("</log>\n")
	return err
}

func xmlEscape(s string) ([]byte, error) {
	var b []byte
	buf := &appendWriter{b: b}
	if err := xml.EscapeText(buf, []byte(s)); err != nil {
		return nil, err
	}
	return buf.b, nil
}

type appendWriter struct{ b []byte }

func (a *appendWriter) Write(p []byte) (int, error) { a.b = append(a.b, p...); return len(p), nil }

// Read hands the log to a warehouse import (warehouse.ReadFunc): one
// canonical event per instance (completion time, start time, resource,
// lifecycle complete) and one case row per case with its attributes.
// Invalid UTF-8 in names becomes U+FFFD, as pmx's file readers make it
// (DuckDB refuses it).
func (l *Log) Read(ctx context.Context, sink event.Sink) (event.Meta, error) {
	b := event.NewBuilder(sink, 0)
	defer b.Release()
	var meta event.Meta
	var obj event.Object
	acts, res := validUTF8(l.Activities), validUTF8(l.Resources)
	prefix := strings.ToValidUTF8(l.Prefix, "\uFFFD")
	caseID := func(c int) string { return prefix + strconv.Itoa(c+1) }
	for c := range l.CaseAttrs {
		obj.Reset()
		for k, v := range l.CaseAttrs[c] {
			if v != "" {
				obj.String(l.Attributes[k], v)
			}
		}
		var attrs []byte
		if obj.Len() > 0 {
			attrs = obj.Bytes()
		}
		if err := b.AppendCase(caseID(c), attrs); err != nil {
			return meta, err
		}
	}
	for i, in := range l.Sorted() {
		if i%65536 == 0 && ctx.Err() != nil {
			return meta, ctx.Err()
		}
		e := event.Event{Case: caseID(in.Case), Activity: acts[in.Activity], Time: in.End, Start: in.Start,
			Lifecycle: "complete", Seq: int64(i)}
		if in.Resource >= 0 {
			e.Resource = res[in.Resource]
		}
		if err := b.Append(&e); err != nil {
			return meta, err
		}
		meta.Events++
	}
	if err := b.Flush(); err != nil {
		return meta, err
	}
	meta.Attrs = []byte(`{"source":"pmx simulate"}`)
	return meta, nil
}

// validUTF8 is names with invalid UTF-8 replaced by U+FFFD.
func validUTF8(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strings.ToValidUTF8(n, "\uFFFD")
	}
	return out
}

// Timeline is the log as a timeline.Log, for the analyses that read one
// (SLA rules, the time decomposition): cases in number order, instances by
// completion within a case.
func (l *Log) Timeline() *timeline.Log {
	t := &timeline.Log{Name: "simulated", Activities: l.Activities, Resources: l.Resources}
	ins := append([]engine.Instance(nil), l.Instances...)
	sort.SliceStable(ins, func(i, j int) bool {
		if ins[i].Case != ins[j].Case {
			return ins[i].Case < ins[j].Case
		}
		return ins[i].End < ins[j].End
	})
	var obj event.Object
	for i := 0; i < len(ins); {
		c := ins[i].Case
		t.CaseIDs = append(t.CaseIDs, l.caseID(c))
		obj.Reset()
		if c < len(l.CaseAttrs) {
			for k, v := range l.CaseAttrs[c] {
				if v != "" {
					obj.String(l.Attributes[k], v)
				}
			}
		}
		attrs := ""
		if obj.Len() > 0 {
			attrs = string(obj.Bytes())
		}
		t.CaseAttrs = append(t.CaseAttrs, attrs)
		t.CaseStart = append(t.CaseStart, int32(len(t.Act)))
		k := int32(len(t.CaseIDs) - 1)
		for ; i < len(ins) && ins[i].Case == c; i++ {
			in := ins[i]
			t.Case = append(t.Case, k)
			t.Act = append(t.Act, in.Activity)
			t.Resource = append(t.Resource, in.Resource)
			t.Time = append(t.Time, in.End)
			t.Start = append(t.Start, in.Start)
		}
	}
	t.CaseStart = append(t.CaseStart, int32(len(t.Act)))
	return t
}
