package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"github.com/duckdb/duckdb-go/v2"
)

// CSVToParquet converts a CSV file (with a header) into a Parquet file with
// DuckDB: column types are detected, timestamps with a zone become
// TIMESTAMP WITH TIME ZONE. It uses a private in-memory database, so it
// needs no warehouse.
func CSVToParquet(ctx context.Context, csvPath, parquetPath string) error {
	connector, err := duckdb.NewConnector("", func(ex driver.ExecerContext) error {
		_, err := ex.ExecContext(context.Background(), "SET TimeZone = 'UTC'", nil)
		return err
	})
	if err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	q := fmt.Sprintf(`COPY (SELECT * FROM read_csv(%s, header = true)) TO %s (FORMAT parquet)`, quoteLit(csvPath), quoteLit(parquetPath))
	if _, err := db.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("parquet %s: %w", parquetPath, err)
	}
	return nil
}
