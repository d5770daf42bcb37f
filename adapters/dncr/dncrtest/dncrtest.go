// Package dncrtest is a fake of the Australian Do Not Call Register's Real
// Time Access service for tests: a SOAP endpoint that checks the
// credentials in each operation, answers WashNumbers and GetWashResult
// from a register of numbers (Y, N, or I for an invalid one), can make a
// wash finish only after some polls, charges a credit for every number
// washed (invalid ones too, as the register does), answers
// GetAccountBalance, and gives any system code on request.
package dncrtest

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
)

// Config configures a [Server].
type Config struct {
	TelemarketerID, WashOnlyUserID, Password string
	// Registered are the numbers on the register, in national form
	// ("0412345678") or E.164; Listed, when set, says of any other
	// number (in national form) whether it is on the register.
	Registered []string
	Listed     func(national string) bool
	// Balance is the account's credit, one per number washed.
	Balance int64
	// Polls is how many GetWashResult answers say "not finished" (4)
	// before the results; with Polls > 0, WashNumbers answers without
	// results.
	Polls int
}

// Server is the fake. It is safe for concurrent use.
type Server struct {
	cfg Config
	srv *httptest.Server

	mu         sync.Mutex
	registered map[string]bool
	pending    map[string]pending // reference → wash waiting to finish
	codes      []int              // system codes the next operations answer
	charged    int
	ops        map[string]int
}

type pending struct {
	numbers []string
	polls   int
}

// NewServer starts the fake on 127.0.0.1.
func NewServer(cfg Config) *Server {
	s := &Server{cfg: cfg, registered: map[string]bool{}, pending: map[string]pending{}, ops: map[string]int{}}
	for _, n := range cfg.Registered {
		s.registered[national(n)] = true
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve)) // on 127.0.0.1
	return s
}

// URL is the endpoint, for the adapter's Config.Endpoint.
func (s *Server) URL() string { return s.srv.URL + "/dncrtelem/rtw/washing.cfc" }

// Close stops the fake.
func (s *Server) Close() { s.srv.Close() }

// Answer makes the next operations answer these system codes.
func (s *Server) Answer(codes ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes = append(s.codes, codes...)
}

// Charged is how many numbers were washed, and paid for.
func (s *Server) Charged() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.charged
}

// Calls is how many times operation op was called.
func (s *Server) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ops[op]
}

// national is a number's digits in national form: +61 becomes 0.
func national(n string) string {
	var b strings.Builder
	for _, c := range n {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	d := b.String()
	if strings.HasPrefix(n, "+61") || strings.HasPrefix(d, "61") && len(d) == 11 {
		d = "0" + d[2:]
	}
	return d
}

// validNational reports whether n is a number the register washes: ten
// digits starting 0 (mobiles 04, geographic 02, 03, 07, 08).
func validNational(n string) bool {
	return len(n) == 10 && n[0] == '0' && strings.ContainsRune("23478", rune(n[1]))
}

type request struct {
	Body struct {
		Op struct {
			XMLName        xml.Name
			TelemarketerID string   `xml:"TelemarketerId"`
			WashOnlyUserID string   `xml:"WashOnlyUserId"`
			Password       string   `xml:"TelemarketerPassword"`
			Reference      string   `xml:"ClientReferenceId"`
			Numbers        []string `xml:"NumbersToWash>Number"`
		} `xml:",any"`
	} `xml:"Body"`
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/dncrtelem/rtw/washing.cfc" {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/xml") {
		fault(w, "Content-Type must be text/xml")
		return
	}
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	var req request
	if err := xml.Unmarshal(raw, &req); err != nil || req.Body.Op.XMLName.Local == "" {
		fault(w, "the body is not a SOAP envelope")
		return
	}
	op := req.Body.Op
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ops[op.XMLName.Local]++
	reply := func(code int, msg, inner string) {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">`+
			`<soapenv:Body><ns1:%sResponse xmlns:ns1="http://rtw.dncrtelem"><%sReturn><ErrorCode>%d</ErrorCode><ErrorMessage>%s</ErrorMessage>%s</%sReturn></ns1:%sResponse></soapenv:Body></soapenv:Envelope>`,
			op.XMLName.Local, op.XMLName.Local, code, msg, inner, op.XMLName.Local, op.XMLName.Local)
	}
	if len(s.codes) > 0 {
		code := s.codes[0]
		s.codes = s.codes[1:]
		reply(code, "scripted", "")
		return
	}
	if op.TelemarketerID != s.cfg.TelemarketerID || op.WashOnlyUserID != s.cfg.WashOnlyUserID || op.Password != s.cfg.Password ||
		op.TelemarketerID == "" {
		reply(1, "Telemarketer ID, user ID or password missing or wrong", "")
		return
	}
	switch op.XMLName.Local {
	case "GetAccountBalance":
		reply(0, "", "<AccountBalance>"+strconv.FormatInt(s.cfg.Balance, 10)+"</AccountBalance>")
	case "WashNumbers":
		if len(op.Numbers) == 0 {
			reply(1, "No numbers to wash", "")
			return
		}
		if int64(len(op.Numbers)) > s.cfg.Balance {
			reply(5, "Insufficient account balance", "")
			return
		}
		s.cfg.Balance -= int64(len(op.Numbers))
		s.charged += len(op.Numbers)
		if s.cfg.Polls > 0 {
			s.pending[op.Reference] = pending{numbers: op.Numbers}
			reply(0, "", "<ClientReferenceId>"+op.Reference+"</ClientReferenceId>")
			return
		}
		reply(0, "", s.results(op.Reference, op.Numbers))
	case "GetWashResult":
		p, ok := s.pending[op.Reference]
		if !ok {
			reply(2, "ClientReferenceId not found", "")
			return
		}
		if p.polls < s.cfg.Polls {
			p.polls++
			s.pending[op.Reference] = p
			reply(4, "Washing not finished", "")
			return
		}
		delete(s.pending, op.Reference)
		reply(0, "", s.results(op.Reference, p.numbers))
	default:
		fault(w, "no operation "+op.XMLName.Local)
	}
}

// results renders each number's result. Called with s.mu held.
func (s *Server) results(ref string, numbers []string) string {
	var b strings.Builder
	b.WriteString("<ClientReferenceId>" + ref + "</ClientReferenceId><Results>")
	for _, n := range numbers {
		res := "N"
		switch nat := national(n); {
		case !validNational(nat):
			res = "I"
		case s.registered[nat] || (s.cfg.Listed != nil && s.cfg.Listed(nat)):
			res = "Y"
		}
		b.WriteString("<Item><Number>" + xmlText(n) + "</Number><Result>" + res + "</Result></Item>")
	}
	b.WriteString("</Results>")
	return b.String()
}

func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func fault(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>%s</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`, xmlText(msg))
}
