package event

import (
	"errors"
	"fmt"
)

// SourceError is an error at a position in a source: a file line (XES), a
// data row (CSV, 1-based, header excluded) or a Kafka offset.
type SourceError struct {
	Source string // file path or topic/partition
	Unit   string // "line", "row" or "offset"
	Pos    int64
	Reason string
}

func (e *SourceError) Error() string {
	return fmt.Sprintf("%s: %s %d: %s", e.Source, e.Unit, e.Pos, e.Reason)
}

// ErrCanceled is returned when the context ends an import midway.
var ErrCanceled = errors.New("import canceled")
