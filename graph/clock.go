package graph

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"campaigns/internal/clock"
	"campaigns/models"
)

// now returns the resolver's clock.
func (r *Resolver) now() time.Time {
	if r.Clock == nil {
		return time.Now()
	}
	return r.Clock()
}

// Instant is the handler's AroundOperations: it gives each operation the localizer of its
// texts (models.Text, language.go) and the resolver's clock (clock.With), and fixes a query's or mutation's time at its start (clock.At), so that
// every event of one answer is judged at one instant (an upcoming list never shows an event
// as completed) and nested lists under the same filter still share their batch. A
// subscription keeps the running clock: it delivers events long after it starts.
func (r *Resolver) Instant(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	ctx = clock.With(ctx, r.now)
	ctx = models.WithLocalizer(ctx, localizeText)
	if !graphql.HasOperationContext(ctx) || graphql.GetOperationContext(ctx).Operation == nil ||
		graphql.GetOperationContext(ctx).Operation.Operation != ast.Subscription {
		ctx = clock.At(ctx, r.now())
	}
	return next(ctx)
}
