package storagetest

import (
	"context"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/storage"
)

// crud describes one record kind's create, get and update, for the rules
// they all share.
type crud[T any, ID comparable] struct {
	make   func(n int) T // the n-th distinct, valid record
	id     func(*T) ID   // its ID
	change func(*T)      // a change an update makes
	mutate func(*T)      // scribbles on a record, maps included
	norm   func(T) T     // maps nil when empty, for comparison; nil: identity
	zeroID func(*T)      // clears the ID
	create func(context.Context, storage.Store, *T) error
	get    func(context.Context, storage.Store, ID) (*T, error)
	update func(context.Context, storage.Store, *T) error
}

func (c crud[T, ID]) equal(t *testing.T, want T, got *T) {
	t.Helper()
	require.NotNil(t, got)
	if c.norm != nil {
		want, *got = c.norm(want), c.norm(*got)
	}
	require.Equal(t, want, *got)
}

// testCRUD checks the rules every record kind shares: create then get gives
// the record back; a second create with the ID is ErrConflict and changes
// nothing; get and update of a missing ID are ErrNotFound; update replaces;
// neither the record given nor the one returned shares memory with the
// store; a zero ID is invalid.
func testCRUD[T any, ID comparable](t *testing.T, s suite, c crud[T, ID]) {
	t.Helper()
	s.run(t, "CreateGet", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		r := c.make(1)
		require.NoError(t, c.create(ctx, st, &r))
		got, err := c.get(ctx, st, c.id(&r))
		require.NoError(t, err)
		c.equal(t, c.make(1), got)
	})
	s.run(t, "CreateExistingConflicts", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		r := c.make(1)
		require.NoError(t, c.create(ctx, st, &r))
		again := c.make(1)
		c.change(&again)
		requireConflict(t, c.create(ctx, st, &again))
		got, err := c.get(ctx, st, c.id(&r))
		require.NoError(t, err)
		c.equal(t, c.make(1), got)
	})
	s.run(t, "MissingNotFound", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		r := c.make(1)
		_, err := c.get(ctx, st, c.id(&r))
		requireNotFound(t, err)
		requireNotFound(t, c.update(ctx, st, &r))
		_, err = c.get(ctx, st, c.id(&r))
		requireNotFoundMsg(t, err, "an update of a missing record must not create it")
	})
	s.run(t, "UpdateReplaces", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		r := c.make(1)
		require.NoError(t, c.create(ctx, st, &r))
		other := c.make(2)
		require.NoError(t, c.create(ctx, st, &other))
		c.change(&r)
		require.NoError(t, c.update(ctx, st, &r))
		want := c.make(1)
		c.change(&want)
		got, err := c.get(ctx, st, c.id(&r))
		require.NoError(t, err)
		c.equal(t, want, got)
		got, err = c.get(ctx, st, c.id(&other))
		require.NoError(t, err)
		c.equal(t, c.make(2), got)
	})
	s.run(t, "Copies", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		r := c.make(1)
		require.NoError(t, c.create(ctx, st, &r))
		c.mutate(&r) // the caller's record after create
		got, err := c.get(ctx, st, c.id(&r))
		require.NoError(t, err)
		c.mutate(got) // a returned record
		got, err = c.get(ctx, st, c.id(&r))
		require.NoError(t, err)
		c.equal(t, c.make(1), got)

		u := c.make(1)
		c.change(&u)
		require.NoError(t, c.update(ctx, st, &u))
		c.mutate(&u) // the caller's record after update
		want := c.make(1)
		c.change(&want)
		got, err = c.get(ctx, st, c.id(&u))
		require.NoError(t, err)
		c.equal(t, want, got)
	})
	s.run(t, "ZeroIDInvalid", func(t *testing.T, st storage.Store) {
		r := c.make(1)
		c.zeroID(&r)
		requireInvalid(t, c.create(t.Context(), st, &r), "id")
	})
}

func requireNotFoundMsg(t *testing.T, err error, msgAndArgs ...any) {
	t.Helper()
	require.ErrorIs(t, err, storage.ErrNotFound, msgAndArgs...)
}

// sortByID sorts records by the byte order of the ID key returns.
func sortByID[T any](rs []T, key func(*T) uuid.UUID) []T {
	rs = slices.Clone(rs)
	slices.SortFunc(rs, func(a, b T) int { return cmpUUID(key(&a), key(&b)) })
	return rs
}

// Clients

func makeClient(n int) outbound.Client {
	return outbound.Client{
		ID:          clientID(n),
		Name:        "Client " + string(rune('A'+n%26)),
		Plan:        "growth",
		SignupAt:    at(-n * 24 * 60),
		DefaultZone: "Australia/Sydney",
		State:       outbound.ClientActive,
		Answers:     outbound.AnswerDraft,
		BookingURL:  "https://cal.com/client/intro?metadata[lead]={lead}",
	}
}

