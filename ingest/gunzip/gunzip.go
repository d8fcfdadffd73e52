package gunzip

import (
	"bufio"
	"errors"
	"io"
	"strings"

	"github.com/klauspost/compress/gzip"
)

// IsGzip reports whether head starts with the gzip magic number.
func IsGzip(head []byte) bool { return len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b }

// ErrTrailingData reports bytes after the last gzip member that are neither
// another member nor zero padding.
var ErrTrailingData = errors.New("gzip: data after the end of the compressed stream")

// Reader decompresses a gzip stream.
type Reader struct {
	br   *bufio.Reader
	zr   *gzip.Reader
	done bool
}

// NewReader starts reading the gzip stream in r (whose first bytes must be
// a gzip header).
func NewReader(r io.Reader) (*Reader, error) {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReader(r)
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, wrap(err)
	}
	zr.Multistream(false)
	return &Reader{br: br, zr: zr}, nil
}

// Read reads decompressed bytes. At the end of each member it looks at what
// follows: another member is read on, zero bytes up to the end are the end
// of the stream, anything else is ErrTrailingData.
func (r *Reader) Read(p []byte) (int, error) {
	for !r.done {
		n, err := r.zr.Read(p)
		switch {
		case err == io.EOF:
			more, err := r.next()
			if err != nil {
				return n, err
			}
			r.done = !more
		case err != nil:
			return n, wrap(err)
		}
		if n > 0 {
			return n, nil
		}
	}
	return 0, io.EOF
}

// next positions the reader after a member: true when another member
// follows.
func (r *Reader) next() (bool, error) {
	for {
		b, err := r.br.ReadByte()
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			return false, wrap(err)
		}
		if b != 0 {
			r.br.UnreadByte()
			break
		}
	}
	head, _ := r.br.Peek(2)
	if !IsGzip(head) {
		return false, ErrTrailingData
	}
	if err := r.zr.Reset(r.br); err != nil {
		return false, wrap(err)
	}
	r.zr.Multistream(false)
	return true, nil
}

// Close releases the decompressor.
func (r *Reader) Close() error { return r.zr.Close() }

// gzipError says "gzip: ..." once, however the cause words itself, and
// keeps the cause for errors.Is (gzip.ErrHeader, gzip.ErrChecksum,
// io.ErrUnexpectedEOF).
type gzipError struct{ err error }

func (e *gzipError) Error() string {
	msg := strings.TrimPrefix(e.err.Error(), "gzip: ")
	if errors.Is(e.err, io.ErrUnexpectedEOF) {
		msg = "the compressed data ends early (the file is truncated)"
	}
	return "gzip: " + msg
}

func (e *gzipError) Unwrap() error { return e.err }

func wrap(err error) error {
	var ge *gzipError
	if errors.As(err, &ge) {
		return err
	}
	return &gzipError{err}
}
