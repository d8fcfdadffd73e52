//go:build duckdb_arrow

package warehouse

import (
	"database/sql/driver"

	"github.com/duckdb/duckdb-go/v2"
)

// newArrowConn opens DuckDB's Arrow interface on a driver connection.
// duckdb-go compiles that interface only with the build tag duckdb_arrow;
// this file is the one place that needs it (see notag.go for the build
// without it).
func newArrowConn(conn driver.Conn) (arrowConn, error) {
	return duckdb.NewArrowFromConn(conn)
}
