package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/outbound-go/outbound/channel"
	"github.com/outbound-go/outbound/timing"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "customchannel:", err)
		os.Exit(1)
	}
}

// run starts a receiver on 127.0.0.1, sends two messages through the hook
// channel, one of them twice, and prints what came back.
func run(ctx context.Context, out io.Writer) error {
	clock := timing.RealClock()
	recv := &Receiver{Secret: "hook-secret", Now: clock.Now}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: recv, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	hook, err := NewHookChannel(HookConfig{URL: "http://" + ln.Addr().String() + "/messages", Secret: "hook-secret", Now: clock.Now})
	if err != nil {
		return err
	}
	send := func(key, to string) error {
		m := &channel.Message{IdempotencyKey: key, Kind: channel.SMS, From: channel.Sender{Address: "+61400000000"},
			To: channel.Recipient{Phone: to}, Body: "Hi, a quick question. Reply STOP to opt out."}
		rc, err := hook.Send(ctx, m)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "touch %s: %s %s\n", key, rc.Provider, rc.ProviderMessageID)
		return nil
	}
	err = errors.Join(send("touch-1", "+61411111111"), send("touch-2", "+61422222222"),
		send("touch-1", "+61411111111")) // sent again after a lost answer: the same message
	fmt.Fprintf(out, "the receiver took %d messages\n", recv.Count())
	return err
}
