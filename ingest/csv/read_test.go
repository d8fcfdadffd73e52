package csv

import (
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/ingest/event"
)

// us parses an RFC 3339 instant to UTC microseconds.
func us(t testing.TB, s string) int64 {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v.UnixMicro()
}

func TestReadForms(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		opt    Options
		events []row // compared field by field where set (Time 0 = skip)
		cases  map[string]string
	}{
		{name: "comma", src: "case,activity,timestamp,resource\nc1,A,2021-01-02 03:04:05,ann\nc1,B,2021-01-02 03:05:00,\n",
			events: []row{{Case: "c1", Activity: "A", Resource: "ann", Seq: 0}, {Case: "c1", Activity: "B", Seq: 1}},
			cases:  map[string]string{"c1": ""}},
		{name: "semicolon", src: "Case ID;Activity;Complete Timestamp;Cost\nc1;A;2021-01-02 03:04:05;12.5\nc2;B;2021-01-02 03:04:06;007\n",
			events: []row{{Case: "c1", Activity: "A", Attrs: `{"Cost":12.5}`}, {Case: "c2", Activity: "B", Attrs: `{"Cost":"007"}`}}},
		{name: "tab", src: "case_id\tevent\ttime\tnote\nc1\tA\t2021-01-02T03:04:05Z\thas, comma\n",
			events: []row{{Case: "c1", Activity: "A", Attrs: `{"note":"has, comma"}`}}},
		{name: "pipe", src: "case|task|date\nc1|A|2021-01-02\n", events: []row{{Case: "c1", Activity: "A"}}},
		{name: "quoted", src: "case,activity,timestamp,note\n\"c,1\",\"say \"\"hi\"\"\",2021-01-02 03:04:05,\"two\nlines\"\nc2,B,2021-01-02 03:04:05,\"\"\n",
			events: []row{{Case: "c,1", Activity: `say "hi"`, Attrs: `{"note":"two\nlines"}`}, {Case: "c2", Activity: "B"}}},
		{name: "bom crlf", src: "\xEF\xBB\xBFcase,activity,timestamp\r\nc1,A,2021-01-02 03:04:05\r\n\"c2\",\"B\",2021-01-02 03:04:06\r\n",
			events: []row{{Case: "c1", Activity: "A"}, {Case: "c2", Activity: "B"}}},
		{name: "explicit mapping", src: "case,activity,timestamp,other,who\nc1,A,2021-01-02 03:04:05,X,bob\n",
			opt:    Options{Mapping: Mapping{Activity: "OTHER", Resource: "who"}},
			events: []row{{Case: "c1", Activity: "X", Resource: "bob", Attrs: `{"activity":"A"}`}}},
		{name: "mapping dash", src: "case,activity,timestamp,user\nc1,A,2021-01-02 03:04:05,bob\n",
			opt:    Options{Mapping: Mapping{Resource: "-"}},
			events: []row{{Case: "c1", Activity: "A", Attrs: `{"user":"bob"}`}}},
		{name: "case attrs", src: "case:concept:name,concept:name,time:timestamp,case:amount,case:channel,org:group,x\n" +
			"c1,A,2021-01-02 03:04:05,10,web,G1,\nc1,B,2021-01-02 03:04:06,10,web,G2,-3e2\nc2,A,2021-01-02 03:04:07,,,,true\nc1,C,2021-01-02 03:04:08,10,web,,\n",
			events: []row{{Case: "c1", Attrs: `{"org:group":"G1"}`}, {Case: "c1", Attrs: `{"org:group":"G2","x":-3e2}`},
				{Case: "c2", Attrs: `{"x":"true"}`}, {Case: "c1", Seq: 3}},
			cases: map[string]string{"c1": `{"amount":10,"channel":"web"}`, "c2": ""}},
		{name: "start lifecycle", src: "case,activity,start_timestamp,timestamp,lifecycle:transition\nc1,A,2021-01-02 03:00:00,2021-01-02 03:04:05,complete\nc1,B,,2021-01-02 03:05:00,\n",
			events: []row{{Case: "c1", Start: us(t, "2021-01-02T03:00:00Z"), Lifecycle: "complete", Time: us(t, "2021-01-02T03:04:05Z")},
				{Case: "c1", Start: event.NoTime}}},
		{name: "duplicate and empty headers", src: "case,activity,timestamp,x,x,\nc1,A,2021-01-02,1,2,3\n",
			events: []row{{Case: "c1", Attrs: `{"x":1,"x_2":2,"column_6":3}`}}},
		{name: "empty lines skipped", src: "case,activity,timestamp\n\nc1,A,2021-01-02\n\n\nc2,B,2021-01-03",
			events: []row{{Case: "c1"}, {Case: "c2", Seq: 1}}},
		{name: "header only", src: "case,activity,timestamp\n"},
		{name: "invalid utf8", src: "case,activity,timestamp,n\nc\xff,A,2021-01-02,\xfe\n",
			events: []row{{Case: "c\uFFFD", Attrs: `{"n":"\ufffd"}`}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, m, err := readString(t, tc.src, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.events) != len(tc.events) || m.Events != int64(len(tc.events)) {
				t.Fatalf("got %d events (meta %d), want %d: %+v", len(s.events), m.Events, len(tc.events), s.events)
			}
			for i, w := range tc.events {
				g := s.events[i]
				if (w.Case != "" && g.Case != w.Case) || (w.Activity != "" && g.Activity != w.Activity) ||
					g.Resource != w.Resource || (w.Attrs != "" && g.Attrs != w.Attrs) || (w.Seq != 0 && g.Seq != w.Seq) ||
					(w.Time != 0 && g.Time != w.Time) || (w.Start != 0 && g.Start != w.Start) ||
					(w.Lifecycle != "" && g.Lifecycle != w.Lifecycle) {
					t.Errorf("event %d = %+v, want %+v", i, g, w)
				}
			}
			if tc.cases != nil {
				if len(s.cases) != len(tc.cases) || s.dupCases != 0 {
					t.Errorf("cases = %v (dups %d), want %v", s.cases, s.dupCases, tc.cases)
				}
				for id, a := range tc.cases {
					if got, ok := s.cases[id]; !ok || got != a {
						t.Errorf("case %q attrs = %q, want %q", id, got, a)
					}
				}
			}
			if len(s.rejects) != 0 {
				t.Errorf("unexpected rejects %+v", s.rejects)
			}
		})
	}
}

