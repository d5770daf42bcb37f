package distribution

import (
	"context"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/pool"
)

// poolOps is the part of the pool the Service calls; a test may swap in a
// fake.
type poolOps interface {
	Assign(ctx context.Context, client outbound.ClientID) (pool.Assignment, error)
	Churn(ctx context.Context, client outbound.ClientID) error
	Promote(ctx context.Context) (int, error)
	Release(ctx context.Context) (int, error)
	CheckBuffer(ctx context.Context) (pool.BufferReport, error)
	EvaluateHealth(ctx context.Context, src pool.HealthSource) ([]pool.HealthChange, error)
	EvaluateNumberHealth(ctx context.Context, src pool.NumberHealthSource) ([]pool.HealthChange, error)
}

// poolAdapter is the real pool.
type poolAdapter struct{ *pool.Pool }

var _ poolOps = poolAdapter{}
