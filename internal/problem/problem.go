// Package problem is the API's one error vocabulary: the codes a client reads in
// extensions.code, the error whose message may be shown to a client, and the one function
// that writes an error body. Every transport and handler answers through it, so that a code
// is declared once and an error body has one shape, whoever refuses the request.
//
// It is not validate's Problems, which are a mutation's user errors in its payload.
package problem

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Code is the extensions.code of an error.
type Code string

// The codes. Every one is in the README's table of error codes, and TestCodesDocumented
// holds the two lists to each other.
const (
	// gqlgen's own, for a document that does not parse or validate.
	ParseFailed      Code = errcode.ParseFailed
	ValidationFailed Code = errcode.ValidationFailed

	// The request as HTTP.
	BadRequest       Code = "BAD_REQUEST"
	BodyTooLarge     Code = "BODY_TOO_LARGE"
	HeadersTooLarge  Code = "HEADERS_TOO_LARGE"
	MethodNotAllowed Code = "METHOD_NOT_ALLOWED"

	// The limits on a document and on a caller.
	QueryTooLarge         Code = "QUERY_TOO_LARGE"
	QueryTooDeep          Code = "QUERY_TOO_DEEP"
	TooManyAliases        Code = "TOO_MANY_ALIASES"
	TooManyFields         Code = "TOO_MANY_FIELDS"
	QueryTooComplex       Code = "QUERY_TOO_COMPLEX"
	VariablesTooLarge     Code = "VARIABLES_TOO_LARGE"
	RateLimited           Code = "RATE_LIMITED"
	Overloaded            Code = "OVERLOADED" // waited ADMIT_MAX_WAIT for its turn to execute (internal/admit)
	IntrospectionDisabled Code = "INTROSPECTION_DISABLED"

	// Persisted queries; PERSISTED_QUERY_NOT_FOUND is Apollo's, which its clients act on.
	PersistedQueryNotFound Code = "PERSISTED_QUERY_NOT_FOUND"
	PersistedQueryRequired Code = "PERSISTED_QUERY_REQUIRED"

	// What a request that ran can meet.
	BadUserInput         Code = "BAD_USER_INPUT"
	NotFound             Code = "NOT_FOUND"
	Unauthenticated      Code = "UNAUTHENTICATED"
	Forbidden            Code = "FORBIDDEN"
	Conflict             Code = "CONFLICT"
	IdempotencyKeyReused Code = "IDEMPOTENCY_KEY_REUSED"
	QueryTimeout         Code = "QUERY_TIMEOUT"
	RequestCancelled     Code = "REQUEST_CANCELLED"
	ServiceUnavailable   Code = "SERVICE_UNAVAILABLE"
	Internal             Code = "INTERNAL_SERVER_ERROR"

	// Subscriptions.
	SlowConsumer         Code = "SLOW_CONSUMER"
	TooManySubscriptions Code = "TOO_MANY_SUBSCRIPTIONS"
	ShuttingDown         Code = "SHUTTING_DOWN"
	SubscriptionsOff     Code = "SUBSCRIPTIONS_OFF"

	// Exports and calendars.
	TooManyExports Code = "TOO_MANY_EXPORTS"
)

// Codes lists every code the API can answer with, in the order declared above.
var Codes = []Code{
	ParseFailed, ValidationFailed,
	BadRequest, BodyTooLarge, HeadersTooLarge, MethodNotAllowed,
	QueryTooLarge, QueryTooDeep, TooManyAliases, TooManyFields, QueryTooComplex, VariablesTooLarge, RateLimited, Overloaded, IntrospectionDisabled,
	PersistedQueryNotFound, PersistedQueryRequired,
	BadUserInput, NotFound, Unauthenticated, Forbidden, Conflict, IdempotencyKeyReused, QueryTimeout, RequestCancelled, ServiceUnavailable, Internal,
	SlowConsumer, TooManySubscriptions, ShuttingDown, SubscriptionsOff,
	TooManyExports,
}

