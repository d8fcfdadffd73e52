// Command gendemo writes pmx's bundled demo event log: a synthetic but
// realistic IT incident-management (ITSM) log in XES 1.0 (IEEE 1849),
// gzip-compressed, at ingest/demo/incidents.xes.gz.
//
// Usage, from the module root:
//
//	go run ./cmd/gendemo [-seed N] [-cases N] [-o path]
//
// The log is produced by a small discrete-event simulation of a service desk
// rather than by drawing each trace independently, because the analyses that
// run on it (bottlenecks, rework, SLA, what-if) must find effects that have a
// cause in the data: waiting times come from real queues of named agents who
// work in business hours (Europe/Amsterdam), so a short-staffed group or a
// slow Monday dispatch shows up as waiting, not as a random number.
//
// Planted patterns (see testdata/demo/README.md for the figures):
//   - the DBA group takes incidents only in two daily duty windows, so its
//     queue before Investigate is the log's main bottleneck, worst in May
//     when two of its four agents are on leave, and rising again in the last
//     week as summer leave starts;
//   - dispatch (Assign) starts late and runs slowly on Mondays;
//   - misrouted Database and Software incidents ping-pong (Reassign);
//   - a few agents are systematically slower, one is fast but his fixes are
//     reopened far more often;
//   - a share of P1/P2 incidents breaches its SLA target, and cases opened
//     in the last days are still open when the log was extracted.
//
// The generator imports only the standard library and none of pmx's own
// packages: the demo log must not be shaped by the code that later reads it,
// or a bug there could hide itself in the test data.
//
// Output is deterministic for a given seed: the generator uses its own
// random source (rng.go) instead of math/rand, whose streams may change
// between Go releases, and embeds the time-zone database so the UTC offsets
// written do not depend on the host.
package main
