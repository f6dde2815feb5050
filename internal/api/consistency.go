package api

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"campaigns/internal/problem"
	"campaigns/internal/store"
)

// ConsistencyHeader carries a consistency token both ways: a mutation's answer gives the
// primary's WAL position after its write, and a request that sends it back reads only
// what has replayed it (store.Reads), on a replica or else the primary. The same token
// travels in the answer's extensions.consistencyToken and, for clients that cannot set
// headers, in the request's extensions.consistencyToken.
const ConsistencyHeader = "Consistency-Token"

// consistencyExtension is the name of the token in extensions, both ways.
const consistencyExtension = "consistencyToken"

// consistency gives each query and mutation its store.Reads: which replica it reads, if
// any, and the position it must have replayed. A mutation reads the primary throughout
// (what it checks is what its transaction finds, and its answer shows its write), and its
// answer carries the token. Subscriptions get none: their re-reads run on the primary,
// where every change they announce has committed. A token that does not
// parse refuses the operation (BAD_USER_INPUT), whether or not replicas are configured, so
// that a client learns of its mistake on one machine as behind a load balancer.
type consistency struct{ st *store.Store }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
	graphql.OperationInterceptor
} = consistency{}

func (consistency) ExtensionName() string                   { return "Consistency" }
func (consistency) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext refuses a token that does not parse, before anything runs, through
// the error presenter (the error's request id) as gqlgen's own refusals.
func (consistency) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if _, err := requiredPosition(oc); err != nil {
		return err.GraphQL()
	}
	return nil
}

func (c consistency) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	need, err := requiredPosition(oc)
	if err != nil { // refused already (MutateOperationContext)
		return next(ctx)
	}
	if !c.st.Replicated() || oc.Operation == nil || oc.Operation.Operation == ast.Subscription {
		return next(ctx)
	}
	reads := new(store.Reads)
	if oc.Operation.Operation == ast.Mutation {
		reads = store.OnPrimary()
	}
	reads.Require(need)
	respond := next(store.WithReads(ctx, reads))
	return func(ctx context.Context) *graphql.Response {
		resp := respond(ctx)
		if t, ok := reads.Written(); ok && resp != nil {
			if resp.Extensions == nil {
				resp.Extensions = map[string]any{}
			}
			resp.Extensions[consistencyExtension] = t.String()
			if ex := exchangeFrom(ctx); ex != nil {
				ex.token = t.String()
			}
		}
		return resp
	}
}

// requiredPosition reads the token of the request's header and of its extensions (the
// later of the two when both are sent); 0 for none.
func requiredPosition(oc *graphql.OperationContext) (store.Token, *problem.Error) {
	var need store.Token
	var texts []string
	if v := oc.Headers.Get(ConsistencyHeader); v != "" {
		texts = append(texts, v)
	}
	if v, ok := oc.Extensions[consistencyExtension]; ok {
		s, isText := v.(string)
		if !isText {
			return 0, problem.Wrap(store.ErrInvalid, "extensions.%s must be the text of a mutation's consistency token", consistencyExtension)
		}
		texts = append(texts, s)
	}
	for _, s := range texts {
		t, err := store.ParseToken(s)
		if err != nil {
			p, _ := problem.As(err)
			return 0, p
		}
		need = max(need, t)
	}
	return need, nil
}
