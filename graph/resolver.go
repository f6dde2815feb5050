// Package graph holds the GraphQL resolvers. They stay thin: check access, make one loader
// or store call, and let the error presenter map the error; the helpers they share live in
// the files of this package that gqlgen does not generate.
package graph

import (
	"time"

	"campaigns/internal/realtime"
	"campaigns/internal/store"
)

// Resolver is the root resolver and the one place where dependencies are injected.
type Resolver struct {
	Store *store.Store
	// Broker fans changes out to subscriptions; nil turns subscriptions off.
	Broker *realtime.Broker
	// Clock tells the time that "upcoming" and an event's displayed status are judged at;
	// nil is time.Now. Each query and mutation reads it once (Instant).
	Clock func() time.Time
}
