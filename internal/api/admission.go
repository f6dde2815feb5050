package api

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"campaigns/internal/admit"
	"campaigns/internal/problem"
)

// admission lets a bounded number of operations execute at once (internal/admit). It is a
// response interceptor, so that a slot is held only while the operation executes: not while
// the body is read, parsed, validated and priced, nor for the life of a subscription, whose
// stream takes no slot. A cached answer (see answerCache, outside it) takes none either.
type admission struct{ gate *admit.Gate }

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = admission{}

func (admission) ExtensionName() string                   { return "Admission" }
func (admission) Validate(graphql.ExecutableSchema) error { return nil }
func (a admission) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if refused(ctx) || !graphql.HasOperationContext(ctx) || graphql.GetOperationContext(ctx).Operation == nil ||
		graphql.GetOperationContext(ctx).Operation.Operation == ast.Subscription {
		return next(ctx)
	}
	leave, err := a.gate.Enter(ctx)
	if err != nil {
		if !errors.Is(err, admit.ErrOverloaded) {
			graphql.AddError(ctx, err) // the caller left while it waited
			return &graphql.Response{Errors: graphql.GetErrors(ctx)}
		}
		wait := strconv.Itoa(max(1, int(math.Ceil(a.gate.MaxWait().Seconds()))))
		if ex := exchangeFrom(ctx); ex != nil {
			ex.answer(http.StatusServiceUnavailable, "Retry-After", wait)
		}
		graphql.AddError(ctx, coded(problem.Overloaded,
			"the server is busy: %d operations run at once and this one waited %s for its turn; retry after %s seconds",
			a.gate.Limit(), a.gate.MaxWait(), wait))
		return &graphql.Response{Errors: graphql.GetErrors(ctx)}
	}
	defer leave()
	return next(ctx)
}

// refused reports whether the request in ctx was refused before it ran (over its budget,
// too costly, a mutation sent with GET): gqlgen answers such a request through the same
// response interceptors as one that runs, with its errors already recorded. It is to be
// answered with those errors: not from the answer cache, whose hit would replace them with
// another caller's data (and the refusal's writer, which writes no data, would then send a
// 429 with neither), and not after a wait for a slot it does not need.
func refused(ctx context.Context) bool {
	return len(graphql.GetErrors(ctx)) > 0
}
