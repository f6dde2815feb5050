package api

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log"
	"net"
	"net/http"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"campaigns/internal/realtime"
)

// The websocket subprotocols: graphql-transport-ws (the graphql-ws library's) and the legacy
// graphql-ws (Apollo's subscriptions-transport-ws), which a client that names none gets.
const (
	protoTransportWS = "graphql-transport-ws"
	protoLegacyWS    = "graphql-ws"
)

// Close codes: graphql-transport-ws's, used for both subprotocols (the legacy one has none
// of its own).
const (
	closeNormal       = 1000
	closeBadMessage   = 4400
	closeUnauthorized = 4401 // an operation before the acknowledgement
	closeInitTimeout  = 4408
	closeDuplicateID  = 4409
	closeTooManyInits = 4429
)

// wsReadLimit bounds one message from the client, as gqlgen's transport did.
const wsReadLimit = 1 << 20

// wsTransport serves GraphQL over a websocket in both subprotocols. It replaces gqlgen's
// transport.Websocket, which holds three goroutines for each idle subscriber (its read
// loop, a watcher that closes the connection when its context ends, and one per operation
// that waits for the subscription's next item), some 12 KB of stacks beyond the read loop's:
// a concert night's ten thousand subscribers on one instance cannot afford them
// (BENCHMARKS.md). Here an idle subscriber holds one goroutine, the connection's reader,
// which runs shallow; an operation has a goroutine only while it has something to answer
// (wsOp), the connection's end is watched with context.AfterFunc, and keep-alives come from
// a timer. gqlgen still executes every operation (graphql.GraphExecutor).
type wsTransport struct {
	accept websocket.AcceptOptions
	// init authenticates the connection from its init payload (initFunc); a *wsRefusal
	// says how to close the connection.
	init        func(ctx context.Context, p transport.InitPayload) (context.Context, error)
	initTimeout time.Duration
	// keepAlive is how often an acknowledged connection gets a keep-alive: a pong over
	// graphql-transport-ws (whose clients take an unasked pong as one, without answering),
	// "ka" over graphql-ws.
	keepAlive time.Duration
	// writeTimeout bounds one write to the connection (DefaultWriteTimeout; boundedWrites).
	writeTimeout time.Duration
}

// wsRefusal refuses a websocket at its init: the close code and reason the client gets,
// and the error that the legacy subprotocol tells in a connection_error.
type wsRefusal struct {
	code   int
	reason string
	err    error
}

func (r *wsRefusal) Error() string { return r.err.Error() }
func (r *wsRefusal) Unwrap() error { return r.err }

var _ graphql.Transport = (*wsTransport)(nil)

func (t *wsTransport) Supports(r *http.Request) bool { return r.Header.Get("Upgrade") != "" }

func (t *wsTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	opts := t.accept
	opts.Subprotocols = []string{protoLegacyWS, protoTransportWS}
	conn, err := websocket.Accept(boundedWrites{w, t.writeTimeout}, r, &opts)
	if err != nil {
		return // Accept answered the request: a refused origin, a bad handshake
	}
	conn.SetReadLimit(wsReadLimit)
	c := &wsConn{t: t, conn: conn, exec: exec, headers: r.Header, legacy: conn.Subprotocol() != protoTransportWS, ctx: r.Context()}
	// Streams.Close (and the server's shutdown) cancels the upgrade's context: the
	// connection is closed then, with no goroutine waiting for it meanwhile.
	c.unwatch = context.AfterFunc(r.Context(), func() { c.close(closeNormal, "terminated") })
	if !c.handshake() {
		c.end()
		return
	}
	end := handOff(r.Context())
	if end == nil {
		defer c.end()
		c.serve()
		return
	}
	// The reader goes on in goroutines that hold nothing of the handshake.
	go c.relay(end)
}

