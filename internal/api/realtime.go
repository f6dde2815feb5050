package api

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"maps"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"campaigns/internal/auth"
	"campaigns/internal/limits"
	"campaigns/internal/loader"
	"campaigns/internal/metrics"
	"campaigns/internal/problem"
	"campaigns/internal/realtime"
	"campaigns/internal/store"
)

// DefaultKeepAlive is how often an idle subscription stream gets a keep-alive when
// Options.KeepAlive is zero: well under the minute after which proxies drop idle streams.
const DefaultKeepAlive = 15 * time.Second

// DefaultWriteTimeout is how long one write to a websocket may wait for its client to
// take it when Options.WriteTimeout is zero: long enough for a large answer over a slow
// mobile link; past it the client is taken for gone, and its connection is closed, so that
// a client that stops reading holds no goroutine, and no answer, for longer.
const DefaultWriteTimeout = time.Minute

// Streams holds the long-lived requests, websockets and server-sent-event streams, so that
// the server can end them on shutdown: http.Server.Shutdown does not wait for or close a
// hijacked websocket, and would wait for an event stream until its timeout.
type Streams struct {
	mu     sync.Mutex
	open   map[*stream]struct{}
	closed bool
	wg     sync.WaitGroup
}

type stream struct{ cancel context.CancelFunc }

// Count returns how many streams are open.
func (s *Streams) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.open)
}

// Close ends every stream and waits until their handlers have returned, or ctx ends.
// Streams that arrive afterwards are refused with 503.
func (s *Streams) Close(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	for st := range s.open {
		st.cancel()
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// track serves a stream with a context that Close cancels.
//
// A websocket's read loop runs on a goroutine of its own (see detach), and the
// connection's goroutine returns as soon as the websocket has taken the connection over
// (hijacked it): net/http then lets that goroutine go, whose stack, parked deep under the
// middleware around the stream, was the largest part of an idle subscriber's memory. The
// websocket's context is therefore not the request's, which net/http cancels when the
// handler returns, but one that only Close and the websocket's end cancel.
func (s *Streams) track(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		upgrade := strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
		base := r.Context()
		if upgrade {
			base = context.WithoutCancel(base)
		}
		ctx, cancel := context.WithCancel(base)
		st := &stream{cancel: cancel}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			cancel()
			refuseCode(w, r, http.StatusServiceUnavailable, problem.ShuttingDown, "the server is shutting down; reconnect to another instance")
			return
		}
		if s.open == nil {
			s.open = map[*stream]struct{}{}
		}
		s.open[st] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		done := func() {
			cancel()
			s.mu.Lock()
			delete(s.open, st)
			s.mu.Unlock()
			s.wg.Done()
		}
		// A stream outlives the server's read and write timeouts, which are meant for
		// requests; keep-alives and the client's pings keep it honest instead.
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Time{})
		_ = rc.SetWriteDeadline(time.Time{})
		if !upgrade {
			defer done()
			next.ServeHTTP(w, r.WithContext(ctx))
			return
		}
		hw := &hijackOnce{ResponseWriter: w, hijacked: make(chan struct{}), done: done}
		next.ServeHTTP(hw, r.WithContext(context.WithValue(ctx, hijackKey{}, hw)))
		if !hw.detached {
			done()
		}
	})
}

// detach serves a websocket's upgrade (one that track follows) on a goroutine of its own,
// which runs the websocket's handshake once it is upgraded, and returns when the
// connection is hijacked: the goroutine starts with the smallest stack, below all the
// middleware, and keeps only what the websocket needs. The websocket then hands its reading
// off to goroutines of its own (handOff, wsConn.relay). Other requests go through as they
// are.
func detach(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hw, ok := r.Context().Value(hijackKey{}).(*hijackOnce)
		if !ok || hw.detached {
			next.ServeHTTP(w, r)
			return
		}
		hw.detached = true
		served := make(chan struct{})
		go func() {
			defer close(served)
			defer func() {
				if !hw.handedOff {
					hw.done()
				}
			}()
			defer func() {
				// As net/http does for the handlers it runs: a panic ends this websocket,
				// not the server.
				if v := recover(); v != nil && v != http.ErrAbortHandler {
					log.Printf("http: panic serving websocket %v: %v\n%s", r.RemoteAddr, v, debug.Stack())
				}
			}()
			next.ServeHTTP(w, r)
		}()
		// Until the upgrade, the handler may still answer through w (a refused origin, a
		// bad handshake), which net/http allows only while this goroutine serves it.
		select {
		case <-hw.hijacked:
		case <-served:
		}
	})
}

