// Package invalid holds the module's one error for bad input: a
// [*FieldError] names who refused the input, the record and field, the value
// and what is wrong with it, and errors.Is(err, ErrInvalid) holds for every
// one of them, whichever package made it.
//
// It is a leaf package so that every other package, the lowest included,
// can use it; the module root re-exports it as outbound.FieldError and
// outbound.ErrInvalid.
package invalid