// wsConn is one websocket. Its reader (the goroutine of Do for the handshake, then those of
// relay) reads the client's messages one after another and hands operations to goroutines
// of their own; anything may write,
// since coder/websocket writes each message whole, and each operation's messages go out in
// order because one goroutine at a time answers it.
type wsConn struct {
	t      *wsTransport
	conn   *websocket.Conn
	exec   graphql.GraphExecutor
	legacy bool
	// headers are the upgrade request's, which each operation reads (the consistency and
	// idempotency headers).
	headers http.Header
	// ctx is the connection's: the upgrade's, then with the caller of the init payload.
	ctx     context.Context
	unwatch func() bool // stops the close at ctx's end

	mu     sync.Mutex
	ops    []*wsOp // the operations running or waiting; few, so a slice
	closed bool
	ka     *time.Timer // nil until acknowledged
}

// boundedWrites is the response writer of a websocket's upgrade whose hijacked connection
// gives each write a deadline of timeout: a client that stops reading (its window full)
// fails the write once it is past, and send then closes the connection, rather than hold a
// goroutine, and an answer, for each of its operations until it reads again. A deadline on
// the socket, set before each write, costs no allocation, where a context with a timeout
// for each message would cost some at every subscriber of a concert night's change.
type boundedWrites struct {
	http.ResponseWriter
	timeout time.Duration
}

func (w boundedWrites) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w boundedWrites) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return conn, brw, err
	}
	if err := brw.Writer.Flush(); err != nil {
		return conn, brw, err
	}
	dc := deadlineConn{Conn: conn, timeout: w.timeout}
	return dc, bufio.NewReadWriter(brw.Reader, bufio.NewWriterSize(dc, brw.Writer.Size())), nil
}

// deadlineConn sets a write deadline of timeout from now before each write.
type deadlineConn struct {
	net.Conn
	timeout time.Duration
}

