package csv

import (
	"errors"
	"fmt"
)

const (
	// sampleValues is how many non-empty timestamps detection looks at.
	sampleValues = 1000
	// sampleMaxBytes bounds the input held for sampling. Sampling goes past
	// sampleValues only while every day/month pair seen could be either
	// order, and stops at the first value that settles it.
	sampleMaxBytes = 16 << 20
)

// plan is what Read decides before converting: the columns, the timestamp
// formats and the blocks read while sampling (converted first).
type plan struct {
	cols     *layoutCols
	tsF, stF tsFormat
	held     []*block
	unseen   bool // no timestamp was sampled (tsF is the default)
}

// defaultFormat is used when the sample holds no timestamp at all.
var defaultFormat = tsFormat{kind: kindNumeric, order: orderYMD, layout: "2006-01-02T15:04:05Z07:00"}

// prepare reads the header, resolves the columns and, unless
// Options.TimeFormat is set, samples the timestamp columns and detects
// their formats.
func prepare(sp *splitter, opt Options) (*plan, error) {
	blk := sp.next()
	if blk == nil {
		return nil, errors.New("empty input: no header line")
	}
	if len(blk.rows) == 0 {
		return nil, blk.err
	}
	hr := &blk.rows[0]
	if hr.bad != rowOK {
		return nil, fmt.Errorf("line %d: header: unterminated quoted field", hr.line)
	}
	header := make([]string, hr.nf)
	for i, f := range blk.rowFields(hr, nil) {
		header[i] = string(f)
	}
	cols, err := resolveColumns(header, opt.Mapping)
	if err != nil {
		return nil, err
	}
	p := &plan{cols: cols, held: []*block{blk}}
	if opt.TimeFormat != "" {
		p.tsF = userFormat(opt.TimeFormat, opt.Location)
		p.stF = p.tsF
		return p, nil
	}
	var s sampler
	ti, si := cols.idx[roleTime], cols.idx[roleStart]
	held := len(blk.buf)
	var f [][]byte
	for from := 1; ; from = 0 {
		for i := from; i < len(blk.rows); i++ {
			r := &blk.rows[i]
			if f = blk.rowFields(r, f); r.bad == rowOK && len(f) == len(header) {
				s.add(trim(f[ti]))
				if si >= 0 {
					if v := trim(f[si]); len(v) > 0 && len(s.start) < sampleValues {
						s.start = append(s.start, v)
					}
				}
			}
		}
		if s.enough() || held >= sampleMaxBytes || blk.err != nil || sp.done {
			break
		}
		if blk = sp.next(); blk == nil {
			break
		}
		p.held = append(p.held, blk)
		held += len(blk.buf)
	}
	p.unseen = len(s.time) == 0
	if p.tsF, err = formatOf(header[ti], s.time, nil); err != nil {
		return nil, err
	}
	p.stF = p.tsF
	if si >= 0 {
		if p.stF, err = formatOf(header[si], s.start, &p.tsF); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// formatOf detects a column's format. The start column passes the time
// column's format as prefer: it is used when the sample is empty or when it
// reads the sample as well as the start column's own best candidate, so the
// two columns agree on an ambiguous day/month order.
func formatOf(col string, sample [][]byte, prefer *tsFormat) (tsFormat, error) {
	if len(sample) == 0 {
		if prefer != nil {
			return *prefer, nil
		}
		return defaultFormat, nil
	}
	f, err := detectFormat(col, sample)
	if err != nil || prefer == nil {
		return f, err
	}
	def := *prefer
	nDef, nF := 0, 0
	for _, v := range sample {
		if def.plausible(v) {
			nDef++
		}
		if f.plausible(v) {
			nF++
		}
	}
	if nDef >= nF {
		return def, nil
	}
	return f, nil
}

// sampler collects timestamp values for detection.
type sampler struct {
	time, start [][]byte
	ambiguous   bool // a value read both day-first and month-first, differently
	settled     bool // a value read in exactly one of those orders
}

func (s *sampler) add(v []byte) {
	if len(v) == 0 {
		return
	}
	full := len(s.time) >= sampleValues
	if full && (!s.ambiguous || s.settled) {
		return
	}
	d, _, _, okD := parseNumeric(v, orderDMY, nil)
	m, _, _, okM := parseNumeric(v, orderMDY, nil)
	switch {
	case okD && okM && d != m:
		s.ambiguous = true
	case okD != okM:
		s.settled = true
		full = false // keep the deciding value even past the limit
	}
	if !full {
		s.time = append(s.time, v)
	}
}

func (s *sampler) enough() bool {
	return len(s.time) >= sampleValues && (!s.ambiguous || s.settled)
}
