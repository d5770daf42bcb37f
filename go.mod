module github.com/outbound-go/outbound

go 1.25

require (
	github.com/cenkalti/backoff/v4 v4.3.0
	github.com/google/uuid v1.6.0
	github.com/nyaruka/phonenumbers/v2 v2.0.7
	github.com/rickar/cal/v2 v2.1.26
	github.com/stretchr/testify v1.11.1
	github.com/warthog618/sms v0.3.0
)

require (
	github.com/davecgh/go-spew v1.1.1 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	google.golang.org/protobuf v1.36.11 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
