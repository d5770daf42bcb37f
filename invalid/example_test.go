package invalid_test

import (
	"errors"
	"fmt"

	"github.com/outbound-go/outbound/invalid"
)

func Example() {
	err := fmt.Errorf("import line 7: %w", invalid.Field("outbound", "lead", "score", 140, "must be between 0 and 100"))
	var fe *invalid.FieldError
	if errors.As(err, &fe) {
		fmt.Println(fe.Field, fe.Value, errors.Is(err, invalid.ErrInvalid))
	}
	fmt.Println(err)
	// Output:
	// score 140 true
	// import line 7: outbound: lead.score = 140: must be between 0 and 100
}
