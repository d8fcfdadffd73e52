package ocel_test

import (
	"fmt"
	"strings"

	"github.com/pmx-dev/pmx/ingest/ocel"
)

func ExampleReadJSON() {
	const in = `{
	  "objectTypes": [{"name": "order", "attributes": [{"name": "status", "type": "string"}]}],
	  "eventTypes":  [{"name": "place", "attributes": []}],
	  "objects": [{"id": "o1", "type": "order",
	               "attributes": [{"name": "status", "time": "1970-01-01T00:00:00Z", "value": "new"},
	                              {"name": "status", "time": "2024-03-02T08:00:00Z", "value": "paid"}]}],
	  "events": [{"id": "e1", "type": "place", "time": "2024-03-01T10:00:00+01:00",
	              "relationships": [{"objectId": "o1", "qualifier": "placed"}]}]
	}`
	l, err := ocel.ReadJSON(strings.NewReader(in), "orders.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	e := l.Events[0]
	fmt.Println(e.ID, e.Type, e.Time, e.Objects[0].Object, e.Objects[0].Qualifier)
	for _, c := range l.Objects[0].Attrs {
		fmt.Println(c.Name, string(c.Value), c.Time.IsZero())
	}
	// Output:
	// e1 place 2024-03-01 09:00:00 +0000 UTC o1 placed
	// status "new" true
	// status "paid" false
}
