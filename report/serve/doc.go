// Package serve owns pmx serve's HTTP side: the JSON API over a warehouse's
// logs (the same values the CLI prints with --json), the live monitoring of
// logs being ingested (analysis/live states fed by each committed batch),
// Server-Sent Events that push live changes to pages, the pages themselves
// (rendered by package report, with its assets), alerts (stored in the
// warehouse so that a restart raises none twice, and POSTed to a webhook
// with retries that never hold up ingestion), and the guards a network
// service needs: a bearer token compared in constant time, per-client rate
// limits, bounded requests, strict security headers.
//
// Invariant: the live state is the warehouse seen incrementally. It is
// rebuilt from the stored log at start and then changed only by Committed,
// which the ingester calls after each batch's transaction commits, so what
// the pages show never runs ahead of what is stored.
//
// It composes ingest/warehouse, analysis and report; it must not import
// cmd or mining's algorithms beyond what the batch report needs.
package serve
