package timeline

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// owners maps an event's seq to its resource and group numbers.
type owners struct {
	res, grp *seqTable // grp nil without a group attribute
}

// seqTable maps an event's seq to a number (None where it has none). An
// event's seq is its position in its source and appends continue after the
// largest, so seqs are dense and an array indexed by seq holds them; a
// source whose rows were mostly rejected leaves gaps, and a map holds those.
type seqTable struct {
	lo     int64
	dense  []int32 // by seq − lo
	sparse map[int64]int32
}

func newSeqTable(lo, hi, events int64) *seqTable {
	if hi-lo+1 <= 4*events+1<<20 {
		return &seqTable{lo: lo, dense: filled(int(hi-lo+1), None)}
	}
	return &seqTable{lo: lo, sparse: map[int64]int32{}}
}

func (t *seqTable) set(seq int64, v int32) {
	if t.dense != nil {
		t.dense[seq-t.lo] = v
		return
	}
	t.sparse[seq] = v
}

// get returns seq's number, None if it has none; ok is false for a seq
// outside the log's range.
func (t *seqTable) get(seq int64) (v int32, ok bool) {
	if t.dense != nil {
		if s := seq - t.lo; s >= 0 && s < int64(len(t.dense)) {
			return t.dense[s], true
		}
		return None, false
	}
	if v, ok := t.sparse[seq]; ok {
		return v, true
	}
	return None, seq >= t.lo
}

// renumber replaces every number k by rank[k].
func (t *seqTable) renumber(rank []int32) {
	for i, k := range t.dense {
		if k != None {
			t.dense[i] = rank[k]
		}
	}
	for seq, k := range t.sparse {
		t.sparse[seq] = rank[k]
	}
}

// loadOwners reads every event's resource (and group) and numbers them by
// name.
func (l *Log) loadOwners(scan warehouse.Query, id int64, o Options) (*owners, error) {
	var lo, hi, n int64
	err := scan(fmt.Sprintf(`SELECT coalesce(min(seq), 0), coalesce(max(seq), -1), count(*) FROM events WHERE log_id = %d`, id), func(rec arrow.Record) error {
		a, ok1 := rec.Column(0).(*array.Int64)
		b, ok2 := rec.Column(1).(*array.Int64)
		c, ok3 := rec.Column(2).(*array.Int64)
		if !ok1 || !ok2 || !ok3 || rec.NumRows() != 1 {
			return fmt.Errorf("seq range: unexpected result %s", rec.Schema())
		}
		lo, hi, n = a.Value(0), b.Value(0), c.Value(0)
		return nil
	})
	if err != nil {
		return nil, err
	}
	ow := &owners{res: newSeqTable(lo, hi, n)}
	if l.Resources, err = numberBySeq(scan, id, "resource", ow.res); err != nil {
		return nil, err
	}
	if o.GroupAttr != "" {
		// The group is an event attribute inside the JSON attrs: extracting
		// it costs about 2 s per million events, so it is read only on
		// request.
		ow.grp = newSeqTable(lo, hi, n)
		expr := fmt.Sprintf("json_extract_string(attrs, %s)", sqlString("$."+jsonPathKey(o.GroupAttr)))
		if l.Groups, err = numberBySeq(scan, id, expr, ow.grp); err != nil {
			return nil, err
		}
	}
	return ow, nil
}

// numberBySeq reads the text expr of every event of the log, in chunks,
// and sets its seq's number in dst to the value's number in the returned
// dictionary (sorted by name: byte order, as DuckDB sorts); events without
// a value keep None.
func numberBySeq(scan warehouse.Query, id int64, expr string, dst *seqTable) ([]string, error) {
	ids := map[string]int32{}
	var names []string
	qs, err := chunked(scan, "events", id, `SELECT seq, v FROM (SELECT seq, `+expr+` AS v FROM events WHERE %s) WHERE v IS NOT NULL`)
	if err != nil {
		return nil, err
	}
	err = pipelined(scan, qs, func(rec arrow.Record) error {
		seq, ok1 := rec.Column(0).(*array.Int64)
		v, ok2 := rec.Column(1).(*array.String)
		if !ok1 || !ok2 || seq.NullN() > 0 {
			return fmt.Errorf("%s by seq: unexpected columns %s", expr, rec.Schema())
		}
		for i, sq := range seq.Int64Values() {
			name := v.Value(i) // aliases Arrow memory: cloned before it is kept
			k, ok := ids[name]
			if !ok {
				k = int32(len(names))
				names = append(names, strings.Clone(name))
				ids[names[k]] = k
			}
			dst.set(sq, k)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Renumber in name order.
	order := make([]int32, len(names))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(names[a], names[b]) })
	rank := make([]int32, len(names))
	sorted := make([]string, len(names))
	for r, k := range order {
		rank[k], sorted[r] = int32(r), names[k]
	}
	dst.renumber(rank)
	return sorted, nil
}
