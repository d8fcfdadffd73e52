// Package ocdfg discovers the object-centric directly-follows graph
// (OC-DFG) of an object-centric event log, as PM4Py's discover_ocdfg.
//
// For each object type, an object's lifecycle is its events in time order;
// an edge a→b is one occurrence of an event of activity b directly after an
// event of activity a in some object's lifecycle. Every node and edge has
// PM4Py's three frequencies:
//
//	edge  event_couples   distinct (source event, target event) pairs: two
//	                      objects of the type that share both events count once
//	      unique_objects  distinct objects of the type with the edge in their lifecycle
//	      total_objects   (source event, target event, object) triples: the count
//	                      the flattened log's DFG gives
//	node  events          distinct events of the activity related to an object of the type
//	      unique_objects  distinct objects of the type with the activity
//	      total_objects   (event, object) pairs
//
// Start and end activities (the first and last activity of each lifecycle)
// carry the same three node frequencies.
//
// Invariant: Discover is a pure function of its input; output is sorted (types
// by name, edges by from then to), so the same log gives the same bytes. It
// must not import ingest, analysis, report or cmd.
package ocdfg
