package api

import (
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
)

// sentQueriesHeld is how many texts of automatic persisted queries an instance keeps, and,
// with Options.Shared, how many Redis keeps for all of them.
const sentQueriesHeld = 1000

// sentQueries returns the store of the texts clients send with their hash: the instance's
// own, and Redis behind it with Options.Shared, so that a client that registered a query
// through one instance is served its hash by every other. Redis keeps no text longer than
// maxBytes, which the limits would refuse anyway.
func sentQueries(opt Options, maxBytes int) graphql.Cache[string] {
	local := lru.New[string](sentQueriesHeld)
	if opt.Shared == nil {
		return local
	}
	return opt.Shared.Queries(local, sentQueriesHeld, maxBytes)
}

// share charges the budgets of keys and client addresses in Redis with Options.Shared, so
// that a client spends one budget across every instance; the refused-key allowance of the
// key guard stays each instance's own, since it only decides when to consult the keyring.
func (s *shield) share(opt Options) {
	if opt.Shared == nil {
		return
	}
	if s.cfg.KeyPoints > 0 {
		s.keys = opt.Shared.Budgets(s.cfg.KeyPoints, s.cfg.Window)
	}
	if s.cfg.AnonymousPoints > 0 {
		s.anonymous = opt.Shared.Budgets(s.cfg.AnonymousPoints, s.cfg.Window)
	}
}
