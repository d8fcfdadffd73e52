// Package xmltext holds what pmx's XML model readers (mining/pnml,
// mining/bpmn) share about the text around the XML: the encodings they
// accept, which runes are space, and how a stray piece of text is quoted
// in an error. Like the rest of mining it is pure Go and must not import
// database/sql, the DuckDB driver, ingest, report or cmd.
package xmltext
