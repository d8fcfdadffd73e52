package csv

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pmx-dev/pmx/ingest/event"
)

// Roles, in the order auto-detection claims columns.
const (
	roleCase = iota
	roleActivity
	roleTime
	roleStart
	roleResource
	roleLifecycle
	numRoles
)

var roleNames = [numRoles]string{"case", "activity", "time", "start", "resource", "lifecycle"}

// roleFlags are the pmx import flags (Mapping fields) that name each role's
// column: error messages speak of them, since people meet them on the CLI.
var roleFlags = [numRoles]string{"--case", "--activity", "--timestamp", "--start", "--resource", "--lifecycle"}

// aliases lists, per role and in order of preference, the header names
// auto-detection recognises. They are compared normalised (see norm).
var aliases = [numRoles][]string{
	roleCase: {"case:concept:name", "case id", "caseid", "case", "case_id", "case key", "trace id", "trace",
		"incident id", "ticket id", "ticket", "order id", "process instance id", "instance id"},
	roleActivity: {"concept:name", "activity", "activity name", "activity id", "event", "event name", "task",
		"task name", "action", "operation", "step"},
	roleTime: {"time:timestamp", "complete timestamp", "completion time", "completion timestamp", "end timestamp",
		"end time", "end date", "timestamp", "time", "datetime", "date", "event time", "event timestamp"},
	roleStart: {"start_timestamp", "start timestamp", "start time", "time:start", "start date", "start"},
	roleResource: {"org:resource", "resource", "user", "agent", "performer", "actor", "originator", "employee",
		"user id", "resource id"},
	roleLifecycle: {"lifecycle:transition", "lifecycle", "event type", "transition"},
}

// norm lower-cases a header name and drops spaces, underscores and dashes,
// so "Case ID", "case_id" and "CaseId" compare equal.
func norm(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch r {
		case ' ', '_', '-', '\t':
			continue
		}
		b.WriteString(strings.ToLower(string(r)))
	}
	return b.String()
}

func (m *Mapping) field(role int) *string {
	return [numRoles]*string{&m.Case, &m.Activity, &m.Time, &m.Start, &m.Resource, &m.Lifecycle}[role]
}

// attrCol is an unmapped column and the JSON key it is stored under.
type attrCol struct {
	idx  int
	key  string
	json []byte // the key encoded once: "key":
}

func newAttrCol(idx int, key string) attrCol {
	return attrCol{idx: idx, key: key, json: append(event.AppendString(nil, key), ':')}
}

// layoutCols is the header resolved: the column index of each role (-1 when
// absent), the Mapping as header names, and where every other column goes.
type layoutCols struct {
	header   []string
	idx      [numRoles]int
	mapping  Mapping
	attrs    []attrCol // event attributes
	caseAttr []attrCol // case:<x> columns, stored as case attributes <x>
}

// resolveColumns applies the explicit mapping (exact name first, then
// case-insensitive; "-" declares an optional role absent), then claims the
// remaining roles by alias, then sorts every unclaimed column into case or
// event attributes so that nothing is dropped.
func resolveColumns(header []string, m Mapping) (*layoutCols, error) {
	lc := &layoutCols{header: header}
	claimed := make([]bool, len(header))
	for role := range numRoles {
		lc.idx[role] = -1
		want := strings.TrimSpace(*m.field(role))
		if want == "" || want == "-" {
			if want == "-" && role <= roleTime {
				return nil, fmt.Errorf("%s -: the %s column is required", roleFlags[role], roleNames[role])
			}
			continue
		}
		i := findColumn(header, want)
		if i < 0 {
			return nil, fmt.Errorf("%s %s: no such column in the header %s", roleFlags[role], Clip(want), quoteHeader(header))
		}
		if claimed[i] {
			return nil, fmt.Errorf("column %s is named by two flags (%s and another)", Clip(header[i]), roleFlags[role])
		}
		claimed[i] = true
		lc.idx[role] = i
	}
	normed := make([]string, len(header))
	for i, h := range header {
		normed[i] = norm(h)
	}
	for role := range numRoles {
		if lc.idx[role] >= 0 || *m.field(role) != "" {
			continue
		}
	search:
		for _, a := range aliases[role] {
			a = norm(a)
			for i := range header {
				if !claimed[i] && normed[i] == a {
					claimed[i] = true
					lc.idx[role] = i
					break search
				}
			}
		}
	}
	for role := range roleStart {
		if lc.idx[role] < 0 {
			hint := ""
			if role == roleTime && lc.idx[roleStart] >= 0 {
				hint = fmt.Sprintf(" (only a start column %s; name it with --timestamp to use it)", Clip(header[lc.idx[roleStart]]))
			}
			return nil, fmt.Errorf("no %s column found%s; name it with %s COLUMN; header: %s", roleNames[role], hint,
				roleFlags[role], quoteHeader(header))
		}
	}
	for role := range numRoles {
		if i := lc.idx[role]; i >= 0 {
			*lc.mapping.field(role) = header[i]
		}
	}
	evKeys, caseKeys := map[string]bool{}, map[string]bool{}
	for i, h := range header {
		if claimed[i] {
			continue
		}
		if len(h) > 5 && strings.EqualFold(h[:5], "case:") {
			lc.caseAttr = append(lc.caseAttr, newAttrCol(i, uniqueKey(caseKeys, h[5:], i)))
		} else {
			lc.attrs = append(lc.attrs, newAttrCol(i, uniqueKey(evKeys, h, i)))
		}
	}
	return lc, nil
}

func findColumn(header []string, name string) int {
	for i, h := range header {
		if h == name {
			return i
		}
	}
	for i, h := range header {
		if strings.EqualFold(strings.TrimSpace(h), name) {
			return i
		}
	}
	return -1
}

// uniqueKey names column i's attribute: its header name, "column_<n>" when
// the name is empty, with "_2", "_3"... appended to repeated names so that
// no JSON object has duplicate keys.
func uniqueKey(used map[string]bool, name string, i int) string {
	if name == "" {
		name = "column_" + strconv.Itoa(i+1)
	}
	key := name
	for n := 2; used[key]; n++ {
		key = name + "_" + strconv.Itoa(n)
	}
	used[key] = true
	return key
}

// quoteHeader quotes a header for an error message, at most about
// clipLimit characters of it: a "header" may be a whole file read as CSV.
func quoteHeader(h []string) string {
	var b strings.Builder
	b.WriteString("[")
	for i, s := range h {
		if i > 0 {
			b.WriteString(", ")
		}
		if b.Len() > clipLimit {
			fmt.Fprintf(&b, "… %d more columns", len(h)-i)
			break
		}
		b.WriteString(Clip(s))
	}
	b.WriteString("]")
	return b.String()
}

// clipLimit bounds how much input an error message quotes.
const clipLimit = 200

// Clip quotes s for an error message, cut to about 200 characters with
// its full length stated, so one bad value never floods a terminal.
func Clip(s string) string {
	if len(s) <= clipLimit {
		return strconv.Quote(s)
	}
	cut := clipLimit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + fmt.Sprintf("… (%d bytes)", len(s))
}
