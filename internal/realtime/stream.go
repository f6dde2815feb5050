package realtime

import (
	"context"
	"sync"
)

type clientKey struct{}

// WithClient returns a context naming the client that subscriptions are counted against:
// its API key, or its address when anonymous.
func WithClient(ctx context.Context, client string) context.Context {
	return context.WithValue(ctx, clientKey{}, client)
}

// ClientFrom returns the client of WithClient; empty when none was set.
func ClientFrom(ctx context.Context) string {
	s, _ := ctx.Value(clientKey{}).(string)
	return s
}

// Stream follows the items of one subscription operation from the resolver that sends
// them to the response middleware that answers them, so that the item sent after End is
// answered with End's error: the transports (gqlgen's SSE, our websocket's in internal/api)
// have no other way, common to both, to end a stream with an error code.
type Stream struct {
	mu       sync.Mutex
	answered int
	endAt    int
	err      error
	pump     Pump
	wake     func()
	notYet   bool // the last answer was nil because nothing was ready (MarkNotYet)
	// Operation names the operation for sharing answers (see Turn): its document, name and
	// variables; set when the stream is made.
	Operation string
}

type streamKey struct{}

type wakerKey struct{}

// WithStream returns a context carrying a new Stream, for a subscription operation named
// by operation (its document, name and variables, in a form equal for equal operations).
// The stream takes the waker of ctx, if any (WithWaker).
func WithStream(ctx context.Context, operation string) context.Context {
	wake, _ := ctx.Value(wakerKey{}).(func())
	return context.WithValue(ctx, streamKey{}, &Stream{Operation: operation, wake: wake})
}

// WithWaker returns a context in which a subscription's stream does not wait for its next
// item: its pump answers a Turn that is NotYet when nothing is ready, and wake is called
// (from the broker, see Sub.OnReady, and when the subscription ends) once something may be.
// The transport that sets it (the websocket's, internal/api) then needs no goroutine per
// subscription while it waits, only one for each item that is ready. wake must not block.
func WithWaker(ctx context.Context, wake func()) context.Context {
	return context.WithValue(ctx, wakerKey{}, wake)
}

// StreamFrom returns the operation's Stream; nil outside a subscription.
func StreamFrom(ctx context.Context) *Stream {
	s, _ := ctx.Value(streamKey{}).(*Stream)
	return s
}

// MarkNotYet records that the response middleware answered nil because the stream's pump
// had no item ready (a NotYet turn), not because the stream ended. Every interceptor
// passes nil on unchanged, wherever it stands; one response value shared by every stream to
// stand for "nothing yet" would stay unchanged only while no interceptor outside the
// middleware adds to the responses it sees (the cost and statement-count extensions stand
// inside it today).
func (s *Stream) MarkNotYet() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notYet = true
}

// TakeNotYet reports, once, whether the last nil answer was MarkNotYet's: the transport
// then waits for its waker instead of ending the stream.
func (s *Stream) TakeNotYet() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.notYet
	s.notYet = false
	return n
}

// Waker returns the waker of the stream's transport (WithWaker); nil when the transport
// waits in the pump for each item (server-sent events).
func (s *Stream) Waker() func() { return s.wake }

// End records that the item after the sent ones is the last and answers err.
func (s *Stream) End(sent int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.endAt, s.err = sent+1, err
}

// Answered counts one more answered item and returns End's error if it was the last.
func (s *Stream) Answered() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answered++
	if s.endAt != 0 && s.answered == s.endAt {
		return s.err
	}
	return nil
}

// Turn is one item of a subscription made ready by its pump (SetPump): what the response
// middleware needs to answer it, alone or with the answer that equal subscribers share.
type Turn struct {
	// Message is the change the item tells of; nil for an item that is its subscriber's own
	// (the first one, the last one).
	Message *Message
	// Class names all that the item's answer depends on besides the change: the operation
	// (Stream.Operation), the subscriber's visibility class (anonymous or its key, its
	// languages) and the kind of item. Subscribers of one Message with equal Class get
	// equal answers; empty when the item is not to be shared.
	Class string
	// With returns ctx with the loaders the item was read with, to answer it with.
	With func(ctx context.Context) context.Context
	// Push hands the item to the executor, whose next response answers it. A middleware
	// that answers with a shared answer does not call it, and the item is dropped.
	Push func()
	// NotYet says that no item is ready: the turn of a stream with a waker (WithWaker),
	// whose pump does not wait. The waker is called once one may be; nothing else of the
	// turn is set.
	NotYet bool
}

// A Pump waits for a subscription's next item and makes it ready; false when the
// subscription ended (ctx, or after its last item). The pump of a stream with a waker does
// not wait: it answers a NotYet turn instead.
type Pump func(ctx context.Context) (Turn, bool)

// SetPump has the response middleware drive the subscription: it calls p before each
// response, in the goroutine that answers the subscription, so that a subscription needs
// no goroutine of its own while it waits, and its item can be answered with a shared
// answer instead of being executed.
func (s *Stream) SetPump(p Pump) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pump = p
}

// Pump returns the pump of SetPump; nil when the subscription has none (its resolver
// failed, or it is not one of ours).
func (s *Stream) Pump() Pump {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pump
}

// Answer is one answer that the subscribers of one change with equal Turn.Class share: the
// first to Claim it computes it and Gives it; the others Wait.
type Answer struct {
	mu      sync.Mutex
	claimed bool
	done    chan struct{}
	v       any
}

// AnswerOf returns the shared answer of key for m; key is one of Turn.Class, which name
// nothing else that m shares.
func AnswerOf(m *Message, key string) *Answer {
	return m.Shared(key, func() any { return &Answer{done: make(chan struct{})} }).(*Answer)
}

// Claim reports whether the caller is the first, who computes the answer and must Give it.
func (a *Answer) Claim() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.claimed {
		return false
	}
	a.claimed = true
	return true
}

// Give publishes the answer; nil when there is none to share (it failed, or carried
// errors), and each waiter then computes its own.
func (a *Answer) Give(v any) {
	a.mu.Lock()
	a.v = v
	a.mu.Unlock()
	close(a.done)
}

// Wait waits for the answer; false when there is none or ctx ended.
func (a *Answer) Wait(ctx context.Context) (any, bool) {
	select {
	case <-a.done:
	case <-ctx.Done():
		return nil, false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.v, a.v != nil
}