type hijackKey struct{}

// handOff lets the websocket that detach serves under ctx go on after its handler returns,
// on a goroutine of the websocket's own: the stream then ends when the returned function is
// called. The handler's goroutine, grown deep by the upgrade and the handshake and holding
// the request in its frames, is let go, and the websocket's reader starts afresh with the
// smallest stack. It also lets go of the upgrade's response header. nil when no detached
// websocket is served under ctx (the handler then serves the websocket until its end); only
// the handler's goroutine may call it.
func handOff(ctx context.Context) func() {
	hw, ok := ctx.Value(hijackKey{}).(*hijackOnce)
	if !ok || !hw.detached || hw.handedOff {
		return nil
	}
	select {
	case <-hw.hijacked:
	default:
		return nil // not upgraded
	}
	hw.handedOff = true
	hw.ResponseWriter = hijackedWriter{http.Header{}}
	return hw.done
}

// Sizes of the buffers a websocket reads and writes its frames through, for its whole life,
// in place of net/http's 4 KB each: a client sends a few messages of a few hundred bytes,
// and a subscription's item and the keep-alives are smaller than the write buffer. A larger
// message passes through in several reads or writes (bufio reads or writes one larger than
// its buffer directly).
const (
	wsReadBuffer  = 256
	wsWriteBuffer = 512
)

// hijackOnce is the response writer of a websocket's upgrade. Its Hijack hands the
// websocket library the connection with small buffers of its own, lets go of net/http's
// response (and with it the connection's buffers, which net/http keeps until the response
// is unreachable), and tells detach that the connection is taken over. After it, the
// writer answers as net/http's does on a hijacked connection: http.ErrHijacked.
type hijackOnce struct {
	http.ResponseWriter
	hijacked chan struct{}
	// detached is set, in the connection's goroutine, when detach serves the websocket;
	// done is then called when its goroutine returns instead of when track's does, or,
	// once handedOff (handOff, in detach's goroutine), by the websocket.
	detached  bool
	handedOff bool
	done      func()
}

func (h *hijackOnce) Unwrap() http.ResponseWriter { return h.ResponseWriter }

func (h *hijackOnce) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err != nil {
		return conn, brw, err
	}
	h.ResponseWriter = hijackedWriter{h.ResponseWriter.Header()}
	close(h.hijacked)
	if brw.Reader.Buffered() > 0 || brw.Writer.Buffered() > 0 {
		return conn, brw, nil // bytes already buffered stay where they are
	}
	return conn, bufio.NewReadWriter(bufio.NewReaderSize(conn, wsReadBuffer), bufio.NewWriterSize(conn, wsWriteBuffer)), nil
}

// hijackedWriter stands for a response whose connection was hijacked: its header as it was
// (the websocket library reads the subprotocol it wrote there), and no more writing.
type hijackedWriter struct{ header http.Header }

func (w hijackedWriter) Header() http.Header { return w.header }

func (hijackedWriter) Write([]byte) (int, error) { return 0, http.ErrHijacked }

func (hijackedWriter) WriteHeader(int) {}

func (hijackedWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return nil, nil, http.ErrHijacked
}

// isStream reports whether r opens a websocket or a server-sent-events stream.
func isStream(r *http.Request) bool {
	if r.URL.Path != "/query" {
		return false
	}
	if r.Header.Get("Upgrade") != "" {
		return true
	}
	return r.Method == http.MethodPost && strings.Contains(r.Header.Get("Accept"), "text/event-stream")
}

