package calendar_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/pmx-dev/pmx/analysis/calendar"
)

func Example() {
	cal, err := calendar.Parse(strings.NewReader(`
name: Service desk hours
timezone: Europe/Amsterdam
hours:
  mon-fri: ["08:00-12:00", "13:00-18:00"]
holidays:
  - 2026-12-25
`), "desk.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	ams := cal.Location()
	opened := time.Date(2026, 12, 24, 16, 30, 0, 0, ams)  // Thursday afternoon
	resolved := time.Date(2026, 12, 28, 10, 0, 0, 0, ams) // Monday morning, after Christmas

	fmt.Println(cal.Name())
	fmt.Println("worked on it:", cal.Between(opened, resolved))
	fmt.Println("4h target due:", cal.Add(opened, 4*time.Hour).Format("Mon 2 Jan 15:04"))
	fmt.Println("working on Christmas morning:", cal.IsWorking(time.Date(2026, 12, 25, 10, 0, 0, 0, ams)))
	// Output:
	// Service desk hours
	// worked on it: 3h30m0s
	// 4h target due: Mon 28 Dec 10:30
	// working on Christmas morning: false
}

// Always counts calendar time, DST included: the night of 29 March 2026 is
// an hour short in Amsterdam.
func ExampleAlways() {
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	from := time.Date(2026, 3, 28, 22, 0, 0, 0, ams)
	to := time.Date(2026, 3, 29, 6, 0, 0, 0, ams)
	fmt.Println(calendar.Always().Between(from, to))
	// Output: 7h0m0s
}

func ExampleParse_error() {
	_, err := calendar.Parse(strings.NewReader(`timezone: Europe/Amsterdam
hours:
  mon-fri: ["08:00-18:00"]
  fri: ["22:00-06:00"]
`), "desk.yaml")
	fmt.Println(err)
	// Output: desk.yaml:4: hours.fri: interval "22:00-06:00" does not end after it starts; an interval may not cross midnight, split it (e.g. 22:00-24:00 and next day 00:00-06:00)
}
