package api

import (
	"context"
	"net/http"
	"time"

	"campaigns/internal/limits"
)

// exchange is what the HTTP side and gqlgen's extensions share about one request: the
// method, which gqlgen does not pass on; the budget charged, which the answer's RateLimit
// headers report, and the cost computed, which its extensions report; and a status that
// replaces the transport's. gqlgen's transports choose the status from the error kind
// alone, so a refusal that needs its own (429 with Retry-After, 405 with Allow) records it
// here and the writer applies it.
type exchange struct {
	method string
	// budgets and key name the caller's budget; budgets is nil when rate limits are off.
	budgets limits.Charger
	key     string
	// budget is the state of the caller's budget after the last charge, made at charged,
	// of a budget that refills over window.
	budget  *limits.Decision
	charged time.Time
	window  time.Duration
	// cost is the operation's cost, once computed.
	cost *int
	// status and header replace the transport's status when status is set.
	status int
	header http.Header
	// token is the consistency token of the operation's writes, for ConsistencyHeader.
	token string
}

type exchangeKey struct{}

func exchangeFrom(ctx context.Context) *exchange {
	ex, _ := ctx.Value(exchangeKey{}).(*exchange)
	return ex
}

// spent records the state of the caller's budget after a charge at now.
func (ex *exchange) spent(d limits.Decision, now time.Time) {
	ex.budget, ex.charged = &d, now
}

// answer sets the status, and headers, that the response gets whatever the transport
// writes.
func (ex *exchange) answer(status int, header ...string) {
	ex.status = status
	ex.header = http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		ex.header.Set(header[i], header[i+1])
	}
}

// statusOverride applies an exchange's status and headers when the response starts, and
// the caller's budget as RateLimit headers on every answer.
type statusOverride struct {
	http.ResponseWriter
	ex      *exchange
	started bool
}

func (w *statusOverride) WriteHeader(code int) {
	if !w.started {
		w.started = true
		if w.ex.budget != nil {
			rateLimitHeaders(w.Header(), *w.ex.budget, w.ex.window, w.ex.charged)
		}
		if w.ex.token != "" {
			w.Header().Set(ConsistencyHeader, w.ex.token)
		}
		if w.ex.status != 0 {
			for k, v := range w.ex.header {
				w.Header()[k] = v
			}
			code = w.ex.status
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusOverride) Write(b []byte) (int, error) {
	if !w.started {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusOverride) Unwrap() http.ResponseWriter { return w.ResponseWriter }
