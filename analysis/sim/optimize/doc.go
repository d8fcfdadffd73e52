// Package optimize owns the search for process changes worth making: it
// proposes candidate changes to a simulation model from where the process
// loses time, evaluates them by simulation with common random numbers,
// combines the ones that help, and returns a ranked, costed list of
// recommendations with their KPI changes and 95 % intervals, and the Pareto
// front of objective against cost.
//
// # Candidates
//
// Changes are generated from evidence, not enumerated blindly:
//
//   - staff: the pools that make cases queue (the baseline simulation's
//     queueing for each pool, by its share of all queueing and per case it
//     serves, plus the caller's Hints from the log's bottleneck and SLA
//     analyses, shared among the pools doing the activity) get one or two
//     more people, a
//     longer working day (one or two hours), or people moved from the least
//     utilised pools (only when the giving pool stays below 85 %
//     utilisation); for the cost objective, lightly used pools lose people;
//   - automation: the steps the caller names as automatable, or else the
//     short steps (median working time up to 20 minutes) where cases lose
//     most time, the kind of routine work (classifying, dispatching) that
//     is automated in practice; long expert work is not proposed unless
//     named. An automated step takes no working time and no one's time;
//     waits before it that are not queueing (a customer's reply) stay;
//   - rework: the loop through each step that triggers redone work (a
//     Reassign, a Reopen, a question to the customer; scenario's
//     remove_rework: ACTIVITY), or through an activity repeated with no
//     such step between, most frequent first, the log's rework findings
//     (credited to the steps that trigger the repeats) first; one change
//     per distinct result, none mostly inside another's loop;
//   - waits that are not queueing (the model's extraneous delays) before
//     steps staff perform, where cases lose most time or breach their SLA:
//     halved, a policy change (no batching, no planning meeting first, a
//     shorter waiting period);
//   - order: two activities observed directly after each other in both
//     orders (so neither depends on the other) are put in each order.
//
// # Search
//
// Every evaluation of a candidate is a replication of the simulation with
// the same seeds as the baseline's, so differences are paired. Candidates
// are screened with a few replications, and the promising ones raced: more
// replications are added in steps until the paired difference to the
// reference (the baseline for single changes, the incumbent for
// combinations) is significant at 95 %, one way or the other, or the full
// number of replications is reached. A hill climb then adds, one at a
// time, the single change that improves the incumbent combination most,
// while the improvement is significant and at least MinEffect of the
// baseline. The search stops when no change improves, at MaxCandidates, or
// at the first round boundary after TimeLimit. Rounds are the unit of
// work, so a run that ends before its time limit is reproducible for a
// seed on any machine.
//
// # Costs
//
// Cost is running cost per week: every pool member's weekly working hours
// (from the calendars) times the pool's cost per hour (Costs.StaffPerHour
// where the model gives none: with the default of 1, cost counts staff
// hours), plus Costs.Automation per automated step and Costs.Process per
// other process change (rework removal, a halved wait, reordering).
//
// It must not import database/sql, DuckDB, ingest, report or cmd.
package optimize
