package leadfile_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/outbound-go/outbound/leadfile"
)

// Example reads a CSV export with a column the package does not know, a
// row with a bad score and a row with the wrong number of fields: the good
// rows are imported and each bad one is reported with its line.
func Example() {
	file := `Email,First_Name,Country,Score,Notes
ann@acme.com.au,Ann,au,91,met at expo
bo@acme.com.au,Bo,AU,high,
cy@globex.com,Cy,US
dee@initech.com,Dee,US,64,"called, no answer"
`
	format, err := leadfile.DetectFormat("leads.csv", "")
	if err != nil {
		panic(err)
	}
	rows, bad, err := leadfile.Read(strings.NewReader(file), format)
	if err != nil {
		panic(err)
	}
	for _, r := range rows {
		fmt.Printf("line %d: %s %s %s score %d\n", r.Line, r.FirstName, r.Email, r.Country, r.Score)
	}
	for _, e := range bad {
		fmt.Println(e)
	}

	// Write the good rows back as JSON lines.
	if err := leadfile.Write(os.Stdout, rows[:1], leadfile.JSONL); err != nil {
		panic(err)
	}
	// Output:
	// line 2: Ann ann@acme.com.au AU score 91
	// line 5: Dee dee@initech.com US score 64
	// leadfile: line 3: score "high": must be a whole number from 0 to 100
	// leadfile: line 4: has 3 fields; the header has 5
	// {"email":"ann@acme.com.au","first_name":"Ann","country":"AU","score":91}
}
