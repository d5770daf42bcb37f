// Package donotcall washes phone numbers against do-not-call registers,
// choosing the register by the number's country, and reads the registers a
// host downloads or keeps as files.
//
// Every register is a [Register]: the method set of the engine's
// distribution.DNCRChecker, so any of them plugs into the engine as it is.
//
// # By country
//
// [ByCountry] parses each number ([phone.Parse]) and sends it to the
// register configured for its country, e.g. the Australian Do Not Call
// Register's wash service for "AU" (+61) and a [FileRegister] of the US
// National Do Not Call Registry's files for "US". Routing is by the region
// code phone.Parse gives, never by the bare country calling code: +1 is
// shared by the US ("US"), Canada ("CA"), US territories ("PR", "GU", "VI",
// "AS", "MP") and Caribbean countries ("JM", "BS", …), and each of them is
// routed only if it has a register. The US registry's files cover US area
// codes, so configure the same FileRegister for a territory whose area codes
// you downloaded; Canada's National Do Not Call List is a separate register
// that the US files do not cover.
//
// A number of a country with no register is answered
// [outbound.DNCRNotApplicable], washed at the clock's now: recorded, never
// treated as registered, never silently blocked. ByCountry warns once per
// such country through its Logger and lists them in
// [ByCountry.Unconfigured].
//
// # The contract of a wash
//
// A register answers at most one result per distinct number, with the
// number as it was asked. An error does not void the results returned with
// it: they are the numbers washed, and the error — errors joined with
// [errors.Join] — names the rest: a *[invalid.FieldError] for each number
// that is not a valid phone number (never washed; errors.Is(err,
// invalid.ErrInvalid) holds), and a *[WashError] for the numbers of each
// country whose register failed or gave no answer. One country's failing
// register fails only that country's numbers.
//
// # Files
//
// A [FileLoader] reads the US National Do Not Call Registry's downloads
// (one file per area code, one number per line, "2125550100" or
// "212,5550100"; the FTC does not publish the exact layout, so this is
// unverified and both forms are accepted) and lists a host keeps (one number
// per line in E.164 or in national form of a given country, '#' comments),
// from an io.Reader or from every file of an fs.FS; a line that cannot be
// read is a *[LineError] naming the file and line. The [FileRegister] it
// builds answers registered for a listed number, clear for any other number
// its files cover, and unknown for a number they do not cover: a US number
// of an area code whose file was not loaded is unknown, not clear, and the
// engine keeps it unwashed. A US number takes 2 bytes in memory, so the
// whole registry (~250 million numbers) fits in about 500 MB.
package donotcall
