package csv

// MatchColumns resolves a header with the same rules as CSV import (explicit
// Mapping first, then the aliases), so other tabular sources such as Parquet
// accept the same column names and mapping flags. The result names the
// header columns chosen for each role ("" where a role is absent).
func MatchColumns(header []string, m Mapping) (Mapping, error) {
	lc, err := resolveColumns(header, m)
	if err != nil {
		return Mapping{}, err
	}
	return lc.mapping, nil
}
