// Package gunzip reads gzip-compressed input the way the gzip tool does:
// several concatenated members are one stream, and zero bytes after the
// last member (the padding tape archivers and some copy tools add, which
// `gzip -t` accepts) are ignored, while any other trailing data is an error
// rather than silently dropped. Errors say "gzip: ..." once.
//
// It is used by every reader that accepts .gz files (ingest/xes,
// ingest/csv, format detection). It must not import anything of pmx.
package gunzip
