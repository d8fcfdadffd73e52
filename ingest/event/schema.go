package event

import "github.com/apache/arrow-go/v18/arrow"

// Timestamp is the Arrow type of every instant in the canonical schema.
var Timestamp = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}

// Column positions in Schema; the Builder and tests index by them.
const (
	ColCase = iota
	ColActivity
	ColTime
	ColStart
	ColResource
	ColLifecycle
	ColSeq
	ColAttrs
	numCols
)

// Schema is the canonical event record as readers emit it.
//
//	case_id    the case (trace) identifier
//	activity   the activity label (concept:name or a declared classifier)
//	ts         completion instant of the event (UTC, µs)
//	start_ts   start instant, when the source states it on the same row
//	           (e.g. a CSV "Start Timestamp" column); start/complete lifecycle
//	           pairs are matched later by the warehouse
//	resource   who performed it (org:resource), may be null
//	lifecycle  lifecycle:transition as written in the source, may be null
//	seq        position of the event in its source (0-based); breaks ties
//	           between equal timestamps so source order is preserved
//	attrs      JSON object with every other attribute, typed as the source
//	           types it (numbers, booleans, strings, dates as RFC 3339
//	           strings, lists as arrays, nested attributes as objects)
var Schema = arrow.NewSchema([]arrow.Field{
	{Name: "case_id", Type: arrow.BinaryTypes.String},
	{Name: "activity", Type: arrow.BinaryTypes.String},
	{Name: "ts", Type: Timestamp},
	{Name: "start_ts", Type: Timestamp, Nullable: true},
	{Name: "resource", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "lifecycle", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "seq", Type: arrow.PrimitiveTypes.Int64},
	{Name: "attrs", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// CaseSchema holds case-level (trace) attributes, one row per case.
var CaseSchema = arrow.NewSchema([]arrow.Field{
	{Name: "case_id", Type: arrow.BinaryTypes.String},
	{Name: "attrs", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// StandardLifecycle is the XES standard lifecycle model's transitions
// (lower case). Where every lifecycle value of a log is one of these,
// start/complete pairs form activity instances and only completions count as
// events; otherwise every event is an activity instance.
var StandardLifecycle = []string{"schedule", "assign", "withdraw", "reassign", "start", "suspend",
	"resume", "pi_abort", "ate_abort", "complete", "autoskip", "manualskip", "unknown"}

// DDL creates the warehouse tables that hold the canonical records. The
// columns of events and cases follow Schema and CaseSchema, after log_id
// (which named log the row belongs to), plus the warehouse's dictionary
// numbers for cases and activities. Rows are stored as the source had them;
// what the warehouse derives (activity instances, start pairing, ordering)
// lives in its own tables, see ingest/warehouse.
const DDL = `
CREATE TABLE IF NOT EXISTS logs (
	log_id      INTEGER PRIMARY KEY,
	name        VARCHAR NOT NULL, -- unique; enforced by the import transaction (DuckDB cannot delete and re-insert a unique key in one transaction)
	source      VARCHAR NOT NULL,
	format      VARCHAR NOT NULL,
	imported_at TIMESTAMP NOT NULL,
	events      BIGINT NOT NULL,
	instances   BIGINT NOT NULL,
	cases       BIGINT NOT NULL,
	resources   BIGINT NOT NULL,  -- distinct resources of activity instances
	rejects     BIGINT NOT NULL,
	lifecycle   VARCHAR NOT NULL, -- 'standard' or 'non-standard'
	classifier  VARCHAR,
	meta        JSON              -- log attributes, globals, classifiers, extensions
);
CREATE TABLE IF NOT EXISTS events (
	log_id    INTEGER NOT NULL,
	case_id   VARCHAR NOT NULL,
	activity  VARCHAR NOT NULL,
	ts        TIMESTAMP NOT NULL,
	start_ts  TIMESTAMP,
	resource  VARCHAR,
	lifecycle VARCHAR,
	seq       BIGINT NOT NULL,
	attrs     JSON,
	case_no   INTEGER NOT NULL, -- warehouse dictionary: cases numbered by first appearance
	act_src   INTEGER NOT NULL  -- warehouse dictionary: activities numbered by first appearance
);
CREATE TABLE IF NOT EXISTS cases (
	log_id  INTEGER NOT NULL,
	case_no INTEGER NOT NULL,
	case_id VARCHAR NOT NULL,
	attrs   JSON
);
CREATE TABLE IF NOT EXISTS rejects (
	log_name VARCHAR NOT NULL,
	source   VARCHAR NOT NULL,
	line     BIGINT NOT NULL,
	reason   VARCHAR NOT NULL,
	raw      VARCHAR
);
`

// Sink receives what a reader decodes. Records passed to Events and Cases
// follow Schema and CaseSchema; the sink releases them when done.
type Sink interface {
	Events(rec arrow.Record) error
	Cases(rec arrow.Record) error
	// Reject keeps a row the reader could not turn into an event, with its
	// position in the source (line, or row for CSV) and the reason.
	Reject(line int64, reason string, raw string) error
}

// Meta describes a log as a whole: what a reader learnt besides the events.
type Meta struct {
	// Attrs are the log-level attributes, globals, classifiers and
	// extensions, as a JSON object (nil when the source has none).
	Attrs []byte
	// Classifier is the classifier used for activity labels ("" = concept:name).
	Classifier string
	// Events and Rejected count what the reader emitted.
	Events, Rejected int64
}
