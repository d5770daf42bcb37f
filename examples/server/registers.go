package main

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/outbound-go/outbound/adapters/dncr"
	"github.com/outbound-go/outbound/distribution"
	"github.com/outbound-go/outbound/donotcall"
	"github.com/outbound-go/outbound/timing"
)

// registers are the do-not-call registers every lead's number is washed
// against, by its country, from the environment:
//
//	DNCR_TELEMARKETER_ID, DNCR_WASH_ONLY_USER_ID,  Australia's Do Not Call Register, through its
//	DNCR_PASSWORD (all three or none)             Real Time Access service (adapters/dncr)
//	DNCR_ENDPOINT                                  the service's URL; default the register's own
//	OUTBOUND_US_DNC_DIR                            a directory of the US National Do Not Call
//	                                               Registry's files as downloaded (every file, recursively;
//	                                               zip files unzipped), read at start
//	OUTBOUND_DNC_LISTS                             lists the agency keeps, by country: "GB=/srv/dnc/gb,CA=/srv/dnc/ca",
//	                                               each directory's files one number a line (E.164 or
//	                                               national form, '#' comments), read at start
//
// A number of a country with no register is washed not_applicable. With
// no register at all, no number is washed: none is called, and none is
// texted under the default policy. Credentials come from the environment
// only and are never logged nor shown in an error.
type registers struct {
	// AU is the Australian register's account; the zero value has none.
	AU dncrAccount
	// USDir is the directory of the US registry's files; "" for none.
	USDir string
	// Lists maps a country (as phone.Parse names it: "GB", never "UK")
	// to the directory of its lists.
	Lists map[string]string
}

// dncrAccount is an account of the Australian register's wash service.
type dncrAccount struct {
	TelemarketerID, WashOnlyUserID, Password string
	// Endpoint is the service's URL; "" for the register's own.
	Endpoint string
}

func (a dncrAccount) set() bool { return a.TelemarketerID != "" }

// loadRegisters reads the register settings from getenv. A directory is
// checked to be one here; its files are read by open.
func loadRegisters(getenv func(string) string) (registers, error) {
	r := registers{AU: dncrAccount{TelemarketerID: strings.TrimSpace(getenv("DNCR_TELEMARKETER_ID")),
		WashOnlyUserID: strings.TrimSpace(getenv("DNCR_WASH_ONLY_USER_ID")), Password: getenv("DNCR_PASSWORD"),
		Endpoint: strings.TrimSpace(getenv("DNCR_ENDPOINT"))}, USDir: getenv("OUTBOUND_US_DNC_DIR")}
	a := r.AU
	if a.TelemarketerID != "" || a.WashOnlyUserID != "" || a.Password != "" {
		for _, s := range []struct{ setting, value string }{
			{"DNCR_TELEMARKETER_ID", a.TelemarketerID}, {"DNCR_WASH_ONLY_USER_ID", a.WashOnlyUserID}, {"DNCR_PASSWORD", a.Password},
		} {
			if s.value == "" {
				return r, &configError{Setting: s.setting, Value: "", Reason: "the Australian register's account needs DNCR_TELEMARKETER_ID, DNCR_WASH_ONLY_USER_ID and DNCR_PASSWORD"}
			}
		}
	}
	if a.Endpoint != "" {
		if !a.set() {
			return r, &configError{Setting: "DNCR_ENDPOINT", Value: a.Endpoint, Reason: "needs the register's account (DNCR_TELEMARKETER_ID and the rest)"}
		}
		if u, err := url.Parse(a.Endpoint); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
			return r, &configError{Setting: "DNCR_ENDPOINT", Value: a.Endpoint, Reason: "must be an http(s) URL"}
		}
	}
	if r.USDir != "" {
		if err := isDir(r.USDir); err != nil {
			return r, &configError{Setting: "OUTBOUND_US_DNC_DIR", Value: r.USDir, Reason: err.Error()}
		}
	}
	lists := getenv("OUTBOUND_DNC_LISTS")
	if strings.TrimSpace(lists) == "" {
		return r, nil
	}
	r.Lists = map[string]string{}
	for _, pair := range strings.Split(lists, ",") {
		country, dir, ok := strings.Cut(strings.TrimSpace(pair), "=")
		country = strings.ToUpper(strings.TrimSpace(country))
		if country == "UK" {
			country = "GB"
		}
		switch {
		case !ok || dir == "" || !isCountry(country):
			return r, &configError{Setting: "OUTBOUND_DNC_LISTS", Value: pair, Reason: "want COUNTRY=directory pairs separated by commas, COUNTRY an ISO 3166-1 alpha-2 code (GB=/srv/dnc/gb)"}
		case country == "AU" && a.set():
			return r, &configError{Setting: "OUTBOUND_DNC_LISTS", Value: pair, Reason: "Australia's numbers are washed through the register's service (DNCR_TELEMARKETER_ID): a list of AU would not be read"}
		case r.Lists[country] != "":
			return r, &configError{Setting: "OUTBOUND_DNC_LISTS", Value: pair, Reason: "a second directory for " + country}
		}
		if err := isDir(dir); err != nil {
			return r, &configError{Setting: "OUTBOUND_DNC_LISTS", Value: pair, Reason: err.Error()}
		}
		r.Lists[country] = dir
	}
	return r, nil
}

