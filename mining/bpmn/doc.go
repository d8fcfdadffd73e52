// Package bpmn reads BPMN 2.0 process models (the to-be process a person
// drew in Camunda Modeler, bpmn.io, Signavio or pmx's own export) and
// converts them to workflow nets for conformance checking and simulation.
//
// It owns the mapping between BPMN XML and Model, and between Model and
// petri.Net; like the rest of mining it is pure Go over plain values and
// must not import database/sql, the DuckDB driver, ingest, report or cmd.
//
// # Reading
//
// Read streams a BPMN 2.0 XML document through encoding/xml and keeps only
// what Model holds. Elements are matched by namespace URL (the BPMN model,
// BPMN DI, and DD's DC and DI namespaces), never by prefix, so bpmn:,
// bpmn2:, semantic: and Signavio's default namespace read alike. A Model
// from Read keeps these invariants: every id is used once; every flow's
// Source and Target are nodes of the flow's process at the flow's
// subprocess level; a boundary event is attached to a task or subprocess
// at its own level; a Default is an outgoing flow of its node; a node's
// Lane is the innermost lane listing it. Anything the converter cannot use
// is read as the nearest supported element or skipped, and either way has
// a line in Model.Warnings: complex gateways read as inclusive ones,
// transactions and ad-hoc subprocesses as subprocesses, loops and
// multi-instance as one execution, compensation and link events as plain
// events; event subprocesses are skipped with their content; message
// flows, data, artifacts, choreographies and conversations are counted in
// one warning per kind. Passed over without a word: declarations under
// definitions (message, signal, error, itemDefinition, …), documentation,
// incoming and outgoing (they repeat the flows' refs), and extension
// elements other than the properties below.
//
// Simulation parameters ride in a node's or flow's extension elements,
// as Camunda Modeler writes them or in pmx's own namespace (Camunda 8's
// zeebe:properties are read too), into Node.Ext and Flow.Ext:
//
//	<extensionElements>
//	  <pmx:properties xmlns:pmx="https://pmx.dev/schema/bpmn">
//	    <pmx:property name="duration" value="lognormal(20m, 5m)"/>
//	  </pmx:properties>
//	</extensionElements>
//
// Diagram interchange comes from the first BPMNDiagram, and from later
// ones drawing a collapsed subprocess (bpmn-js puts its content on a plane
// of its own); any other diagram is warned about. Reading is safe on
// hostile input: entities are never expanded beyond XML's predefined ones
// (a DOCTYPE declaring one is refused), and the input (64 MiB), element
// nesting (256) and the text kept of one element (1 MiB) are bounded.
package bpmn
