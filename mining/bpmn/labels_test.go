package bpmn

import (
	"reflect"
	"testing"

	"github.com/pmx-dev/pmx/mining/petri"
)

func TestMatchLabels(t *testing.T) {
	for _, c := range []struct {
		name       string
		labels     []string // "" = silent
		activities []string
		want       []string // labels after matching
		match      Match
	}{
		{"exact", []string{"Open", "", "Close"}, []string{"Open", "Close"}, []string{"Open", "", "Close"}, Match{}},
		{"case and spaces", []string{" check  credit ", "Open"}, []string{"Check Credit", "Open"}, []string{"Check Credit", "Open"},
			Match{Folded: []Renamed{{" check  credit ", "Check Credit"}}}},
		{"tab and newline", []string{"Check\ncredit", "Pay\tnow"}, []string{"check credit", "pay now"}, []string{"check credit", "pay now"},
			Match{Folded: []Renamed{{"Check\ncredit", "check credit"}, {"Pay\tnow", "pay now"}}}},
		{"unmatched on both sides", []string{"Open", "Approve", "Archive"}, []string{"Open", "Reject", "Close"}, []string{"Open", "Approve", "Archive"},
			Match{ModelOnly: []string{"Approve", "Archive"}, LogOnly: []string{"Close", "Reject"}}},
		{"two activities fold alike", []string{"review"}, []string{"Review", "REVIEW"}, []string{"review"},
			Match{Ambiguous: []string{"review"}, LogOnly: []string{"REVIEW", "Review"}}},
		{"two labels fold alike", []string{"Review", "review "}, []string{"REVIEW"}, []string{"Review", "review "},
			Match{Ambiguous: []string{"Review", "review "}, LogOnly: []string{"REVIEW"}}},
		{"exact wins over folding", []string{"Review", "review"}, []string{"Review", "review"}, []string{"Review", "review"}, Match{}},
		{"a label used twice", []string{"ship", "ship"}, []string{"Ship"}, []string{"Ship", "Ship"},
			Match{Folded: []Renamed{{"ship", "Ship"}}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			net := &petri.Net{}
			for i, l := range c.labels {
				net.AddTransition(string(rune('a'+i)), l, l == "")
			}
			got := MatchLabels(net, c.activities)
			var labels []string
			for _, tr := range net.Transitions {
				labels = append(labels, tr.Label)
			}
			if !reflect.DeepEqual(labels, c.want) {
				t.Errorf("labels %q, want %q", labels, c.want)
			}
			if !reflect.DeepEqual(got, c.match) {
				t.Errorf("match %+v, want %+v", got, c.match)
			}
		})
	}
}