// isCountry reports whether c is an ISO 3166-1 alpha-2 code in upper case.
func isCountry(c string) bool {
	return len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z'
}

// isDir returns why dir is not a directory that can be read, or nil.
func isDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case err != nil:
		return fmt.Errorf("not readable: %w", err)
	case !fi.IsDir():
		return fmt.Errorf("not a directory")
	}
	return nil
}

// open returns the engine's DNCR checker: a donotcall.ByCountry of the
// registers configured, the files read now; nil when none is configured.
// It logs which countries have a register and what backs each, never a
// credential.
func (r registers) open(ctx context.Context, clock timing.Clock, log *slog.Logger) (distribution.DNCRChecker, error) {
	regs := map[string]donotcall.Register{}
	sources := map[string]string{}
	if r.AU.set() {
		reg, err := dncr.New(dncr.Config{TelemarketerID: r.AU.TelemarketerID, WashOnlyUserID: r.AU.WashOnlyUserID,
			Password: r.AU.Password, Endpoint: r.AU.Endpoint, Clock: clock, Logger: log.With("register", "AU")})
		if err != nil {
			return nil, &configError{Setting: "DNCR_TELEMARKETER_ID", Value: "(set)", Reason: "the register's account is refused: " + err.Error()}
		}
		regs["AU"], sources["AU"] = reg, "the register's wash service"
	}
	var files donotcall.FileLoader
	var covered []string
	if r.USDir != "" {
		if err := files.ReadUSDir(ctx, os.DirFS(r.USDir)); err != nil {
			return nil, &configError{Setting: "OUTBOUND_US_DNC_DIR", Value: r.USDir, Reason: err.Error()}
		}
		covered = append(covered, "US")
	}
	for _, c := range slices.Sorted(maps.Keys(r.Lists)) {
		if err := files.ReadListDir(ctx, os.DirFS(r.Lists[c]), c); err != nil {
			return nil, &configError{Setting: "OUTBOUND_DNC_LISTS", Value: c + "=" + r.Lists[c], Reason: err.Error()}
		}
		if c != "US" || r.USDir == "" {
			covered = append(covered, c)
		}
	}
	if len(covered) > 0 {
		fr, err := files.Register(donotcall.FileOptions{Clock: clock})
		if err != nil {
			return nil, fmt.Errorf("do-not-call files: %w", err)
		}
		for _, c := range covered {
			regs[c], sources[c] = fr, "files"
		}
		log.Info("do-not-call files read", "countries", covered, "numbers", fr.Len(), "us_area_codes", len(fr.AreaCodes()))
	}
	if len(regs) == 0 {
		log.Warn("no do-not-call register configured: no number is washed, so none is called, nor texted under the default policy")
		return nil, nil
	}
	bc, err := donotcall.NewByCountry(donotcall.ByCountryConfig{Registers: regs, Clock: clock, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("do-not-call registers: %w", err)
	}
	log.Info("do-not-call registers: what washes each country", "sources", sources)
	return bc, nil
}
