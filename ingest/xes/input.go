package xes

import (
	"bufio"
	"io"
	"sync"

	"github.com/pmx-dev/pmx/ingest/gunzip"
)

const (
	unzipChunk   = 256 << 10
	unzipBuffers = 4
)

// openInput returns r, decompressed when it starts with the gzip magic
// bytes (whatever the file is called), and a function that releases it.
func openInput(r io.Reader) (io.Reader, func(), error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(2)
	if err != nil && err != io.EOF {
		return nil, nil, err
	}
	if len(head) < 2 || head[0] != 0x1f || head[1] != 0x8b {
		// bufio passes the scanner's large reads straight through once its
		// own small buffer is drained, so this costs no extra copy.
		return br, func() {}, nil
	}
	zr, err := gunzip.NewReader(br)
	if err != nil {
		return nil, nil, err
	}
	u := newUnzipper(zr)
	return u, u.close, nil
}

// unzipper decompresses in its own goroutine, a few chunks ahead of the
// parser, so that on two cores inflating and scanning overlap. Memory is
// bounded by unzipBuffers chunks.
type unzipper struct {
	full   chan []byte
	free   chan []byte
	done   chan struct{}
	exited chan struct{}
	err    error // set by the producer before it closes full
	cur    []byte
	held   []byte // the chunk cur points into, to recycle
	once   sync.Once
}

func newUnzipper(zr *gunzip.Reader) *unzipper {
	u := &unzipper{
		full:   make(chan []byte, unzipBuffers),
		free:   make(chan []byte, unzipBuffers),
		done:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	for range unzipBuffers {
		u.free <- make([]byte, unzipChunk)
	}
	go u.produce(zr)
	return u
}

func (u *unzipper) produce(zr *gunzip.Reader) {
	defer close(u.exited)
	defer close(u.full)
	for {
		var b []byte
		select {
		case b = <-u.free:
		case <-u.done:
			return
		}
		// Not io.ReadFull: it would turn the io.ErrUnexpectedEOF of a
		// truncated stream into a plain short read.
		b = b[:cap(b)]
		n := 0
		var err error
		for n < len(b) && err == nil {
			var k int
			k, err = zr.Read(b[n:])
			n += k
		}
		if n > 0 {
			select {
			case u.full <- b[:n]:
			case <-u.done:
				return
			}
		}
		if err == io.EOF {
			return
		}
		if err != nil {
			u.err = err // already says "gzip: ..."
			return
		}
	}
}

func (u *unzipper) Read(p []byte) (int, error) {
	for len(u.cur) == 0 {
		if u.held != nil {
			u.free <- u.held // never blocks: free has room for every chunk
			u.held = nil
		}
		b, ok := <-u.full
		if !ok {
			if u.err != nil {
				return 0, u.err
			}
			return 0, io.EOF
		}
		u.cur, u.held = b, b
	}
	n := copy(p, u.cur)
	u.cur = u.cur[n:]
	return n, nil
}

// close stops the producer (it may be mid-read on a large chunk) and waits
// for it, so no goroutine outlives Read.
func (u *unzipper) close() {
	u.once.Do(func() { close(u.done) })
	<-u.exited
}
