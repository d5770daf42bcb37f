package lob

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/outbound-go/outbound/channel"
)

// maxPages bounds how many pages Lookup reads: a touch ID names one letter,
// so more than a page means Lob ignored the filter.
const maxPages = 20

// list is Lob's list answer.
type list struct {
	Data    []letter `json:"data"`
	NextURL *string  `json:"next_url"`
	Count   int      `json:"count"`
}

// Lookup implements channel.Reconciler: it lists letters, then postcards,
// whose metadata carries idempotencyKey under MetadataTouch (GET
// /letters?metadata[touch]=…, following next_url) and returns the receipt
// of the most recent one.
// found is false when Lob has none. Unlike the idempotency key, which Lob
// forgets after 24 hours, the metadata lasts as long as the letter.
// A cancelled (deleted) letter is found too: it was made, and someone
// chose to cancel it.
func (c *Channel) Lookup(ctx context.Context, idempotencyKey string) (rc channel.Receipt, found bool, err error) {
	if err := ctx.Err(); err != nil {
		return channel.Receipt{}, false, fmt.Errorf("lob: lookup: %w", err)
	}
	if idempotencyKey == "" {
		return channel.Receipt{}, false, nil
	}
	for _, path := range []string{"/letters", "/postcards"} {
		rc, found, err := c.lookupIn(ctx, path, idempotencyKey)
		if err != nil || found {
			return rc, found, err
		}
	}
	return channel.Receipt{}, false, nil
}

// lookupIn is Lookup among the pieces listed at path.
func (c *Channel) lookupIn(ctx context.Context, path, idempotencyKey string) (rc channel.Receipt, found bool, err error) {
	q := url.Values{}
	q.Set("metadata["+MetadataTouch+"]", idempotencyKey)
	q.Set("limit", "100")
	for range maxPages {
		var page list
		if err := c.do(ctx, http.MethodGet, path, q, nil, "", &page); err != nil {
			return channel.Receipt{}, false, fmt.Errorf("lob: lookup %s: %w", idempotencyKey, err)
		}
		for _, l := range page.Data {
			if l.ID != "" && l.Metadata[MetadataTouch] == idempotencyKey {
				return c.receipt(l), true, nil
			}
		}
		after := nextAfter(page.NextURL)
		if after == "" || len(page.Data) == 0 {
			return channel.Receipt{}, false, nil
		}
		q.Set("after", after)
	}
	return channel.Receipt{}, false, fmt.Errorf("lob: lookup %s: more than %d pages of %s for one touch", idempotencyKey, maxPages, path[1:])
}

// nextAfter returns the after cursor of a list's next_url, or "" at the
// end. Only the cursor is taken, so the next page comes from the
// configured BaseURL whatever host the URL names.
func nextAfter(next *string) string {
	if next == nil || strings.TrimSpace(*next) == "" {
		return ""
	}
	u, err := url.Parse(*next)
	if err != nil {
		return ""
	}
	return u.Query().Get("after")
}
