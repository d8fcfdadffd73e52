package report

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// Optimization is the optimisation section: the changes a search by
// simulation recommends (pmx optimize), ranked, and the Pareto front of
// the objective against the weekly cost. The report shows them as given.
type Optimization struct {
	// Objective names what was improved ("mean cycle time"); Unit says how
	// its values read: "hours", "share" or "cost".
	Objective, Unit string
	// CostUnit names the cost ("staff hours", "EUR").
	CostUnit                 string
	Baseline, BaselineCost   float64
	Evaluated, Simulations   int
	Replications             int
	Seconds, SimulationShare float64
	Stopped                  string
	Recommendations          []Recommendation
	Pareto                   []ParetoPoint
}

// Recommendation is one ranked change set.
type Recommendation struct {
	Rank      int
	Changes   []string
	Objective float64
	// GainLow and GainHigh bound the 95 % interval of the gain (baseline
	// minus the recommendation's objective).
	GainLow, GainHigh float64
	Cost              float64 // weekly cost change
	Sentences         []string
}

// ParetoPoint is a candidate on the Pareto front.
type ParetoPoint struct {
	Changes   []string
	Objective float64
	Cost      float64 // weekly cost change
	Rank      int     // its recommendation's rank, 0 if none
}

type optimizationPage struct {
	Objective, Baseline, BaselineCost, Searched, Stopped string
	ChartID                                              string
	Rows                                                 []recommendationRow
}

type recommendationRow struct {
	Rank                     int
	Changes, Objective, Gain string
	Cost                     string
	Sentences                []string
}

// value shows an objective value in its unit.
func (o *Optimization) value(v float64) string {
	switch o.Unit {
	case "hours":
		return humanDuration(3600 * v)
	case "share":
		return fmt.Sprintf("%.1f %%", 100*v)
	}
	return o.cost(v)
}

func (o *Optimization) gain(v float64) string {
	if o.Unit == "share" {
		return fmt.Sprintf("%.1f pp", 100*v)
	}
	return o.value(v)
}

func (o *Optimization) cost(v float64) string {
	s := fmt.Sprintf("%.0f", math.Abs(v))
	if o.CostUnit != "" {
		s += " " + o.CostUnit
	}
	return s
}

func (o *Optimization) signedCost(v float64) string {
	switch {
	case v > 0.5:
		return "+" + o.cost(v) + " a week"
	case v < -0.5:
		return "−" + o.cost(v) + " a week"
	}
	return "no extra cost"
}

func optimizationSection(o *Optimization) (*optimizationPage, []chartSpec, error) {
	if o == nil {
		return nil, nil, nil
	}
	p := &optimizationPage{Objective: o.Objective, Baseline: o.value(o.Baseline), BaselineCost: o.cost(o.BaselineCost), Stopped: o.Stopped,
		Searched: fmt.Sprintf("%d candidates in %d simulations of %d replications each at most, %.0f s (%.0f %% of it simulating)",
			o.Evaluated, o.Simulations, o.Replications, o.Seconds, 100*o.SimulationShare),
		ChartID: "chart-pareto"}
	for _, r := range o.Recommendations {
		p.Rows = append(p.Rows, recommendationRow{Rank: r.Rank, Changes: strings.Join(r.Changes, "; "), Objective: o.value(r.Objective),
			Gain: o.gain(r.GainLow) + " to " + o.gain(r.GainHigh), Cost: o.signedCost(r.Cost), Sentences: r.Sentences})
	}
	spec, err := paretoChart(p.ChartID, o)
	if err != nil || spec == nil {
		return p, nil, err
	}
	return p, []chartSpec{*spec}, nil
}

// paretoChart draws the front: weekly cost change across, the objective up,
// a step line through the points, each point named by its changes (the
// tooltip) and marked with its recommendation's rank.
func paretoChart(id string, o *Optimization) (*chartSpec, error) {
	if len(o.Pareto) == 0 {
		return nil, nil
	}
	type point struct {
		Value [2]float64     `json:"value"`
		Name  string         `json:"name"`
		Label map[string]any `json:"label,omitempty"`
	}
	scale := 1.0
	yName := o.Objective
	switch o.Unit {
	case "share":
		scale, yName = 100, o.Objective+" (%)"
	case "hours":
		yName = o.Objective + " (hours)"
	}
	var pts []point
	for _, pt := range o.Pareto {
		name := strings.Join(pt.Changes, "; ")
		if name == "" {
			name = "as it is"
		}
		q := point{Value: [2]float64{math.Round(pt.Cost*10) / 10, math.Round(pt.Objective*scale*1000) / 1000}, Name: name}
		if pt.Rank > 0 {
			q.Label = map[string]any{"show": true, "formatter": fmt.Sprintf("#%d", pt.Rank), "position": "top"}
		}
		pts = append(pts, q)
	}
	xName := "weekly cost change"
	if o.CostUnit != "" {
		xName += " (" + o.CostUnit + ")"
	}
	opt := map[string]any{
		"animation": false,
		"grid":      map[string]any{"left": 70, "right": 30, "top": 30, "bottom": 50},
		"xAxis":     []any{map[string]any{"type": "value", "name": xName, "nameLocation": "middle", "nameGap": 28, "scale": true}},
		"yAxis":     []any{map[string]any{"type": "value", "name": yName, "scale": true, "nameTextStyle": map[string]any{"align": "left"}}},
		"series": []any{map[string]any{"type": "line", "step": "end", "name": "Pareto front", "data": pts, "symbolSize": 9,
			"itemStyle": map[string]any{"color": colourPrimary}, "lineStyle": map[string]any{"color": colourAccent}}},
	}
	b, err := json.Marshal(opt)
	if err != nil {
		return nil, err
	}
	return &chartSpec{ID: id, Kind: "pareto", Height: 320, Option: b}, nil
}
