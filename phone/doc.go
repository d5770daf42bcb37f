// Package phone is the module's one place for phone numbers: parsing what
// people write into E.164 with the number's country and line type, the
// E.164 form check, and the zones the numbering plan ties a number to. It
// wraps github.com/nyaruka/phonenumbers (Google's libphonenumber data), so
// no other package parses numbers itself.
package phone