// addStreamTransports adds the websocket and SSE transports, which must come before POST
// (which would take an SSE request too), and the hooks that subscriptions need.
func addStreamTransports(gql *handler.Server, st *store.Store, opt Options, present graphql.ErrorPresenterFunc) {
	keepAlive := opt.KeepAlive
	if keepAlive <= 0 {
		keepAlive = DefaultKeepAlive
	}
	writeTimeout := opt.WriteTimeout
	if writeTimeout <= 0 {
		writeTimeout = DefaultWriteTimeout
	}
	var origins []string
	for _, o := range opt.Protocol.CORSOrigins {
		if u, err := url.Parse(o); err == nil && u.Host != "" {
			origins = append(origins, u.Host)
		}
	}
	if opt.Protocol.CORSLocalhost {
		origins = append(origins, loopbackOriginPatterns...)
	}
	// No permessage-deflate (coder/websocket's default): its state per connection would
	// cost more than the small messages save.
	gql.AddTransport(&wsTransport{
		accept:       websocket.AcceptOptions{OriginPatterns: origins},
		init:         initFunc(st),
		initTimeout:  10 * time.Second,
		keepAlive:    keepAlive,
		writeTimeout: writeTimeout,
	})
	gql.AddTransport(transport.SSE{KeepAlivePingInterval: keepAlive})
	docs := newDigests()
	gql.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		if op := graphql.GetOperationContext(ctx).Operation; op != nil && op.Operation == ast.Subscription {
			if realtime.ClientFrom(ctx) == "" {
				// A plain POST or GET would hold the request open and answer only the first
				// item, which looks like success to a client that used the wrong transport.
				return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{present(ctx, problem.New(problem.BadRequest,
					"a subscription needs a websocket (graphql-transport-ws or graphql-ws) or server-sent events (POST with Accept: text/event-stream)").GraphQL())}})
			}
			ctx = realtime.WithStream(ctx, operationKey(ctx, docs))
		}
		return next(ctx)
	})
	gql.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		s := realtime.StreamFrom(ctx)
		if s == nil {
			return next(ctx)
		}
		resp := answerItem(ctx, st, s, next)
		if resp == nil {
			return nil
		}
		if err := s.Answered(); err != nil {
			resp.Data = nil
			resp.Errors = append(resp.Errors, present(ctx, err))
		}
		return resp
	})
}

// answerItem answers a subscription's next item. The subscription's pump (graph's
// subscribe) waits for the item here; the first subscriber of a change to answer it for its
// visibility class and operation executes it and shares the answer, which the others of the
// class and operation take instead of executing it again (as Hasura multiplexes live
// queries). Only answers without errors are shared. Each item is answered with loaders of
// its own: a subscription lives for hours, and the request's loaders would answer every
// item from their first reads.
func answerItem(ctx context.Context, st *store.Store, s *realtime.Stream, next graphql.ResponseHandler) *graphql.Response {
	pump := s.Pump()
	if pump == nil { // the resolver refused the subscription: its one answer says why
		return next(loader.With(ctx, loader.New(st)))
	}
	turn, ok := pump(ctx)
	if !ok || ctx.Err() != nil {
		return nil // the operation ended while it waited: nothing more to answer
	}
	if turn.NotYet {
		// Nothing ready: the websocket transport (wsOp) waits for the stream's waker.
		s.MarkNotYet()
		return nil
	}
	if turn.Message == nil || turn.Class == "" {
		turn.Push()
		return next(turn.With(ctx))
	}
	shared := realtime.AnswerOf(turn.Message, turn.Class)
	if !shared.Claim() {
		if v, ok := shared.Wait(ctx); ok {
			metrics.SharedAnswers.Inc()
			r := *v.(*graphql.Response)
			r.Extensions = maps.Clone(r.Extensions) // the middleware around may add its own
			return &r
		}
		if ctx.Err() != nil {
			return nil
		}
		turn.Push() // the first one could not share its answer: answer it here
		return next(turn.With(ctx))
	}
	var resp *graphql.Response
	defer func() {
		if resp != nil && len(resp.Errors) == 0 {
			r := *resp
			r.Extensions = maps.Clone(r.Extensions)
			shared.Give(&r)
		} else {
			shared.Give(nil)
		}
	}()
	turn.Push()
	// Without the subscriber's cancellation: the others of its class wait for this answer,
	// and its leaving must not make each of them execute the item again.
	resp = next(turn.With(context.WithoutCancel(ctx)))
	if ctx.Err() != nil {
		return nil // this subscriber left meanwhile: its answer goes to the others only
	}
	return resp
}

// operationKey names a subscription's operation for sharing its answers: the digest of its
// document's tokens, its name and its variables, equal for equal operations however their
// documents are laid out.
func operationKey(ctx context.Context, docs digests) string {
	oc := graphql.GetOperationContext(ctx)
	vars, err := json.Marshal(oc.Variables) // map keys sorted: equal variables, equal bytes
	if err != nil {
		vars = []byte(strconv.Quote(fmt.Sprint(oc.Variables)))
	}
	doc := "text:" + oc.RawQuery
	if d, ok := docs.normalized(ctx, oc.RawQuery); ok {
		doc = "tokens:" + hex.EncodeToString(d[:])
	}
	return doc + "\x00" + oc.OperationName + "\x00" + string(vars)
}

