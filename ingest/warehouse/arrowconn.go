package warehouse

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow/array"
)

// arrowConn is DuckDB's Arrow interface on one connection: query results
// as Arrow record batches, and Arrow record readers scanned as views.
type arrowConn interface {
	QueryContext(ctx context.Context, query string, args ...any) (array.RecordReader, error)
	RegisterView(reader array.RecordReader, name string) (release func(), err error)
}
