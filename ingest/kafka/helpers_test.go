package kafka

import (
	"strings"

	"github.com/pmx-dev/pmx/ingest/event"
)

type eventForTest struct{ event.Event }

func contains(s, sub string) bool { return strings.Contains(s, sub) }