func (c deadlineConn) Write(p []byte) (int, error) {
	if err := c.Conn.SetWriteDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

// end ends the connection once its reader is over: every operation ends, without a
// complete, and the connection closes if it has not.
func (c *wsConn) end() {
	c.unwatch()
	c.mu.Lock()
	c.closed = true
	if c.ka != nil {
		c.ka.Stop()
	}
	ops := c.ops
	c.ops = nil
	c.mu.Unlock()
	for _, o := range ops {
		o.stop()
	}
	_ = c.conn.CloseNow()
}

// wsMessage is a message of either subprotocol.
type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// read returns the client's next message and when it was read; false when the connection
// is over: it ended, or its message was not a JSON message of the protocols, and read
// closed it with 4400.
func (c *wsConn) read() (wsMessage, time.Time, bool) {
	_, b, err := c.conn.Read(context.Background())
	if err != nil {
		return wsMessage{}, time.Time{}, false
	}
	at := graphql.Now()
	var m wsMessage
	if err := json.Unmarshal(b, &m); err != nil || m.Type == "" {
		c.fail(closeBadMessage, "invalid json")
		return wsMessage{}, at, false
	}
	return m, at, true
}

// handshake waits for connection_init, within the init timeout, authenticates it and
// acknowledges it; false when the connection is over.
func (c *wsConn) handshake() bool {
	timeout := time.AfterFunc(c.t.initTimeout, func() { c.close(closeInitTimeout, "Connection initialisation timeout") })
	defer timeout.Stop()
	for {
		m, _, ok := c.read()
		if !ok {
			return false
		}
		switch c.kind(m.Type) {
		case "init":
			timeout.Stop()
			return c.acknowledge(m.Payload)
		case "ping":
			c.send("pong", "", m.Payload)
		case "pong":
		case "start":
			c.close(closeUnauthorized, "Unauthorized")
			return false
		case "terminate":
			c.close(closeNormal, "terminated")
			return false
		default:
			c.fail(closeBadMessage, "unexpected message "+m.Type)
			return false
		}
	}
}

// acknowledge authenticates the connection from its init payload and acknowledges it.
func (c *wsConn) acknowledge(payload json.RawMessage) bool {
	var p transport.InitPayload
	if len(payload) > 0 {
		if err := json.Unmarshal(payload, &p); err != nil {
			c.fail(closeBadMessage, "invalid connection_init payload")
			return false
		}
	}
	if c.t.init != nil {
		ctx, err := c.t.init(c.ctx, p)
		if err != nil {
			code, reason := closeNormal, "terminated"
			var r *wsRefusal
			if errors.As(err, &r) {
				code, reason = r.code, r.reason
			}
			c.fail(code, reason, err.Error())
			return false
		}
		c.ctx = ctx
	}
	c.send("connection_ack", "", nil)
	if c.legacy {
		c.send("ka", "", nil) // at once, as gqlgen's transport and Apollo's server did
	}
	c.mu.Lock()
	if !c.closed {
		c.ka = time.AfterFunc(c.t.keepAlive, c.keepAlive)
	}
	c.mu.Unlock()
	return true
}

// serve reads the acknowledged connection's messages until it ends.
func (c *wsConn) serve() {
	for c.next() {
	}
}

// relay serves the acknowledged connection as serve does, but in a chain of goroutines:
// each reads one message, handles it, and leaves the next to a fresh goroutine. The
// goroutine that waits for the client, the one an idle subscriber holds, has then never done
// more than wait: its stack is that of the read alone (4 KB), where handling a message
// (decoding it, starting an operation, writing) would have grown it to 8 KB for good, since
// the runtime shrinks a stack only when less than a quarter of it is used. A goroutine's
// start costs far less than its stack, and clients send few messages. end is called once
// the connection is over.
func (c *wsConn) relay(end func()) {
	more := false
	defer func() {
		if v := recover(); v != nil {
			log.Printf("websocket: panic: %v\n%s", v, debug.Stack())
			more = false
		}
		if !more {
			c.end()
			end()
		}
	}()
	if more = c.next(); more {
		go c.relay(end)
	}
}

// next reads and handles the client's next message; false when the connection is over.
func (c *wsConn) next() bool {
	m, at, ok := c.read()
	if !ok {
		return false
	}
	switch c.kind(m.Type) {
	case "start":
		return c.start(m, at)
	case "stop":
		c.mu.Lock()
		o := c.find(m.ID)
		c.mu.Unlock()
		if o != nil {
			o.stop() // it answers complete as it ends
		}
	case "ping":
		c.send("pong", "", m.Payload)
	case "pong":
	case "init":
		if !c.legacy {
			c.close(closeTooManyInits, "Too many initialisation requests")
			return false
		}
		c.fail(closeBadMessage, "unexpected message "+m.Type)
		return false
	case "terminate":
		c.close(closeNormal, "terminated")
		return false
	default:
		c.fail(closeBadMessage, "unexpected message "+m.Type)
		return false
	}
	return true
}

// kind names what a client's message of type typ asks for in the connection's subprotocol;
// empty for a type the subprotocol does not have.
func (c *wsConn) kind(typ string) string {
	switch typ {
	case "connection_init":
		return "init"
	case "subscribe", "complete", "ping", "pong":
		if c.legacy {
			return ""
		}
		if typ == "subscribe" {
			return "start"
		}
		if typ == "complete" {
			return "stop"
		}
		return typ
	case "start", "stop":
		if c.legacy {
			return typ
		}
	case "connection_terminate":
		if c.legacy {
			return "terminate"
		}
	}
	return ""
}

// start starts operation m; false when it closed the connection instead (graphql-transport-
// ws refuses an id that is in use). Over graphql-ws an operation with the id of a running
// one takes its place, as Apollo's server had it.
func (c *wsConn) start(m wsMessage, at time.Time) bool {
	if m.ID == "" {
		c.fail(closeBadMessage, "an operation needs an id")
		return false
	}
	ctx, cancel := context.WithCancel(c.ctx)
	o := &wsOp{c: c, id: m.ID, cancel: cancel}
	o.state.Store(opRunning)
	c.mu.Lock()
	old := c.find(m.ID)
	if old != nil && !c.legacy {
		c.mu.Unlock()
		cancel()
		reason := "Subscriber for " + m.ID + " already exists"
		if len(reason) > 123 {
			reason = reason[:120] + "..."
		}
		c.close(closeDuplicateID, reason)
		return false
	}
	if old != nil {
		c.ops = slices.DeleteFunc(c.ops, func(x *wsOp) bool { return x == old })
	}
	c.ops = append(c.ops, o)
	c.mu.Unlock()
	if old != nil {
		old.stop() // no longer registered: it ends without a complete
	}
	go o.start(ctx, m.Payload, at)
	return true
}

// find returns the running operation id; c.mu is held.
func (c *wsConn) find(id string) *wsOp {
	for _, o := range c.ops {
		if o.id == id {
			return o
		}
	}
	return nil
}

// send writes one message; id and payload are left out when empty.
func (c *wsConn) send(typ, id string, payload []byte) error {
	b := make([]byte, 0, len(payload)+len(id)+len(typ)+32)
	b = append(b, `{"type":"`...)
	b = append(b, typ...)
	b = append(b, '"')
	if id != "" {
		q, err := json.Marshal(id)
		if err != nil {
			return err
		}
		b = append(b, `,"id":`...)
		b = append(b, q...)
	}
	if len(payload) > 0 {
		b = append(b, `,"payload":`...)
		b = append(b, payload...)
	}
	b = append(b, '}')
	err := c.conn.Write(context.Background(), websocket.MessageText, b)
	if err != nil {
		// A write past its deadline (boundedWrites) leaves the connection unusable: close
		// it, so that the other writers waiting for it fail at once and the reader ends.
		_ = c.conn.CloseNow()
	}
	return err
}

// sendResponse sends one answer of operation id: next (data over graphql-ws).
func (c *wsConn) sendResponse(id string, resp *graphql.Response) {
	b, err := json.Marshal(resp)
	if err != nil {
		c.sendErrors(id, gqlerror.List{{Message: "the answer cannot be encoded"}})
		return
	}
	typ := "next"
	if c.legacy {
		typ = "data"
	}
	_ = c.send(typ, id, b)
}

// sendErrors sends an error message, which ends operation id for the client.
func (c *wsConn) sendErrors(id string, errs gqlerror.List) {
	b, err := json.Marshal(errs)
	if err != nil {
		b = []byte(`[{"message":"the error cannot be encoded"}]`)
	}
	_ = c.send("error", id, b)
}

// fail closes the connection with code and reason, after telling message (reason when
// none) in a connection_error over graphql-ws, whose clients read nothing else.
func (c *wsConn) fail(code int, reason string, message ...string) {
	if c.legacy {
		msg := reason
		if len(message) > 0 {
			msg = message[0]
		}
		if b, err := json.Marshal(gqlerror.Error{Message: msg}); err == nil {
			_ = c.send("connection_error", "", b)
		}
	}
	c.close(code, reason)
}

// close closes the connection with code and reason, once; the reader then ends.
func (c *wsConn) close(code int, reason string) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	if c.ka != nil {
		c.ka.Stop()
	}
	c.mu.Unlock()
	_ = c.conn.Close(websocket.StatusCode(code), reason)
}

