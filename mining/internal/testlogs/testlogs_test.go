package testlogs

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// The loader must agree with the oracle's counts, or every comparison with
// PM4Py built on it compares different logs.
func TestLoadMatchesOracle(t *testing.T) {
	for stem := range XESLogs {
		t.Run(stem, func(t *testing.T) {
			l := Load(t, stem)
			b, err := os.ReadFile(filepath.Join(SharedDir(), "..", "oracle", stem+".json"))
			if err != nil {
				t.Skip("no oracle")
			}
			var o struct {
				Cases    int64 `json:"cases"`
				Events   int64 `json:"events"`
				Variants int   `json:"variants"`
			}
			if err := json.Unmarshal(b, &o); err != nil {
				t.Fatal(err)
			}
			if l.Cases() != o.Cases || l.Events() != o.Events || len(l.Variants) != o.Variants {
				t.Fatalf("cases/events/variants %d/%d/%d, oracle %d/%d/%d", l.Cases(), l.Events(), len(l.Variants), o.Cases, o.Events, o.Variants)
			}
		})
	}
}
