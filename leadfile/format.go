package leadfile

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// Format is a lead file's encoding.
type Format string

// The formats.
const (
	// CSV is comma-separated values with a header line (RFC 4180 quoting).
	CSV Format = "csv"
	// JSONL is one JSON object per line (JSON Lines, also called NDJSON).
	JSONL Format = "jsonl"
)

// ErrUnknownFormat is returned for a format name or file extension this
// package does not read.
var ErrUnknownFormat = errors.New("leadfile: unknown format")

// Valid reports whether f is CSV or JSONL.
func (f Format) Valid() bool { return f == CSV || f == JSONL }

// ParseFormat parses a format name, ignoring case and surrounding space:
// "csv", or "jsonl", "ndjson" or "json-lines" for JSONL. A leading dot is
// allowed, so an extension parses too.
func ParseFormat(s string) (Format, error) {
	switch strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), ".") {
	case "csv":
		return CSV, nil
	case "jsonl", "ndjson", "json-lines", "jsonlines":
		return JSONL, nil
	}
	return "", fmt.Errorf("%w %q (want csv or jsonl)", ErrUnknownFormat, s)
}

// DetectFormat returns the format to read path with. A non-empty override
// (a name ParseFormat accepts) wins; otherwise the file's extension decides,
// in any case: .csv is CSV, .jsonl and .ndjson are JSONL. Any other
// extension is an error wrapping ErrUnknownFormat.
func DetectFormat(path, override string) (Format, error) {
	if strings.TrimSpace(override) != "" {
		return ParseFormat(override)
	}
	ext := strings.ToLower(filepath.Ext(path))
	switch ext {
	case ".csv":
		return CSV, nil
	case ".jsonl", ".ndjson":
		return JSONL, nil
	}
	return "", fmt.Errorf("%w: cannot tell the format of %q from its extension %q (want .csv, .jsonl or .ndjson, or name the format)",
		ErrUnknownFormat, path, ext)
}