// keepAlive sends the subprotocol's keep-alive, and again after the interval until the
// connection closes.
func (c *wsConn) keepAlive() {
	typ := "ka"
	if !c.legacy {
		typ = "pong"
	}
	if c.send(typ, "", nil) != nil {
		return // the connection is going; its reader ends it
	}
	c.mu.Lock()
	if !c.closed {
		c.ka.Reset(c.t.keepAlive)
	}
	c.mu.Unlock()
}

// States of an operation (wsOp.state).
const (
	opIdle    int32 = iota // waiting, with no goroutine: a wake starts one
	opRunning              // a goroutine answers it
	opRerun                // a goroutine answers it, and was woken meanwhile: it looks again before it stops
	opDone
)

// wsOp is one operation of a websocket. A goroutine answers it while it has something to
// answer: a query's or mutation's one answer, a subscription's refusal, or the items of
// its subscription that are ready. When the subscription's pump has nothing ready
// (realtime.Turn.NotYet, which answerItem answers with nil and
// realtime.Stream.MarkNotYet) the goroutine returns, and
// the operation waits with none: the broker wakes it when a message comes
// (realtime.WithWaker, realtime.Sub.OnReady), and so does its context's end; each wake
// finds the goroutine answering, or starts a new one. A fresh goroutine for each wake, not
// a pool: the subscribers that share an answer wait for the one computing it
// (realtime.Answer), which a full pool might never run.
type wsOp struct {
	c       *wsConn
	id      string
	cancel  context.CancelFunc
	state   atomic.Int32
	respond graphql.ResponseHandler // set before the first answer, by the first goroutine
	ctx     context.Context         // the context to answer with, the executor's
	stream  *realtime.Stream        // a subscription's; nil for a query or a mutation
}

