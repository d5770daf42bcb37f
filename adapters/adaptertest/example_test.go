package adaptertest_test

import (
	"fmt"

	"github.com/outbound-go/outbound/adapters/adaptertest"
)

// The failures a fake provider is told to give, one by one, and the answer
// the suite then asks of the adapter.
func ExampleFailure() {
	want := map[adaptertest.Failure]string{
		adaptertest.FailRejected:    "permanent: the engine fails the touch or takes the fallback",
		adaptertest.FailRateLimited: "rate-limited with Retry-After: the engine waits as asked",
		adaptertest.FailUnavailable: "retryable: the engine sends again later",
		adaptertest.FailHang:        "retryable: the context gives up, the engine sends again later",
		adaptertest.FailOptedOut:    "opted out: the engine suppresses the lead on the channel",
	}
	for f := adaptertest.FailRejected; f <= adaptertest.FailOptedOut; f++ {
		fmt.Printf("%-12s %s\n", f, want[f])
	}
	// Output:
	// rejected     permanent: the engine fails the touch or takes the fallback
	// rate-limited rate-limited with Retry-After: the engine waits as asked
	// unavailable  retryable: the engine sends again later
	// hang         retryable: the context gives up, the engine sends again later
	// opted-out    opted out: the engine suppresses the lead on the channel
}
