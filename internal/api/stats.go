package api

import (
	"context"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"

	"campaigns/internal/store"
)

// countStatements makes every answer of gql carry extensions.sqlStatements: how many SQL
// statements the request ran, the API key lookup included. The load harness reads it to
// report statements per request under load, where a test's count of one request cannot show
// batches that split when loaders race. It is off unless STATS_EXTENSION is set, since it
// tells a client something about the server's insides.
func countStatements(gql *handler.Server, next http.Handler) http.Handler {
	gql.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if resp != nil {
			if resp.Extensions == nil {
				resp.Extensions = map[string]any{}
			}
			resp.Extensions["sqlStatements"] = store.StatementCount(ctx)
		}
		return resp
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(store.WithStatementCounter(r.Context())))
	})
}