// Error is an error whose Message may be shown to a client, with the Code to show it under.
// A sentinel is an Error with no cause (New); Wrap adds a message to a sentinel, so that the
// words written for the client travel with the error instead of being cut back out of
// err.Error() after operations have wrapped it.
type Error struct {
	Code Code
	// Message is safe to show: it holds no SQL and no data the caller did not send.
	Message string
	// Extensions are added to the error's extensions beside code and requestId.
	Extensions map[string]any
	// Err is the cause: the sentinel that errors.Is finds, or nil for a sentinel itself.
	Err error
}

// New returns an error answered with code and the message format makes: a sentinel that
// callers compare with errors.Is, or a refusal made on the spot.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns cause with a message for the client, under the code of cause (the Error in
// its chain; none when cause has none, and then no presenter shows it). Its text is what fmt.Errorf("%w: "+format, cause, args...) would say, so
// logs and tests read the same.
func Wrap(cause error, format string, args ...any) *Error {
	e := &Error{Message: fmt.Sprintf(format, args...), Err: cause}
	var c *Error
	if errors.As(cause, &c) {
		e.Code = c.Code
	}
	return e
}

func (e *Error) Error() string {
	if e.Err == nil {
		return e.Message
	}
	return e.Err.Error() + ": " + e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// As returns the outermost Error in err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Message returns the words of err written for the client: the message of the outermost
// Error wrapped with one. For a bare sentinel (wrapped only by operation names, if at all)
// it is err's whole text, which then holds nothing but names the code wrote.
//
// A sentinel wrapped with fmt.Errorf("%w: …") instead of Wrap still gives the words after
// it, as the callers read them before this package; only store/fault.go makes such errors
// (a fault and the driver's own error), and the presenter answers those in its own words.
func Message(err error) string {
	e, ok := As(err)
	if ok && e.Err != nil {
		return e.Message
	}
	msg := err.Error()
	if ok {
		if _, rest, cut := strings.Cut(msg, e.Message+": "); cut {
			return rest
		}
	}
	return msg
}

// Body returns the one shape of an error answer: {"errors":[{"message":…,"extensions":
// {"code":…,"requestId":…}}]}, with e's extensions beside the code and top's members (the
// answer's own extensions, say) beside "errors".
func Body(requestID string, e *Error, top map[string]any) map[string]any {
	ext := make(map[string]any, len(e.Extensions)+2)
	for k, v := range e.Extensions {
		ext[k] = v
	}
	ext["code"] = string(e.Code)
	ext["requestId"] = requestID
	body := make(map[string]any, len(top)+1)
	for k, v := range top {
		body[k] = v
	}
	body["errors"] = []map[string]any{{"message": e.Message, "extensions": ext}}
	return body
}

// Write answers with status and an error body (Body) as JSON, for a GraphQL request and a
// plain HTTP one alike. Headers the answer needs beside Content-Type (Retry-After, Allow,
// WWW-Authenticate) are set by the caller before.
func Write(w http.ResponseWriter, status int, requestID string, e *Error) {
	WriteWith(w, status, requestID, e, nil)
}

// WriteWith is Write with members beside "errors", such as the answer's extensions.
func WriteWith(w http.ResponseWriter, status int, requestID string, e *Error, top map[string]any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(Body(requestID, e, top))
}

// GraphQL returns e as a GraphQL error with its code and extensions, for the refusals made
// in gqlgen's extensions, before the error presenter.
func (e *Error) GraphQL() *gqlerror.Error {
	err := &gqlerror.Error{Message: e.Message, Extensions: make(map[string]any, len(e.Extensions)+1)}
	for k, v := range e.Extensions {
		err.Extensions[k] = v
	}
	errcode.Set(err, string(e.Code))
	return err
}

// requestCodes are the codes of request errors, like a document that fails validation: the
// request never ran, and its answer has no data member (200 in application/json, 400 in
// application/graphql-response+json; see internal/api/post.go).
var requestCodes = []Code{
	BadRequest, MethodNotAllowed, IntrospectionDisabled,
	QueryTooLarge, QueryTooDeep, TooManyAliases, TooManyFields, QueryTooComplex, VariablesTooLarge, RateLimited,
	PersistedQueryNotFound, PersistedQueryRequired,
}

func init() {
	for _, c := range requestCodes {
		errcode.RegisterErrorType(string(c), errcode.KindProtocol)
	}
}
