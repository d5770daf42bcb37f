// Package smtptest is an SMTP server for tests: it listens on 127.0.0.1 on
// a free port, records every message it accepts, and can be told to refuse
// or defer a command with any reply code, to refuse one recipient, or to
// hang at a command until the server is closed. It is built on
// github.com/emersion/go-smtp and speaks plain SMTP without TLS or
// authentication, so the client must be set to send without TLS.
package smtptest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"

	gosmtp "github.com/emersion/go-smtp"
)

// Stage is a step of the SMTP conversation the server can be told to fail
// or hang at.
type Stage uint8

// The stages.
const (
	// StageMail is the MAIL FROM command.
	StageMail Stage = iota + 1
	// StageRcpt is each RCPT TO command.
	StageRcpt
	// StageData is the answer after the message data: the server has read
	// the whole message when it fails or hangs here.
	StageData
)

// Message is a message the server accepted.
type Message struct {
	// From is the envelope sender (MAIL FROM).
	From string
	// To are the envelope recipients (RCPT TO).
	To []string
	// Data is the message as the client sent it, headers and body.
	Data []byte
}

// Server is a running test server. Its methods are safe for concurrent use.
type Server struct {
	// Host and Port are where it listens: "127.0.0.1" and a free port.
	Host string
	Port int

	srv       *gosmtp.Server
	ln        net.Listener
	done      chan struct{}
	served    chan struct{}
	closeOnce sync.Once

	mu       sync.Mutex
	messages []Message
	fail     map[Stage]*gosmtp.SMTPError
	hang     map[Stage]bool
	rejectTo map[string]*gosmtp.SMTPError
	sessions int
}

// Start starts a server on 127.0.0.1:0 and stops it when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := Listen()
	if err != nil {
		t.Fatalf("smtptest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Listen starts a server on 127.0.0.1:0; Close stops it.
func Listen() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	s := &Server{
		Host:     "127.0.0.1",
		Port:     addr.Port,
		ln:       ln,
		done:     make(chan struct{}),
		served:   make(chan struct{}),
		fail:     map[Stage]*gosmtp.SMTPError{},
		hang:     map[Stage]bool{},
		rejectTo: map[string]*gosmtp.SMTPError{},
	}
	s.srv = gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) {
		s.mu.Lock()
		s.sessions++
		s.mu.Unlock()
		return &session{s: s}, nil
	}))
	s.srv.Domain = "smtptest.localhost"
	s.srv.MaxMessageBytes = 10 << 20
	s.srv.MaxRecipients = 50
	s.srv.ErrorLog = silent{}
	go func() {
		defer close(s.served)
		_ = s.srv.Serve(ln)
	}()
	return s, nil
}

// Close stops the server: hanging commands return, connections close.
// Calling it again does nothing.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		_ = s.srv.Close()
		_ = s.ln.Close() // Serve may not have taken the listener yet
		<-s.served
	})
}

// Fail makes every later command of stage st answer code with the
// enhanced status code enhanced ("5.1.1", or "" for none) and text, until
// Clear. A 4xx code defers, a 5xx code refuses.
func (s *Server) Fail(st Stage, code int, enhanced, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail[st] = smtpError(code, enhanced, text)
}

// RejectRecipient makes RCPT TO for addr answer code, until Clear.
func (s *Server) RejectRecipient(addr string, code int, enhanced, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejectTo[strings.ToLower(addr)] = smtpError(code, enhanced, text)
}

// Hang makes every later command of stage st wait without answering until
// the server is closed, until Clear.
func (s *Server) Hang(st Stage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hang[st] = true
}

// Clear forgets every Fail, RejectRecipient and Hang; the server accepts
// everything again. Sessions already hanging keep hanging.
func (s *Server) Clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.fail)
	clear(s.hang)
	clear(s.rejectTo)
}

// Messages returns a copy of the messages accepted so far, in the order
// they were accepted.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.messages))
	for i, m := range s.messages {
		out[i] = Message{From: m.From, To: append([]string(nil), m.To...), Data: bytes.Clone(m.Data)}
	}
	return out
}

// Sessions returns how many connections the server has taken.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions
}

// at applies what the server was told for stage st: it hangs until the
// server is closed, or returns the error to answer, or nil to go on.
func (s *Server) at(st Stage, rcpt string) error {
	s.mu.Lock()
	hang := s.hang[st]
	err := s.fail[st]
	if st == StageRcpt {
		if e, ok := s.rejectTo[strings.ToLower(rcpt)]; ok {
			err = e
		}
	}
	s.mu.Unlock()
	if hang {
		<-s.done
		return errors.New("smtptest: server stopped")
	}
	if err != nil {
		return err
	}
	return nil
}

type session struct {
	s    *Server
	from string
	to   []string
}

func (ss *session) Reset() { ss.from, ss.to = "", nil }

func (ss *session) Logout() error { return nil }

func (ss *session) Mail(from string, _ *gosmtp.MailOptions) error {
	if err := ss.s.at(StageMail, ""); err != nil {
		return err
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if err := ss.s.at(StageRcpt, to); err != nil {
		return err
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := ss.s.at(StageData, ""); err != nil {
		return err
	}
	ss.s.mu.Lock()
	ss.s.messages = append(ss.s.messages, Message{From: ss.from, To: append([]string(nil), ss.to...), Data: data})
	ss.s.mu.Unlock()
	return nil
}

func smtpError(code int, enhanced, text string) *gosmtp.SMTPError {
	e := &gosmtp.SMTPError{Code: code, Message: text, EnhancedCode: gosmtp.NoEnhancedCode}
	if enhanced != "" {
		parts := strings.Split(enhanced, ".")
		if len(parts) != 3 {
			panic(fmt.Sprintf("smtptest: enhanced status code %q is not class.subject.detail", enhanced))
		}
		for i, p := range parts {
			n, err := strconv.Atoi(p)
			if err != nil {
				panic(fmt.Sprintf("smtptest: enhanced status code %q is not numeric", enhanced))
			}
			e.EnhancedCode[i] = n
		}
	}
	return e
}

// silent drops the server's own log lines (a client hanging up is not
// news in a test).
type silent struct{}

func (silent) Printf(string, ...any) {}
func (silent) Println(...any)        {}
