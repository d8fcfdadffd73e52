package bpmn

import (
	"slices"
	"strings"
	"unicode"

	"github.com/pmx-dev/pmx/mining/petri"
)

// Match says how a model's task labels met a log's activities (see
// MatchLabels). A designed model is drawn by a person, the log written by
// a system: "Check Credit" in one is often "check  credit" in the other.
type Match struct {
	// Folded lists the labels matched only case- and space-insensitively:
	// the model's label and the log activity it now reads as.
	Folded []Renamed `json:"folded,omitempty"`
	// ModelOnly are model labels matching no activity of the log (the log
	// never does them: every case skips them); LogOnly activities matching
	// no model label (every occurrence is a deviation). Both sorted.
	ModelOnly []string `json:"model_only,omitempty"`
	LogOnly   []string `json:"log_only,omitempty"`
	// Ambiguous lists labels that fold to the same key as two or more log
	// activities (or two model labels to one activity), left as written.
	Ambiguous []string `json:"ambiguous,omitempty"`
}

// Renamed is a model label and the log activity it was matched to.
type Renamed struct {
	Model string `json:"model"`
	Log   string `json:"log"`
}

// MatchLabels relabels net's visible transitions with the log's activity
// names, in place: a label equal to an activity stays; one that equals an
// activity only when case, spacing and surrounding blanks are ignored
// takes the activity's spelling, unless that is ambiguous (two activities,
// or two distinct labels, fold alike), in which case it is left as
// written and listed. Silent transitions are not labels.
func MatchLabels(net *petri.Net, activities []string) Match {
	exact := map[string]bool{}
	byKey := map[string][]string{}
	for _, a := range activities {
		exact[a] = true
		k := foldLabel(a)
		if !slices.Contains(byKey[k], a) {
			byKey[k] = append(byKey[k], a)
		}
	}
	// Distinct labels of the model that are not exact matches, by key.
	labelsByKey := map[string][]string{}
	for _, t := range net.Transitions {
		if t.Silent || exact[t.Label] {
			continue
		}
		k := foldLabel(t.Label)
		if !slices.Contains(labelsByKey[k], t.Label) {
			labelsByKey[k] = append(labelsByKey[k], t.Label)
		}
	}
	var m Match
	to := map[string]string{}
	for k, labels := range labelsByKey {
		acts := byKey[k]
		switch {
		case len(acts) == 0:
			m.ModelOnly = append(m.ModelOnly, labels...)
		case len(acts) > 1 || len(labels) > 1:
			m.Ambiguous = append(m.Ambiguous, labels...)
		default:
			to[labels[0]] = acts[0]
			m.Folded = append(m.Folded, Renamed{Model: labels[0], Log: acts[0]})
		}
	}
	used := map[string]bool{}
	for i, t := range net.Transitions {
		if t.Silent {
			continue
		}
		if a, ok := to[t.Label]; ok {
			net.Transitions[i].Label = a
		}
		used[net.Transitions[i].Label] = true
	}
	for _, a := range activities {
		if !used[a] {
			m.LogOnly = append(m.LogOnly, a)
		}
	}
	slices.Sort(m.ModelOnly)
	slices.Sort(m.Ambiguous)
	slices.Sort(m.LogOnly)
	m.LogOnly = slices.Compact(m.LogOnly)
	slices.SortFunc(m.Folded, func(a, b Renamed) int { return strings.Compare(a.Model, b.Model) })
	return m
}

// foldLabel is a label's matching key: lower case, blanks collapsed to
// one space, trimmed.
func foldLabel(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), unicode.IsSpace), " ")
}
