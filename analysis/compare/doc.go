// Package compare owns the comparison of two logs in the warehouse (pmx
// compare): the differences in their KPIs (cases, activity instances per
// case, throughput time), their variants' shares and their directly-follows
// edges' frequencies and mean times, each with a significance test.
//
// Invariant: every difference is B minus A, and every p-value is two-sided
// and comes from a named test (Mann–Whitney U on whole distributions,
// Welch's t on means, Pearson's χ² on shares of cases), uncorrected for the
// number of tests; Significant compares it with Options.Alpha. The set work
// (grouping steps by edge, variants, per-case figures) runs in DuckDB SQL.
//
// It reads the warehouse through analysis/facts.Log (*sql.DB and a log id)
// and analysis/stats; it must not import the DuckDB driver, mining, report
// or cmd.
package compare
