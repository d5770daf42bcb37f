package enrich

import (
	"context"
	"errors"
	"strings"
	"unicode"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/place"
)

// Enricher fills in what it knows of a lead's company: its headquarters
// country and region, its headcount and its industry. It fills only the
// fields the lead lacks, never overwriting what the lead file gave. The
// engine enriches each lead it imports, before the lead's zone is resolved
// and its score reckoned; an error is logged and the lead imported as it
// is, so a provider that is down costs enrichment, never a lead.
type Enricher interface {
	Enrich(ctx context.Context, lead *outbound.Lead) error
}

// Func adapts a function to Enricher.
type Func func(ctx context.Context, lead *outbound.Lead) error

// Enrich calls f.
func (f Func) Enrich(ctx context.Context, lead *outbound.Lead) error { return f(ctx, lead) }

// Company is what an enricher knows of a company.
type Company struct {
	Domain    string
	Country   string // ISO 3166 alpha-2 of the headquarters
	Region    string // the headquarters' state or province code
	Employees int
	Industry  string
}

// fill copies c's fields into l's empty ones.
func (c Company) fill(l *outbound.Lead) {
	if l.Country == "" && c.Country != "" {
		l.Country = c.Country
		if l.Region == "" {
			l.Region = c.Region
		}
	}
	if l.Employees == 0 {
		l.Employees = c.Employees
	}
	if l.Industry == "" {
		l.Industry = c.Industry
	}
}

// Chain runs enrichers in order (a host's API first, Offline last): each
// fills what the ones before left empty. Every one runs; their errors are
// joined.
func Chain(es ...Enricher) Enricher {
	return Func(func(ctx context.Context, l *outbound.Lead) error {
		var errs []error
		for _, e := range es {
			if err := ctx.Err(); err != nil {
				return err
			}
			errs = append(errs, e.Enrich(ctx, l))
		}
		return errors.Join(errs...)
	})
}

// Static enriches from a host's own table of companies, by domain (lower
// case, without "www.").
type Static map[string]Company

// Enrich implements Enricher.
func (s Static) Enrich(_ context.Context, l *outbound.Lead) error {
	if c, ok := s[domainKey(l.CompanyDomain)]; ok {
		c.fill(l)
	}
	return nil
}

func domainKey(d string) string {
	return strings.TrimPrefix(strings.ToLower(strings.TrimSpace(d)), "www.")
}

// Offline enriches from the lead's own fields, with no network: the
// headquarters country from the company domain's country-code TLD
// (".com.au" and ".au" give AU, ".co.uk" GB; the TLDs used as brands, such
// as .io, .co, .ai or .me, give nothing), and the industry from words of
// the company's name or domain ("Harbour Freight" logistics, "acmelegal"
// legal, a ".io" domain software). It leaves the headcount alone: nothing
// offline knows it.
type Offline struct{}

// Enrich implements Enricher.
func (Offline) Enrich(_ context.Context, l *outbound.Lead) error {
	d := domainKey(l.CompanyDomain)
	Company{Country: countryOfDomain(d), Industry: industryOf(l.Company, d)}.fill(l)
	return nil
}

// brandTLDs are country codes sold as generic names: they say nothing of
// where a company is.
var brandTLDs = map[string]bool{"io": true, "co": true, "ai": true, "me": true, "tv": true, "ly": true, "fm": true,
	"gg": true, "sh": true, "to": true, "ws": true, "cc": true, "is": true, "so": true, "am": true, "vc": true}

// countryOfDomain is the country a domain's TLD names, or "".
func countryOfDomain(d string) string {
	i := strings.LastIndexByte(d, '.')
	if i < 0 || i == len(d)-1 {
		return ""
	}
	tld := d[i+1:]
	if len(tld) != 2 || brandTLDs[tld] {
		return ""
	}
	if tld == "uk" {
		return "GB"
	}
	cc := strings.ToUpper(tld)
	if _, ok := place.CountryName(cc); !ok {
		return ""
	}
	return cc
}

// industries are the words that name an industry, by the industry.
var industries = []struct {
	name  string
	words []string
}{
	{"software", []string{"software", "saas", "labs", "tech", "technology", "technologies", "cloud", "apps", "analytics", "data", "ai", "digital", "systems"}},
	{"legal", []string{"law", "legal", "lawyers", "attorneys", "solicitors", "barristers"}},
	{"healthcare", []string{"health", "healthcare", "medical", "dental", "dentist", "clinic", "pharma", "physio"}},
	{"real estate", []string{"realty", "properties", "property", "estate", "homes", "realtors"}},
	{"logistics", []string{"logistics", "freight", "shipping", "transport", "couriers", "haulage"}},
	{"construction", []string{"construction", "builders", "building", "constructions", "contractors"}},
	{"accounting", []string{"accounting", "accountants", "bookkeeping", "cpa", "tax"}},
	{"financial services", []string{"capital", "finance", "financial", "wealth", "invest", "investments", "bank", "lending"}},
	{"insurance", []string{"insurance", "insure", "underwriting"}},
	{"marketing", []string{"marketing", "media", "advertising", "creative", "agency", "studio"}},
	{"consulting", []string{"consulting", "consultants", "advisory", "advisors"}},
	{"manufacturing", []string{"manufacturing", "industries", "industrial", "engineering", "fabrication"}},
	{"education", []string{"education", "academy", "school", "learning", "college", "university", "training"}},
	{"hospitality", []string{"hospitality", "hotel", "hotels", "restaurant", "cafe", "foods", "catering"}},
	{"retail", []string{"retail", "store", "stores", "shop", "boutique"}},
}

// industryOf reads an industry from a company's name (its words) and its
// domain (the words, or longer ones held in its first label); a ".io"
// domain with no other clue is software.
func industryOf(company, domain string) string {
	words := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(company), func(r rune) bool { return !unicode.IsLetter(r) }) {
		words[w] = true
	}
	label, _, _ := strings.Cut(domain, ".")
	for _, w := range strings.FieldsFunc(label, func(r rune) bool { return !unicode.IsLetter(r) }) {
		words[w] = true
	}
	for _, ind := range industries {
		for _, w := range ind.words {
			if words[w] || (len(w) >= 5 && strings.Contains(label, w)) {
				return ind.name
			}
		}
	}
	if strings.HasSuffix(domain, ".io") {
		return "software"
	}
	return ""
}
