// Package place is the module's one place for countries and their regions:
// it reads what people write in a lead file or a form ("au", "USA",
// "United Kingdom", "New South Wales", "US-NY") into ISO codes, and names
// the codes back.
//
// # Countries
//
// [Country] accepts, in any case and with any surrounding or inner spacing:
//
//   - an ISO 3166-1 alpha-2 code ("au", " US "), and "UK" for GB;
//   - an ISO 3166-1 alpha-3 code ("USA", "AUS", "GBR");
//   - the English name tzdata's iso3166.tab gives the code ("Australia",
//     "Britain (UK)", "St Kitts & Nevis") and the usual other names
//     ("United States of America", "U.S.", "United Kingdom", "Great
//     Britain", "England", "South Korea", "Czechia", "Holland", ...).
//
// Names are compared after folding: lower case, Latin accents dropped,
// dots and apostrophes dropped, "&" read as "and", a leading "the" dropped,
// "Saint" read as "St", and any other punctuation read as a space. So
// "Côte d'Ivoire", "cote divoire" and "COTE D IVOIRE" are one name.
// The answer is always the upper-case alpha-2 code, which [CountryName]
// turns back into the English name.
//
// # Regions
//
// [Region] reads a country's first-level subdivision (state, province,
// territory): its ISO 3166-2 code with or without the country prefix
// ("NSW", "AU-NSW", "ny", "US-NY"), its English name, and usual other
// names and spellings ("Washington D.C.", "Québec", "Bayern"). The country
// may be written any way [Country] accepts. The answer is the code without
// the prefix ("NSW"). Regions are known for Australia, the United States
// (with its inhabited territories), Canada, New Zealand, Spain, Portugal,
// Brazil, Mexico, Germany and the United Kingdom's four nations; [Regions]
// lists a country's.
//
// # Errors
//
// [Country] and [Region] answer ok or not. [ParseCountry] and [ParseRegion]
// return an *[invalid.FieldError] naming the field and the value instead,
// for callers that report bad input.
//
// The tables are embedded and built on first use; they never change
// afterwards, and every function is safe for concurrent use.
package place
