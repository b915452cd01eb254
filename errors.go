package runnel

import (
	"context"
	"errors"

	"github.com/runnelhq/runnel/internal/pystr"
	"github.com/runnelhq/runnel/syntax"
)

// Error kinds. Django's template engine raises exceptions of a few classes
// that callers (and Django's own tests) tell apart; runnel's errors are
// those classes for errors.Is, whatever their messages and however they are
// wrapped (a render error is an [*Error] naming the template and line,
// whose cause is the kind):
//
//   - [ErrTemplateSyntaxError]: TemplateSyntaxError, an error found while
//     parsing or compiling a template (and a few found while rendering
//     that Django raises as such, e.g. an {% extends %} of an empty name).
//     errors.As(err, &e) with e an *Error gives the position.
//   - [ErrTemplateDoesNotExist] (also [ErrTemplateNotFound]):
//     TemplateDoesNotExist, no template of a name in any loader; errors.As
//     with a [*TemplateDoesNotExistError] gives the origins tried.
//   - [ErrVariableDoesNotExist]: VariableDoesNotExist, an undefined
//     variable used in strict mode ([WithStrict]), and a filter argument
//     that does not resolve.
//   - [ErrNoReverseMatch]: NoReverseMatch, a {% url %} that the URL
//     resolver could not reverse (its error is wrapped), or with no
//     resolver.
//   - [ErrValueError], [ErrTypeError]: ValueError and TypeError, from the
//     filters for which Django's do not swallow them (an int() of a string
//     that is not a number: "invalid literal for int() with base 10: …").
//
// An error returned by a method or function of the data (Django's tests
// raise SomeException) is kept as it is under the *Error: errors.Is and
// errors.As find it.
var (
	ErrTemplateSyntaxError  = syntax.ErrSyntax
	ErrVariableDoesNotExist = errors.New("variable does not exist")
	ErrNoReverseMatch       = errors.New("no reverse match")
	ErrValueError           = pystr.ErrValueError
	ErrTypeError            = pystr.ErrTypeError
)

// kindError is an error of one of the kinds: its message, and the kind for
// errors.Is.
type kindError struct {
	msg   string
	kind  error
	cause error
}

func (e *kindError) Error() string        { return e.msg }
func (e *kindError) Is(target error) bool { return target == e.kind }
func (e *kindError) Unwrap() error        { return e.cause }
func undefinedVariable(name string) error {
	return &kindError{msg: "undefined variable: " + name, kind: ErrVariableDoesNotExist}
}
func syntaxErrorf(msg string) error { return &kindError{msg: msg, kind: ErrTemplateSyntaxError} }

// noReverseMatch makes a URL resolver's error NoReverseMatch, keeping its
// message and the error itself for errors.Is and errors.As; a cancellation
// is left as it is.
func noReverseMatch(err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrNoReverseMatch) {
		return err
	}
	return &kindError{msg: err.Error(), kind: ErrNoReverseMatch, cause: err}
}

// markSyntax makes an error of compiling a template a TemplateSyntaxError.
func markSyntax(name, src string, err error) error {
	if err == nil {
		return nil
	}
	var te *Error
	if errors.As(err, &te) {
		te.Syntax = true
		return err
	}
	te = syntax.NewError(name, src, syntax.Pos{}, err.Error(), err)
	te.Syntax = true
	return te
}