func (s suite) testClients(t *testing.T) {
	testCRUD(t, s, crud[outbound.Client, outbound.ClientID]{
		make: makeClient,
		id:   func(c *outbound.Client) outbound.ClientID { return c.ID },
		change: func(c *outbound.Client) {
			c.State, c.ChurnedAt, c.Plan = outbound.ClientChurned, at(60), "scale"
			c.Answers, c.BookingURL = outbound.AnswerAuto, ""
		},
		mutate: func(c *outbound.Client) { c.Name, c.SignupAt = "scribbled", at(999) },
		zeroID: func(c *outbound.Client) { c.ID = outbound.ClientID{} },
		create: func(ctx context.Context, st storage.Store, c *outbound.Client) error { return st.CreateClient(ctx, c) },
		get: func(ctx context.Context, st storage.Store, id outbound.ClientID) (*outbound.Client, error) {
			return st.GetClient(ctx, id)
		},
		update: func(ctx context.Context, st storage.Store, c *outbound.Client) error {
			// The shared rules are about replacement: write from the
			// stored version (testVersions checks the versions).
			if cur, err := st.GetClient(ctx, c.ID); err == nil {
				c.Version = cur.Version
			}
			return st.UpdateClient(ctx, c)
		},
		norm: func(c outbound.Client) outbound.Client { c.Version = 0; return c },
	})
	s.run(t, "ListOrderedByID", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		got, err := st.ListClients(ctx)
		require.NoError(t, err)
		require.Empty(t, got)
		var want []outbound.Client
		for n := range 12 {
			c := makeClient(n)
			require.NoError(t, st.CreateClient(ctx, &c))
			want = append(want, c)
		}
		got, err = st.ListClients(ctx)
		require.NoError(t, err)
		require.Equal(t, sortByID(want, func(c *outbound.Client) uuid.UUID { return c.ID.UUID }), got)
	})
	s.run(t, "InstantsInUTC", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		c := makeClient(1)
		c.SignupAt = at(30).In(sydney)
		require.NoError(t, st.CreateClient(ctx, &c))
		got, err := st.GetClient(ctx, c.ID)
		require.NoError(t, err)
		requireUTC(t, at(30), got.SignupAt)
	})
}

// Resources

func makeResource(n int) outbound.Resource {
	return outbound.Resource{
		ID:          resourceID(n),
		Kind:        outbound.KindMailbox,
		Parent:      resourceID(1000 + n),
		Provider:    "infraforge",
		ProviderRef: "ref-" + string(rune('a'+n%26)),
		Address:     "sender" + string(rune('a'+n%26)) + "@example.com",
		State:       outbound.StateWarming,
		CreatedAt:   at(-30 * 24 * 60),
		PurchasedAt: at(-30 * 24 * 60),
	}
}

func (s suite) testResources(t *testing.T) {
	testCRUD(t, s, crud[outbound.Resource, outbound.ResourceID]{
		make: makeResource,
		id:   func(r *outbound.Resource) outbound.ResourceID { return r.ID },
		change: func(r *outbound.Resource) {
			r.State, r.Client, r.Paused, r.PauseReason = outbound.StateAssigned, clientID(1), true, "bounce rate"
			r.Throttle, r.ThrottleReason, r.HealthAt = 20, "warmforge: latest placement test 80% in inbox, below 90%", at(7)
		},
		mutate: func(r *outbound.Resource) { r.Address, r.HeldUntil = "scribbled", at(5) },
		zeroID: func(r *outbound.Resource) { r.ID = outbound.ResourceID{} },
		create: func(ctx context.Context, st storage.Store, r *outbound.Resource) error {
			return st.CreateResource(ctx, r)
		},
		get: func(ctx context.Context, st storage.Store, id outbound.ResourceID) (*outbound.Resource, error) {
			return st.GetResource(ctx, id)
		},
		update: func(ctx context.Context, st storage.Store, r *outbound.Resource) error {
			if cur, err := st.GetResource(ctx, r.ID); err == nil {
				r.Version = cur.Version
			}
			return st.UpdateResource(ctx, r)
		},
		norm: func(r outbound.Resource) outbound.Resource { r.Version = 0; return r },
	})
	s.run(t, "ListFilters", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		a, b := clientID(1), clientID(2)
		dom := resourceID(100)
		rs := []outbound.Resource{
			{ID: dom, Kind: outbound.KindDomain, State: outbound.StateAssigned, Client: a},
			{ID: resourceID(1), Kind: outbound.KindMailbox, Parent: dom, State: outbound.StateAssigned, Client: a},
			{ID: resourceID(2), Kind: outbound.KindMailbox, Parent: dom, State: outbound.StateAssigned, Client: a},
			{ID: resourceID(3), Kind: outbound.KindPhone, State: outbound.StateAssigned, Client: b},
			{ID: resourceID(4), Kind: outbound.KindPhone, State: outbound.StateAvailable},
			{ID: resourceID(5), Kind: outbound.KindLinkedInSeat, State: outbound.StateHeld, Client: b},
			{ID: resourceID(6), Kind: outbound.KindMailbox, Parent: resourceID(101), State: outbound.StateWarming},
		}
		for i := range rs {
			require.NoError(t, st.CreateResource(ctx, &rs[i]))
		}
		tests := []struct {
			name string
			f    storage.ResourceFilter
			want []int // indexes into rs
		}{
			{"everything", storage.ResourceFilter{}, []int{0, 1, 2, 3, 4, 5, 6}},
			{"kind", storage.ResourceFilter{Kind: outbound.KindPhone}, []int{3, 4}},
			{"state", storage.ResourceFilter{State: outbound.StateAssigned}, []int{0, 1, 2, 3}},
			{"client", storage.ResourceFilter{Client: b}, []int{3, 5}},
			{"parent", storage.ResourceFilter{Parent: dom}, []int{1, 2}},
			{"kind and state", storage.ResourceFilter{Kind: outbound.KindMailbox, State: outbound.StateWarming}, []int{6}},
			{"kind and client", storage.ResourceFilter{Kind: outbound.KindMailbox, Client: a}, []int{1, 2}},
			{"nothing matches", storage.ResourceFilter{Kind: outbound.KindMailSender}, nil},
		}
		for _, tt := range tests {
			var want []outbound.Resource
			for _, i := range tt.want {
				want = append(want, rs[i])
			}
			want = sortByID(want, func(r *outbound.Resource) uuid.UUID { return r.ID.UUID })
			got, err := st.ListResources(ctx, tt.f)
			require.NoError(t, err, tt.name)
			if len(want) == 0 {
				require.Empty(t, got, tt.name)
				continue
			}
			require.Equal(t, want, got, tt.name)
		}
	})
}

