package outbound

import "time"

// ResourceState is where a resource is in its life in the pool:
//
//	provisioning → warming → available → assigned → held → available
//	                                                  ↘ retired
//
// Health pauses are a flag beside the state (Resource.Paused), since a paused
// resource keeps its owner.
type ResourceState string

// The resource states.
const (
	StateProvisioning ResourceState = "provisioning" // bought, not yet usable
	StateWarming      ResourceState = "warming"      // usable for warmup traffic only
	StateAvailable    ResourceState = "available"    // in the pool, owned by no client
	StateAssigned     ResourceState = "assigned"     // owned by a client
	StateHeld         ResourceState = "held"         // the client churned; kept for it until HeldUntil
	StateRetired      ResourceState = "retired"      // out of service for good
)

// Resource is one sending identity: a domain, a mailbox on a domain, a phone
// number, a LinkedIn seat or a direct-mail sender.
type Resource struct {
	ID          ResourceID
	Kind        ResourceKind
	Parent      ResourceID // a mailbox's domain; zero otherwise
	Provider    string     // "infraforge", "twilio", "unipile", "lob", ...
	ProviderRef string     // the provider's ID for it
	Address     string     // mailbox address, E.164 number, seat account, sender name
	State       ResourceState
	Client      ClientID   // zero while in the pool
	CreatedAt   time.Time  // when it entered the pool
	PurchasedAt time.Time  // warmup age counts from here
	Paused      bool       // paused by health: sends nothing
	PauseReason Reason     // a health verdict, the provisioning event that paused it (with detail), or an operator's words
	PausedAt    time.Time  // when the last pause began; zero if never paused
	ResumedAt   time.Time  // when the last pause ended; zero if not resumed since
	ReplacedBy  ResourceID // a paused domain's replacement, assigned to keep the client's capacity
	// Throttle is the share of its daily limit, in percent (0–100), that
	// its measured health withholds: a mailbox whose warmup or placement
	// tests land 80 % in the inbox sends 80 % of its limit (Throttle 20);
	// 100 sends nothing. Set by pool.SetHealth; 0 while healthy.
	Throttle       int
	ThrottleReason Reason    // what measured it, and what it found; "" while healthy
	HealthAt       time.Time // when its health was last measured; zero if never
	HeldUntil      time.Time // set while held
	// Version is the store's count of writes of the resource: an update
	// made from an older read is refused (storage.Resources). Stores set
	// it; writers leave it as read.
	Version int64
}

// AgeDays is the resource's warmup age on instant t: whole days since purchase.
func (r *Resource) AgeDays(t time.Time) int {
	if r.PurchasedAt.IsZero() || t.Before(r.PurchasedAt) {
		return 0
	}
	return int(t.Sub(r.PurchasedAt) / (24 * time.Hour))
}

// Usable reports whether the resource may send for its client now: assigned
// and not paused.
func (r *Resource) Usable() bool { return r.State == StateAssigned && !r.Paused }
