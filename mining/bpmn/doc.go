// Package bpmn reads BPMN 2.0 process models (the to-be process a person
// drew in Camunda Modeler, bpmn.io, Signavio or pmx's own export) and
// converts them to workflow nets for conformance checking and simulation.
//
// It owns the mapping between BPMN XML and Model, and between Model and
// petri.Net; like the rest of mining it is pure Go over plain values and
// must not import database/sql, the DuckDB driver, ingest, report or cmd.
package bpmn