// initFunc authenticates a websocket from its init payload's Authorization, when the
// client sends one (browsers cannot set headers on a websocket); otherwise the caller is
// the one of the upgrade request's header, or anonymous. A key in the payload is held to the
// key guard like one in a header (initGuard): refused keys are charged to the address, and
// past its allowance only a working key is looked up. A refusal closes the websocket with
// 4403 (Forbidden) or 4429 (Too many requests), as graphql-transport-ws has them.
func initFunc(st *store.Store) func(context.Context, transport.InitPayload) (context.Context, error) {
	return func(ctx context.Context, p transport.InitPayload) (context.Context, error) {
		header := p.Authorization()
		if header == "" {
			return ctx, nil
		}
		g, _ := ctx.Value(initGuardKey{}).(initGuard)
		scheme, secret, ok := strings.Cut(header, " ")
		secret = strings.TrimSpace(secret)
		forbidden := func(err error) error { return &wsRefusal{code: 4403, reason: "Forbidden", err: err} }
		if !ok || !strings.EqualFold(scheme, "Bearer") || !auth.WellFormed(secret) {
			g.refused(secret)
			return ctx, forbidden(errors.New(string(problem.Unauthenticated) + ": the init payload's Authorization must be `Bearer <API key>`, with a key this API issued"))
		}
		if err := g.admit(ctx, secret); err != nil {
			return ctx, &wsRefusal{code: 4429, reason: "Too many requests", err: err}
		}
		c, err := st.Caller(ctx, auth.Hash(secret))
		if err != nil {
			g.refused(secret)
			return ctx, forbidden(errors.New(string(problem.Unauthenticated) + ": the API key is unknown or revoked"))
		}
		ctx = auth.With(ctx, c)
		return realtime.WithClient(ctx, "key:"+strconv.FormatInt(c.KeyID, 10)), nil
	}
}

// initGuard carries the key guard (shield.keyAllowed) and the client's address to a
// websocket's init payload, which guardKeys, reading headers, never sees. The zero initGuard
// (no guard) admits every key.
type initGuard struct {
	s    *shield
	addr string
}

type initGuardKey struct{}

// admit refuses a key from an address past its allowance that is not a working key.
func (g initGuard) admit(ctx context.Context, secret string) error {
	if g.s == nil {
		return nil
	}
	allowed, _, err := g.s.keyAllowed(ctx, g.addr, secret)
	switch {
	case err != nil:
		return errors.New("SERVICE_UNAVAILABLE: cannot check the API key now; try again shortly")
	case !allowed:
		return errors.New(string(problem.RateLimited) + ": too many refused API keys from this address, and this one is not a working key; try again later")
	}
	return nil
}

// refused charges a refused key to the address.
func (g initGuard) refused(secret string) {
	if g.s != nil {
		g.s.keyRefused(g.addr, secret)
	}
}

// clientOf names r's client for the subscription limit.
func clientOf(r *http.Request, cfg limits.Config) string {
	if c := auth.FromContext(r.Context()); !c.Anonymous() {
		return "key:" + strconv.FormatInt(c.KeyID, 10)
	}
	addr := limits.ClientAddress(r.RemoteAddr, r.Header.Values("X-Forwarded-For"), cfg.TrustedProxies)
	return limits.ClientKey(addr)
}

// streamHandler serves websockets and event streams: the same caller identification and
// loaders as queries, without compression (which would hold events back) and, for the
// websocket's GET, without the guard meant for GET queries.
func streamHandler(st *store.Store, p *protection, streams *Streams, gql http.Handler) http.Handler {
	inner := p.shield.guardKeys(auth.Middleware(st.Caller, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := realtime.WithClient(r.Context(), clientOf(r, p.shield.cfg))
		ctx = context.WithValue(ctx, initGuardKey{}, initGuard{p.shield, p.shield.keyAddress(r)})
		loader.Middleware(st, detach(gql)).ServeHTTP(w, r.WithContext(ctx))
	})))
	sse := p.outer(inner)
	return streams.track(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" {
			inner.ServeHTTP(w, r)
			return
		}
		sse.ServeHTTP(w, r)
	}))
}
