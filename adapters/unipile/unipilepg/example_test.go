package unipilepg_test

import (
	"context"
	"fmt"
	"log"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/outbound-go/outbound/adapters/unipile"
	"github.com/outbound-go/outbound/adapters/unipile/unipilepg"
)

// linkedIn migrates the store at a deployment's start and gives it to the
// channel, as its chats and its journal, and to the webhook decoder, so
// that whichever process hears of a touch finds it.
func linkedIn(ctx context.Context, pool *pgxpool.Pool) (*unipile.Channel, *unipile.Decoder, error) {
	if err := unipilepg.Migrate(ctx, pool); err != nil {
		return nil, nil, err
	}
	st := unipilepg.New(pool)
	ch, err := unipile.New(unipile.Config{DSN: "api8.unipile.com:13851", APIKey: "…", Chats: st, Journal: st})
	if err != nil {
		return nil, nil, fmt.Errorf("unipile channel: %w", err)
	}
	dec, err := unipile.NewDecoder(unipile.DecoderConfig{Journal: st})
	return ch, dec, err
}

// Every process of a deployment builds its LinkedIn channel and its
// webhook decoder on the database they share. It needs a database, so it
// is compiled, not run.
func Example() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, "postgres://app@db.internal:5432/outbound?search_path=outbound")
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	ch, dec, err := linkedIn(ctx, pool)
	if err != nil {
		log.Fatal(err)
	}
	_, _ = ch, dec
}
