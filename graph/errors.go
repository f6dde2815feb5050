package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"campaigns/internal/problem"
	"campaigns/internal/reqid"
	"campaigns/internal/scalar"
	"campaigns/internal/store"
)

// ownWords are the codes whose errors the presenter answers in its own words rather than
// the error's: their text names what failed inside the server (a record's key, the
// database's address, a statement), which is for the log, not for the client.
var ownWords = map[problem.Code]bool{problem.NotFound: true, problem.QueryTimeout: true, problem.ServiceUnavailable: true}

// ErrorPresenter is the one place where errors become GraphQL errors: a problem.Error
// gets its code and its message written for a client; anything else is logged with the request id
// and shown only as an internal error carrying that id, since its text may hold SQL or data.
func ErrorPresenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		if gqlErr.Extensions == nil {
			gqlErr.Extensions = map[string]any{}
		}
		id := reqid.From(ctx)
		gqlErr.Extensions["requestId"] = id
		if _, ok := gqlErr.Extensions["code"]; ok {
			return gqlErr // set by gqlgen for parse and validation errors
		}
		var own *gqlerror.Error
		if errors.As(err, &own) && own.Err == nil {
			// gqlgen's own words about a request it could not read, such as a body that is
			// not JSON; it appends the body, which may hold personal data, so cut it off.
			gqlErr.Message, _, _ = strings.Cut(gqlErr.Message, " body:")
			gqlErr.Extensions["code"] = string(problem.BadRequest)
			return gqlErr
		}
		var refused *scalar.Error
		if errors.As(err, &refused) {
			gqlErr.Message = inputName(gqlErr.Path) + " " + refused.Problem
			gqlErr.Extensions["code"] = string(problem.BadUserInput)
			return gqlErr
		}
		if p, ok := problem.As(err); ok && p.Code != "" && !ownWords[p.Code] {
			gqlErr.Message = problem.Message(err)
			for k, v := range p.Extensions {
				gqlErr.Extensions[k] = v
			}
			gqlErr.Extensions["code"] = string(p.Code)
			return gqlErr
		}
		switch {
		case errors.Is(err, context.Canceled) || ctx.Err() == context.Canceled:
			// The client went away and its SQL was cancelled (pgx sends PostgreSQL a cancel
			// request when the request's context ends), so whatever failed after that failed
			// because of it: a cancelled statement, a transaction database/sql rolled back.
			// Nobody reads this answer, and a mobile app losing its network is no internal error.
			log.InfoContext(ctx, "request cancelled by the client", "request_id", id, "path", gqlErr.Path.String(), "err", err)
			gqlErr.Message = "the request was cancelled"
			gqlErr.Extensions["code"] = string(problem.RequestCancelled)
		case errors.Is(err, store.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
			log.WarnContext(ctx, "query timed out", "request_id", id, "path", gqlErr.Path.String(), "err", err)
			gqlErr.Message = "the query took longer than the server allows; ask for fewer items or fewer fields"
			gqlErr.Extensions["code"] = string(problem.QueryTimeout)
		case errors.Is(err, store.ErrNotFound):
			gqlErr.Message = "not found"
			gqlErr.Extensions["code"] = string(problem.NotFound)
		case errors.Is(err, store.ErrUnavailable):
			log.WarnContext(ctx, "database unavailable", "request_id", id, "path", gqlErr.Path.String(), "err", err)
			gqlErr.Message = "the database is unavailable; try again shortly"
			gqlErr.Extensions["code"] = string(problem.ServiceUnavailable)
		default:
			log.ErrorContext(ctx, "internal error", "request_id", id, "path", gqlErr.Path.String(), "err", err)
			gqlErr.Message = fmt.Sprintf("internal error (request id %s)", id)
			gqlErr.Extensions["code"] = string(problem.Internal)
		}
		return gqlErr
	}
}

// inputName names the argument or input field a scalar refused: the last name on the
// error's path, with the list positions after it ("expectedVersion", "ids[2]").
func inputName(path ast.Path) string {
	suffix := ""
	for i := len(path) - 1; i >= 0; i-- {
		switch p := path[i].(type) {
		case ast.PathName:
			return string(p) + suffix
		case ast.PathIndex:
			suffix = fmt.Sprintf("[%d]", int(p)) + suffix
		}
	}
	return "the value"
}

// Recover turns a panic in a resolver into a logged internal error instead of a crash.
func Recover(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic", "request_id", reqid.From(ctx), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return errors.New("panic in resolver")
	}
}