func TestReadBadRows(t *testing.T) {
	const head = "case,activity,timestamp\n"
	tests := []struct {
		name   string
		src    string
		line   int64
		reason string // substring
		raw    string
		good   int // events imported with Rejects
	}{
		{"no case", head + "c1,A,2021-01-02\n,B,2021-01-02\nc2,C,2021-01-03\n", 3, "empty case id", ",B,2021-01-02", 2},
		{"no activity", head + "c1,,2021-01-02\r\nc2,C,2021-01-03\n", 2, "empty activity", "c1,,2021-01-02", 1},
		{"no timestamp", head + "c1,A,2021-01-02\nc1,B, \n", 3, "empty timestamp", "c1,B, ", 1},
		{"too many fields", head + "c1,A,2021-01-02\nc1,B,2021-01-02,extra\n", 3, "row has 4 fields, header has 3", "c1,B,2021-01-02,extra", 1},
		{"too few fields", head + "c1,C\nc1,A,2021-01-02\n", 2, "row has 2 fields, header has 3", "c1,C", 1},
		{"bad timestamp", head + "c1,A,2021-01-02\nc1,B,2021-02-30\nc1,C,2021-01-03\n", 3, `"2021-02-30"`, "c1,B,2021-02-30", 2},
		{"after multiline quote", head + "c1,\"A\nstill A\n\",2021-01-02\nc1,B,nope\n", 5, `"nope"`, "c1,B,nope", 1},
		{"quote in multiline row", head + "c1,A,2021-01-02\n\n\"c\n2\",B,2021-13-01\n", 4, `"2021-13-01"`, "\"c\n2\",B,2021-13-01", 1},
		{"unterminated", head + "c1,A,2021-01-02\nc2,\"B,2021-01-02\nc3,C,2021-01-02\n", 3, "unterminated", "c2,\"B,2021-01-02\nc3,C,2021-01-02\n", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readString(t, tc.src, Options{})
			var se *event.SourceError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a SourceError", err)
			}
			if se.Unit != "line" || se.Pos != tc.line || se.Source != "test.csv" || !strings.Contains(se.Reason, tc.reason) {
				t.Errorf("err = %v, want line %d with %q", err, tc.line, tc.reason)
			}
			s, m, err := readString(t, tc.src, Options{Rejects: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(s.rejects) != 1 || m.Rejected != 1 {
				t.Fatalf("rejects = %+v (meta %d), want 1", s.rejects, m.Rejected)
			}
			if r := s.rejects[0]; r.Line != tc.line || r.Raw != tc.raw || !strings.Contains(r.Reason, tc.reason) {
				t.Errorf("reject = %+v, want line %d raw %q", r, tc.line, tc.raw)
			}
			if len(s.events) != tc.good || m.Events != int64(tc.good) {
				t.Errorf("imported %d events, want %d", len(s.events), tc.good)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name, src string
		opt       Options
		want      []string // substrings
	}{
		{"empty", "", Options{}, []string{"empty input"}},
		{"no time column", "case,activity,when?\nc1,A,x\n", Options{}, []string{"no time column", `"when?"`, "--timestamp COLUMN"}},
		{"no case column", "id,activity,timestamp\n", Options{}, []string{"no case column", `["id", "activity", "timestamp"]`}},
		{"start only", "case,activity,start time\n", Options{}, []string{`only a start column "start time"`}},
		{"mapping not in header", "case,activity,timestamp\n", Options{Mapping: Mapping{Resource: "who"}}, []string{`--resource "who": no such column`}},
		{"bad delimiter", "a\n", Options{Delimiter: '"'}, []string{"delimiter"}},
		{"undetectable time", "case,activity,timestamp\nc,A,soon\nc,A,later\n", Options{}, []string{"cannot detect", `"soon"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readString(t, tc.src, tc.opt)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v, want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestDetectMapping(t *testing.T) {
	tests := []struct {
		header string
		want   Mapping
	}{
		{"case:concept:name,concept:name,time:timestamp,org:resource,lifecycle:transition,case:x",
			Mapping{"case:concept:name", "concept:name", "time:timestamp", "", "org:resource", "lifecycle:transition"}},
		{"Case ID,Activity,Start Timestamp,Complete Timestamp,Resource",
			Mapping{"Case ID", "Activity", "Complete Timestamp", "Start Timestamp", "Resource", ""}},
		{"Incident-ID;Event Name;End_Time;User;Event Type",
			Mapping{"Incident-ID", "Event Name", "End_Time", "", "User", "Event Type"}},
		{"TICKET ID,ACTION,TIMESTAMP,time:start,agent",
			Mapping{"TICKET ID", "ACTION", "TIMESTAMP", "time:start", "agent", ""}},
	}
	for _, tc := range tests {
		m, _, err := Detect(strings.NewReader(tc.header+"\n"), Options{})
		if err != nil || m != tc.want {
			t.Errorf("Detect(%q) = %+v, %v; want %+v", tc.header, m, err, tc.want)
		}
	}
}

func TestTestdataFiles(t *testing.T) {
	tests := []struct {
		file     string
		mapping  Mapping
		layout   string
		events   int
		rejects  []int64 // lines
		first    row
		firstUTC string
	}{
		{"quoted.csv", Mapping{"case", "activity", "timestamp", "", "", ""}, "2006-01-02T15:04:05Z07:00", 4, []int64{8},
			row{Case: "c1", Activity: `Check, then "approve"`, Attrs: `{"comment":"first line\nsecond line"}`}, "2021-03-04T10:00:00Z"},
		{"bom_crlf_semicolon.csv", Mapping{"Case ID", "Activity", "End Time", "Start Time", "Resource", ""}, "02.01.2006 15:04", 3, nil,
			row{Case: "1", Activity: "Register", Resource: "Ann", Attrs: `{"Cost":"12,50"}`}, "2021-03-04T09:15:00Z"},
		{"month_first_tab.tsv.gz", Mapping{"CaseId", "Task", "Date", "", "User", ""}, "1/02/2006 3:04:05 PM", 50, nil,
			row{Case: "k0", Activity: "step 0", Resource: "u0"}, "2020-01-13T13:00:00Z"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			path := "testdata/" + tc.file
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var r io.Reader = f
			if strings.HasSuffix(path, ".gz") {
				if r, err = gzip.NewReader(f); err != nil {
					t.Fatal(err)
				}
			}
			m, layout, err := Detect(r, Options{})
			if err != nil || m != tc.mapping || layout != tc.layout {
				t.Errorf("Detect = %+v %q %v", m, layout, err)
			}
			s := newCollectSink()
			meta, err := ReadFile(context.Background(), path, Options{Rejects: true}, s)
			if err != nil {
				t.Fatal(err)
			}
			if meta.Events != int64(tc.events) || len(s.rejects) != len(tc.rejects) {
				t.Fatalf("events %d rejects %+v", meta.Events, s.rejects)
			}
			for i, l := range tc.rejects {
				if s.rejects[i].Line != l {
					t.Errorf("reject %d at line %d, want %d", i, s.rejects[i].Line, l)
				}
			}
			g := s.events[0]
			if g.Case != tc.first.Case || g.Activity != tc.first.Activity || g.Resource != tc.first.Resource ||
				g.Attrs != tc.first.Attrs || time.UnixMicro(g.Time).UTC().Format(time.RFC3339Nano) != tc.firstUTC {
				t.Errorf("first event %+v (%s)", g, time.UnixMicro(g.Time).UTC())
			}
		})
	}
}
