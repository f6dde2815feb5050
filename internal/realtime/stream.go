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
// answered with End's error: gqlgen's transports have no other way, common to websocket
// and SSE, to end a stream with an error code.
type Stream struct {
	mu       sync.Mutex
	answered int
	endAt    int
	err      error
}

type streamKey struct{}

// WithStream returns a context carrying a new Stream, for a subscription operation.
func WithStream(ctx context.Context) context.Context {
	return context.WithValue(ctx, streamKey{}, &Stream{})
}

// StreamFrom returns the operation's Stream; nil outside a subscription.
func StreamFrom(ctx context.Context) *Stream {
	s, _ := ctx.Value(streamKey{}).(*Stream)
	return s
}

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
