package pystr

import (
	"errors"
	"fmt"
)

// Kind is the Python exception class a helper would have raised. Some
// Django filters swallow only one kind (get_digit catches ValueError but lets
// TypeError through), so the kind is kept.
type Kind int

const (
	ValueError Kind = iota
	TypeError
	IndexError
	AttributeError
	ZeroDivisionError
	OverflowError
)

// Error is a Python exception surfaced as a Go error.
type Error struct {
	kind Kind
	msg  string
}

// Error returns the exception's message.
func (e *Error) Error() string { return e.msg }

// Errorf builds a Error of the given kind.
func Errorf(kind Kind, format string, args ...any) error {
	return &Error{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// IsKind reports whether err is a Error of the given kind.
func IsKind(err error, kind Kind) bool {
	e, ok := err.(*Error)
	return ok && e.kind == kind
}

// The Python exception classes a caller can test an Error for with
// errors.Is.
var (
	ErrValueError = errors.New("ValueError")
	ErrTypeError  = errors.New("TypeError")
)

// Is makes an Error of kind ValueError ErrValueError, and one of kind
// TypeError ErrTypeError.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrValueError:
		return e.kind == ValueError
	case ErrTypeError:
		return e.kind == TypeError
	}
	return false
}
