package leadfile_test

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/outbound-go/outbound"
	"github.com/outbound-go/outbound/leadfile"
)

func benchRows(n int) []leadfile.Row {
	rows := make([]leadfile.Row, n)
	for i := range rows {
		rows[i] = leadfile.Row{Contact: outbound.Contact{ExternalID: fmt.Sprintf("L%06d", i), Email: fmt.Sprintf("lead%d@example.com.au", i),
			Phone: "+61291234567", LinkedIn: "https://www.linkedin.com/in/lead", FirstName: "Ann", LastName: "Lee",
			Company: "Acme, Pty Ltd", CompanyDomain: "example.com.au", Title: "Head of Growth", Country: "AU",
			Region: "NSW", City: "Sydney", Postcode: "2000", AddressLine1: "1 George St", Timezone: "Australia/Sydney",
			Score: i % 101}, Client: "1",
		}
	}
	return rows
}

func benchmarkRead(b *testing.B, f leadfile.Format) {
	const n = 10_000
	var buf bytes.Buffer
	if err := leadfile.Write(&buf, benchRows(n), f); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rows, bad, err := leadfile.Read(bytes.NewReader(data), f)
		if err != nil || len(bad) != 0 || len(rows) != n {
			b.Fatal(err, len(bad), len(rows))
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkReadCSV(b *testing.B)   { benchmarkRead(b, leadfile.CSV) }
func BenchmarkReadJSONL(b *testing.B) { benchmarkRead(b, leadfile.JSONL) }

func BenchmarkWrite(b *testing.B) {
	rows := benchRows(10_000)
	for _, f := range []leadfile.Format{leadfile.CSV, leadfile.JSONL} {
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := leadfile.Write(io.Discard, rows, f); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(rows))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
