// Package report renders a simulation's results: the Summary (written as
// summary.json), the plain-text tables printed at the end of a run, the
// self-contained HTML report with inline SVG charts, and the JSON lines
// records (leads, resources, touches, events) that let anyone check a run
// independently.
//
// # Records
//
// The JSON lines files carry the field names the issue lists. IDs are UUID
// strings, "" when there is none (a pool resource's client_id, a skipped
// touch's resource_id). Instants are RFC 3339 in UTC with nanoseconds, so a
// checker sees the exact instant; null when there is none (a touch not
// sent yet has sent_at null).
//
// # Charts
//
// Charts are computed here as shapes (rectangles, labels, grid lines) and
// placed by an html/template, so the report needs no script and no outside
// resource: touches per day stacked by channel, touches by channel and
// status, capacity used against available per resource kind, and the
// inbound events by type.
package report
