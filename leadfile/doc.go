// Package leadfile reads and writes lead import files: CSV with a header
// line, or JSON Lines (one JSON object per line). It checks the file's
// structure and the few values it can judge on its own, reports every bad
// row with its line number and reason, and hands back the rest; the engine
// (package distribution) validates the leads themselves.
//
// The package imports nothing from the rest of the module, so any package
// may use it. A [Row] has the fields of distribution.LeadInput; the
// importing program converts one to the other and decides what the "client"
// column means (the simulator takes a client's number or name).
//
// # Columns
//
// Both formats carry the same columns (JSONL keys), in the order [Columns]
// lists them:
//
//	id, client, email, phone, linkedin, first_name, last_name, company,
//	company_domain, title, country, region, city, postcode, address_line1,
//	timezone, score
//
// id is the file's own ID for the lead (Row.ExternalID). Every value is
// trimmed of surrounding white space, and a line break inside a value
// ("\r\n" or "\r") reads as "\n". An empty value is the same as an absent
// one; an empty or absent score is 0 (the dead tier: the engine stores such
// a lead but does not enroll it).
//
// # CSV
//
// The first non-blank line is the header. Its names match the columns and
// the names CRM and prospecting exports give them ([Aliases]: Apollo,
// HubSpot, Salesforce) in any case and spacing ("First Name",
// "first_name"), in any order, or as [Options].Map maps them by hand;
// where several columns fill one field, a row takes the first that is not
// empty (a corporate phone before a mobile). Columns it does not know are
// not read and are listed ([Reader.Unknown]); a UTF-8 byte order mark
// before the header is skipped. A file
// cannot be read at all — [Read] returns a *[HeaderError], matched by
// [ErrHeader] — when it is empty, when its first line names none of the
// columns (a file without a header), when a column appears twice (or two
// fill one field the same way), or when it
// names no contact column (email, phone, linkedin or address_line1). Quoting
// follows RFC 4180 (encoding/csv); blank lines are skipped, and a row's line
// is the line it starts on.
//
// # JSONL
//
// Each non-blank line is one JSON object. Keys match as CSV header names
// do; unknown keys are listed, whatever their value. A text column takes a string, a number (kept as written:
// "id": 12 reads as "12") or null (empty). The score takes a number or a
// numeric string. Lines longer than [MaxLineBytes] are rejected without
// being held in memory.
//
// # Bad rows
//
// A row is rejected, and reading goes on with the next one, when
//
//   - a CSV row has more or fewer fields than the header, or bad quoting;
//   - a JSONL line is not valid JSON, not an object, or gives a column a
//     value of the wrong type (true, an array, an object);
//   - the score is not a whole number from 0 to 100 ("85.5", "high", 101;
//     a JSON number with a whole value, 85.0 or 1e2, is fine);
//   - the country is no country's ISO code or name (a code or name reads
//     as the alpha-2 code: "au", "AUS", "Australia" read "AU");
//   - a value is not valid UTF-8.
//
// Each rejection is a *[RowError] with the line, the field (the column name,
// or "" when the row as a whole is wrong), the value as given and the
// reason; errors.Is(err, [ErrInvalidRow]) holds for it. Only the first
// problem of a row, in column order, is reported.
//
// # Streaming and writing
//
// [Read] returns every row at once; [NewReader] and [Reader.Next] yield one
// row at a time for files too big to hold. Both read through a buffer and
// never need the whole file in memory.
//
// [Write] and [Writer] write rows in either format (CSV with every column
// and the header; JSONL leaving empty text fields out) so that Read gives
// the same rows back, Line aside. A writer refuses a row Read would reject.
//
// [DetectFormat] picks the format from a file name's extension (.csv;
// .jsonl or .ndjson), unless the caller names one.
package leadfile
