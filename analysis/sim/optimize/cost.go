package optimize

import (
	"fmt"
	"time"

	"github.com/pmx-dev/pmx/analysis/sim/model"
	"github.com/pmx-dev/pmx/analysis/sim/scenario"
)

// refWeek is the week whose working hours price a calendar: any week
// serves (calendars repeat weekly); this one has no common holiday and no
// daylight-saving change in Europe or North America.
var refWeek = [2]int64{
	time.Date(2001, 1, 8, 0, 0, 0, 0, time.UTC).UnixMicro(),
	time.Date(2001, 1, 15, 0, 0, 0, 0, time.UTC).UnixMicro(),
}

// weeklyHours is a calendar's working hours in a week (168 without one).
func weeklyHours(c *model.Calendar, zone string) (float64, error) {
	if c == nil {
		return 168, nil
	}
	cal, err := c.Compile(zone)
	if err != nil {
		return 0, err
	}
	return cal.Seconds(refWeek[0], refWeek[1]) / 3600, nil
}

// weeklyCost prices a model and the process changes that made it.
func weeklyCost(m *model.Model, changes []scenario.Change, c Costs) (float64, error) {
	var total float64
	for name, p := range m.Pools {
		rate := p.CostPerHour
		if rate <= 0 {
			rate = c.StaffPerHour
		}
		for _, r := range p.Resources {
			cal := r.Calendar
			if cal == nil {
				cal = p.Calendar
			}
			h, err := weeklyHours(cal, m.Timezone)
			if err != nil {
				return 0, fmt.Errorf("pool %s: %w", name, err)
			}
			total += h * rate
		}
	}
	for _, ch := range changes {
		switch ch.Kind {
		case "automate":
			total += c.Automation
		case "remove_rework", "reorder", "delay":
			total += c.Process
		}
	}
	return total, nil
}

// staffAdded is the people a change list adds, net of people removed.
func staffAdded(changes []scenario.Change) int {
	n := 0
	for _, c := range changes {
		if c.Kind == "resources" {
			n += c.Add - c.Drop
		}
	}
	return n
}