// stop ends the operation: it answers nil next, and ends. The transport stops every
// operation it ends (the client's complete or stop, the connection's end), so its context
// needs no watcher of its own to wake it.
func (o *wsOp) stop() {
	o.cancel()
	o.wake()
}

// start creates and dispatches the operation, in a goroutine of its own (parsing,
// validation and the resolver's first reads stay off the reader's stack), and answers it.
func (o *wsOp) start(ctx context.Context, payload json.RawMessage, at time.Time) {
	c := o.c
	var oc *graphql.OperationContext
	defer func() {
		if v := recover(); v != nil {
			o.recovered(ctx, oc, v)
		}
	}()
	ctx = graphql.StartOperationTrace(ctx)
	params := &graphql.RawParams{}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if err := dec.Decode(params); err != nil {
		c.sendErrors(o.id, gqlerror.List{{Message: "invalid json"}})
		o.finish()
		return
	}
	params.ReadTime = graphql.TraceTiming{Start: at, End: graphql.Now()}
	params.Headers = c.headers
	oc, errs := c.exec.CreateOperationContext(ctx, params)
	if errs != nil {
		resp := c.exec.DispatchError(graphql.WithOperationContext(ctx, oc), errs)
		if errcode.GetErrorKind(errs) == errcode.KindProtocol {
			c.sendErrors(o.id, resp.Errors)
		} else {
			c.sendResponse(o.id, &graphql.Response{Errors: errs})
		}
		o.finish()
		return
	}
	ctx = graphql.WithOperationContext(ctx, oc)
	o.respond, o.ctx = c.exec.DispatchOperation(realtime.WithWaker(ctx, o.wake), oc)
	o.stream = realtime.StreamFrom(o.ctx)
	o.answer()
}

// answer answers what is ready, and returns when nothing is (opIdle) or the operation
// ended.
func (o *wsOp) answer() {
	defer func() {
		if v := recover(); v != nil {
			o.recovered(o.ctx, graphql.GetOperationContext(o.ctx), v)
		}
	}()
	for {
		resp := o.respond(o.ctx)
		switch {
		case resp == nil && o.stream != nil && o.stream.TakeNotYet():
			if o.state.CompareAndSwap(opRunning, opIdle) {
				return
			}
			o.state.Store(opRunning) // woken meanwhile (opRerun): look again
		case resp == nil:
			o.finish()
			return
		default:
			o.c.sendResponse(o.id, resp)
		}
	}
}

// wake has the operation answered: by a new goroutine when none answers it.
func (o *wsOp) wake() {
	for {
		switch o.state.Load() {
		case opIdle:
			if o.state.CompareAndSwap(opIdle, opRunning) {
				go o.answer()
				return
			}
		case opRunning:
			if o.state.CompareAndSwap(opRunning, opRerun) {
				return
			}
		default:
			return
		}
	}
}

// finish ends the operation and, if it is still the connection's and the connection goes
// on, tells the client it is complete.
func (o *wsOp) finish() {
	o.state.Store(opDone)
	o.cancel()
	c := o.c
	c.mu.Lock()
	n := len(c.ops)
	c.ops = slices.DeleteFunc(c.ops, func(x *wsOp) bool { return x == o })
	mine, closed := len(c.ops) < n, c.closed
	c.mu.Unlock()
	if mine && !closed {
		_ = c.send("complete", o.id, nil)
	}
}

// recovered answers a panic while answering the operation as gqlgen's transport did: an
// error message, then the operation's end.
func (o *wsOp) recovered(ctx context.Context, oc *graphql.OperationContext, v any) {
	var gqlErr *gqlerror.Error
	if oc != nil {
		if err := oc.Recover(ctx, v); err != nil && !errors.As(err, &gqlErr) {
			gqlErr = &gqlerror.Error{Message: err.Error()}
		}
	}
	if gqlErr == nil {
		gqlErr = &gqlerror.Error{Message: "internal system error"}
	}
	o.c.sendErrors(o.id, gqlerror.List{gqlErr})
	o.finish()
}
