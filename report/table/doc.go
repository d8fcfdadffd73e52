// Package table writes a query result (column names and rows of Go values
// as database/sql returns them) as an aligned text table, CSV or JSON (an
// array of objects, keys in column order): the output of pmx sql.
//
// Values are written the same way in every format: instants as RFC 3339
// in UTC with up to six fraction digits, floats in the shortest form that
// reads back exactly, lists and structs as JSON; NULL is empty in CSV,
// "NULL" in the table and null in JSON (so are NaN and infinities).
//
// It knows no SQL and opens nothing. It must not import ingest, mining,
// analysis or cmd.
package table
