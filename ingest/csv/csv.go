package csv

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/pmx-dev/pmx/ingest/gunzip"

	"github.com/pmx-dev/pmx/ingest/event"
)

// Mapping names the source columns (header names, matched exactly first,
// then case-insensitively). An empty field is auto-detected; "-" for Start,
// Resource or Lifecycle declares that the log has no such column, so a
// column that detection would claim stays an attribute.
type Mapping struct {
	Case, Activity, Time, Start, Resource, Lifecycle string
}

// Options control Read.
type Options struct {
	Mapping Mapping
	// TimeFormat is a Go time layout for Time and Start, or "unix",
	// "unixms", "unixus" for Unix epoch numbers; "" = detect from the data.
	TimeFormat string
	// Location is the zone of timestamps that carry no offset; nil = UTC.
	Location *time.Location
	// Delimiter is the field separator; 0 = detect among , ; \t |.
	Delimiter rune
	// Rejects: bad rows go to sink.Reject(line, reason, raw) and reading
	// continues; false: the first bad row fails the read.
	Rejects bool
	// BatchRows is the record batch size; 0 = event.DefaultBatchRows.
	BatchRows int
}

// Read decodes the CSV event log r into events on sink; source names r in
// errors and rejects (a path). It returns what it counted; on error the
// counts cover what reached the sink before it.
func Read(ctx context.Context, r io.Reader, source string, opt Options, sink event.Sink) (event.Meta, error) {
	if sink == nil {
		return event.Meta{}, fmt.Errorf("csv %s: nil sink", source)
	}
	sp, err := newSplitter(r, opt.Delimiter)
	if err != nil {
		return event.Meta{}, fmt.Errorf("csv %s: %w", source, err)
	}
	p, err := prepare(sp, opt)
	if err != nil {
		return event.Meta{}, fmt.Errorf("csv %s: %w", source, err)
	}
	b := event.NewBuilder(sink, opt.BatchRows)
	defer b.Release()
	batch := opt.BatchRows
	if batch <= 0 {
		batch = event.DefaultBatchRows
	}
	e := &emitter{b: b, sink: sink, source: source, batch: batch}
	if err := run(ctx, sp, p, opt, e); err != nil {
		return e.meta, err
	}
	if err := b.Flush(); err != nil {
		return e.meta, fmt.Errorf("csv %s: sink: %w", source, err)
	}
	e.meta.Attrs = p.metaAttrs(sp.comma)
	return e.meta, nil
}

// ReadFile opens path, transparently gunzips it (detected by the gzip magic
// bytes, not the file name), and calls Read with source = path.
func ReadFile(ctx context.Context, path string, opt Options, sink event.Sink) (event.Meta, error) {
	f, err := os.Open(path)
	if err != nil {
		return event.Meta{}, fmt.Errorf("csv: %w", err)
	}
	defer f.Close()
	return ReadMaybeGzip(ctx, f, path, opt, sink)
}

// ReadMaybeGzip is Read on r, gunzipped first when it starts with the gzip
// magic bytes.
func ReadMaybeGzip(ctx context.Context, r io.Reader, source string, opt Options, sink event.Sink) (event.Meta, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var in io.Reader = br
	magic, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return event.Meta{}, fmt.Errorf("csv %s: %w", source, err)
	}
	if gunzip.IsGzip(magic) {
		zr, err := gunzip.NewReader(br)
		if err != nil {
			return event.Meta{}, fmt.Errorf("csv %s: %w", source, err)
		}
		defer zr.Close()
		in = zr
	}
	return Read(ctx, in, source, opt, sink)
}

// Detect reports the mapping and Time layout that Read would use on r with
// opt (for dry runs and tests). It reads only the header and the sample.
// The layout is "" when there is no timestamp to sample.
func Detect(r io.Reader, opt Options) (Mapping, string, error) {
	sp, err := newSplitter(r, opt.Delimiter)
	if err != nil {
		return Mapping{}, "", fmt.Errorf("csv: %w", err)
	}
	p, err := prepare(sp, opt)
	if err != nil {
		return Mapping{}, "", fmt.Errorf("csv: %w", err)
	}
	if p.unseen {
		return p.cols.mapping, "", nil
	}
	return p.cols.mapping, p.tsF.layout, nil
}

// run is a three-stage pipeline: one goroutine reads and splits blocks,
// workers convert them (any number at once: conversion has no state across
// blocks), and this goroutine emits them in input order to the Builder and
// the sink. Arrow building costs about as much as everything else together;
// the stages let the scheduler spread the rest over the other core(s).
// Blocks return through sp.recycle once emitted, so with a few in flight
// memory does not grow with the file.
func run(ctx context.Context, sp *splitter, p *plan, opt Options, e *emitter) error {
	nw := min(max(runtime.GOMAXPROCS(0)-1, 1), 4)
	work, order := make(chan *block, nw+1), make(chan *block, nw+2)
	stop := make(chan struct{})
	held := p.held
	p.held = nil
	var wg sync.WaitGroup
	wg.Add(1 + nw)
	go func() { // split
		defer wg.Done()
		defer close(work)
		defer close(order)
		seq := int64(0)
		send := func(blk *block, from int) bool {
			last := blk.err != nil // read before a worker may set it
			blk.from, blk.seq0, blk.ready = from, seq, make(chan struct{})
			seq += int64(len(blk.rows) - from)
			for _, ch := range []chan *block{order, work} {
				select {
				case ch <- blk:
				case <-stop:
					return false
				}
			}
			return !last
		}
		for i, blk := range held { // read while sampling
			from := 0
			if i == 0 {
				from = 1 // the header
			}
			if !send(blk, from) {
				return
			}
		}
		for blk := sp.next(); blk != nil; blk = sp.next() {
			if !send(blk, 0) {
				return
			}
		}
	}()
	for range nw { // convert
		go func() {
			defer wg.Done()
			c := newConverter(e.source, opt, p)
			for blk := range work {
				c.convert(blk)
				close(blk.ready)
			}
		}()
	}
	defer func() {
		close(stop)
		for range order { // unblock the splitter, then wait for all
		}
		wg.Wait()
	}()
	for blk := range order { // emit
		<-blk.ready
		if ctx.Err() != nil {
			return fmt.Errorf("csv %s: %w", e.source, event.ErrCanceled)
		}
		if err := e.emit(blk); err != nil {
			var se *event.SourceError
			if errors.As(err, &se) {
				return err
			}
			return fmt.Errorf("csv %s: %w", e.source, err)
		}
		sp.recycle(blk)
	}
	return nil
}

// metaAttrs records how the file was read, for provenance in logs.meta:
// {"csv":{"delimiter":..,"time_format":..,"start_format":..,"mapping":{..}}}
// (XES logs fill the same column with their attributes and globals).
func (p *plan) metaAttrs(comma byte) []byte {
	var m, c, o event.Object
	for role := range numRoles {
		if v := *p.cols.mapping.field(role); v != "" {
			m.String(roleNames[role], v)
		}
	}
	c.String("delimiter", string(rune(comma)))
	c.String("time_format", p.tsF.layout)
	if p.cols.idx[roleStart] >= 0 {
		c.String("start_format", p.stF.layout)
	}
	c.Raw("mapping", m.Bytes())
	o.Raw("csv", c.Bytes())
	return append([]byte(nil), o.Bytes()...)
}