// Campaigns

func makeCampaign(n int) outbound.Campaign {
	return outbound.Campaign{
		ID:        campaignID(n),
		Client:    clientID(n % 3),
		Name:      "Campaign " + string(rune('A'+n%26)),
		State:     outbound.CampaignActive,
		CreatedAt: at(n),
		ICP: outbound.ICP{Countries: []string{"AU", "NZ"}, Regions: []string{"AU-NSW"}, Industries: []string{"software"},
			MinEmployees: 11, MaxEmployees: 200, Titles: []string{"growth"}, Seniority: outbound.SeniorityDirector},
	}
}

func (s suite) testCampaigns(t *testing.T) {
	testCRUD(t, s, crud[outbound.Campaign, outbound.CampaignID]{
		make: makeCampaign,
		id:   func(c *outbound.Campaign) outbound.CampaignID { return c.ID },
		change: func(c *outbound.Campaign) {
			c.State, c.Sequence = outbound.CampaignPaused, "custom"
			c.ICP.Countries, c.ICP.MaxEmployees = []string{"GB"}, 0
		},
		mutate: func(c *outbound.Campaign) { c.Name, c.ICP.Industries[0] = "scribbled", "mining" },
		zeroID: func(c *outbound.Campaign) { c.ID = outbound.CampaignID{} },
		create: func(ctx context.Context, st storage.Store, c *outbound.Campaign) error {
			return st.CreateCampaign(ctx, c)
		},
		get: func(ctx context.Context, st storage.Store, id outbound.CampaignID) (*outbound.Campaign, error) {
			return st.GetCampaign(ctx, id)
		},
		update: func(ctx context.Context, st storage.Store, c *outbound.Campaign) error {
			return st.UpdateCampaign(ctx, c)
		},
	})
	s.run(t, "ClientRequired", func(t *testing.T, st storage.Store) {
		c := makeCampaign(1)
		c.Client = outbound.ClientID{}
		requireInvalid(t, st.CreateCampaign(t.Context(), &c), "client")
	})
	s.run(t, "ListByClient", func(t *testing.T, st storage.Store) {
		ctx := t.Context()
		var all []outbound.Campaign
		for n := range 10 {
			c := makeCampaign(n)
			require.NoError(t, st.CreateCampaign(ctx, &c))
			all = append(all, c)
		}
		byID := func(c *outbound.Campaign) uuid.UUID { return c.ID.UUID }
		got, err := st.ListCampaigns(ctx, outbound.ClientID{})
		require.NoError(t, err)
		require.Equal(t, sortByID(all, byID), got)
		for cl := range 3 {
			var want []outbound.Campaign
			for _, c := range all {
				if c.Client == clientID(cl) {
					want = append(want, c)
				}
			}
			got, err := st.ListCampaigns(ctx, clientID(cl))
			require.NoError(t, err)
			require.Equal(t, sortByID(want, byID), got)
		}
		got, err = st.ListCampaigns(ctx, clientID(99))
		require.NoError(t, err)
		require.Empty(t, got)
	})
}
