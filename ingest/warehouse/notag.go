//go:build !duckdb_arrow

package warehouse

import "database/sql/driver"

// pmx moves events between Go and DuckDB through DuckDB's Arrow interface,
// which github.com/duckdb/duckdb-go/v2 compiles only with the build tag
// duckdb_arrow. Without the tag the build stops here, on purpose, with an
// error that names it:
//
//	go build -tags duckdb_arrow ./cmd/pmx
//	go test -tags duckdb_arrow ./...
func newArrowConn(conn driver.Conn) (arrowConn, error) {
	return pmx_needs_the_build_tag_duckdb_arrow__use_go_build_or_test_with__tags_duckdb_arrow, nil
}
