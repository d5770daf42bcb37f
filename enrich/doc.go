// Package enrich fills in what a lead's record lacks about its company:
// the headquarters country and region, the headcount and the industry,
// which the scorer (package scoring) reads against a campaign's ideal
// customer profile.
//
// [Enricher] is the seam a host puts a data provider behind (Clearbit,
// Apollo, its own warehouse). Every enricher fills only empty fields: what
// the lead file said stands. [Offline], the default, reads the lead's own
// fields with no network: the country from the domain's country-code TLD
// and the industry from words of the company's name or domain. [Static]
// looks a host's own table up by domain; [Chain] runs several in order.
package enrich
