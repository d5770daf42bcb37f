package pool

import (
	"context"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

// Store is the part of a storage.Store the pool uses: clients read (and
// churned), resources created, found, changed version-checked and moved,
// purchase orders kept. Every storage.Store is one; a test may pass a
// narrower fake. Its methods keep the contracts of storage.Clients,
// storage.Resources and storage.Orders.
type Store interface {
	GetClient(ctx context.Context, id outbound.ClientID) (*outbound.Client, error)
	ListClients(ctx context.Context) ([]outbound.Client, error)
	UpdateClient(ctx context.Context, c *outbound.Client) error

	CreateResource(ctx context.Context, r *outbound.Resource) error
	GetResource(ctx context.Context, id outbound.ResourceID) (*outbound.Resource, error)
	FindResource(ctx context.Context, provider, ref string) (*outbound.Resource, error)
	ListResources(ctx context.Context, f storage.ResourceFilter) ([]outbound.Resource, error)
	UpdateResource(ctx context.Context, r *outbound.Resource) error
	MoveResource(ctx context.Context, m storage.Move) (bool, error)

	CreateOrder(ctx context.Context, o *outbound.Order) (bool, error)
	UpdateOrder(ctx context.Context, o *outbound.Order) error
	ListOrders(ctx context.Context, states ...outbound.OrderState) ([]outbound.Order, error)
}

var _ Store = storage.Store(nil)
