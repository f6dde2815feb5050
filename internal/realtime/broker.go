// Package realtime fans changes out to subscribers. Each server instance runs one Broker,
// which holds one connection listening on PostgreSQL's changes channel (store.Listen), so
// that a write committed through any instance reaches the subscribers of every instance,
// and a write that rolls back reaches nobody: PostgreSQL delivers a notification only when
// its transaction commits.
package realtime

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"campaigns/internal/metrics"
	"campaigns/internal/problem"
	"campaigns/internal/store"
)

// Errors that end or refuse a subscription; the error presenter gives each its code.
var (
	// ErrSlowConsumer ends a subscription whose client reads too slowly: its buffer filled.
	ErrSlowConsumer error = problem.New(problem.SlowConsumer, "slow consumer")
	// ErrTooManySubscriptions refuses a subscription over the per-key limit.
	ErrTooManySubscriptions error = problem.New(problem.TooManySubscriptions, "too many subscriptions")
	// ErrShuttingDown ends every subscription of an instance that is stopping.
	ErrShuttingDown error = problem.New(problem.ShuttingDown, "shutting down")
	// ErrOff refuses subscriptions on a handler built without a broker.
	ErrOff error = problem.New(problem.SubscriptionsOff, "subscriptions are off")
)

// Defaults of Options.
const (
	DefaultBuffer = 64
	DefaultPerKey = 20
	DefaultShown  = 4096
)

// Options tune a Broker.
type Options struct {
	// Buffer is how many changes may wait for one subscriber before it is closed as a
	// slow consumer; DefaultBuffer when zero.
	Buffer int
	// PerKey is how many subscriptions one API key, or one anonymous client address, may
	// hold at once on this instance; DefaultPerKey when zero.
	PerKey int
	// Shown is how many entities one subscription remembers having been shown, so as to
	// announce their leaving its sight; DefaultShown when zero. Past it, the subscription
	// forgets them and is told to resync (see Sub).
	Shown int
	// MinBackoff and MaxBackoff bound the wait between attempts to listen again after the
	// connection is lost; 100ms and 5s when zero.
	MinBackoff, MaxBackoff time.Duration
	Logger                 *slog.Logger
}

// Message is what a subscriber receives: a change, or (Resync) word that the broker lost
// its connection for a while and changes may have been missed.
type Message struct {
	Notice store.Notice
	Resync bool
	// Gone marks the change of an entity this subscription was shown and that the
	// subscriber may no longer read: it is to be announced as a tombstone (DELETED or
	// HIDDEN) if the entity was indeed delivered, and otherwise dropped. Nothing about the
	// entity's new state may be told.
	Gone bool
	// Reset comes with Resync when the subscription forgot the entities it was shown: the
	// subscriber reads again what it shows, and no tombstone comes for what it was shown
	// before.
	Reset bool
	// shared holds what the subscribers of one change share (Shared): a change goes to
	// every subscriber it concerns as one *Message, and to those it is told as Gone as
	// another; nil on the messages of one subscriber (Reset), which share nothing.
	shared *shelf
}

// shelf is what the subscribers of one change share, by key.
type shelf struct {
	mu   sync.Mutex
	vals map[string]any
}

// Shared returns the value that key names for this change, made by mk for the first
// subscriber that asks: the subscribers of one change whose answers are equal (the same
// visibility, the same question) read the change once and encode one answer (graph and
// internal/api say who is equal). On a message that is its subscriber's own, it returns a
// new value each time.
func (m *Message) Shared(key string, mk func() any) any {
	if m.shared == nil {
		return mk()
	}
	m.shared.mu.Lock()
	defer m.shared.mu.Unlock()
	v, ok := m.shared.vals[key]
	if !ok {
		if m.shared.vals == nil {
			m.shared.vals = map[string]any{}
		}
		v = mk()
		m.shared.vals[key] = v
	}
	return v
}

// newShared returns a message that its subscribers share.
func newShared(m Message) *Message {
	m.shared = new(shelf)
	return &m
}

// Filter chooses the changes a subscription receives.
type Filter struct {
	// Reader is the subscriber's organization; 0 for an anonymous subscriber. A change is
	// delivered only when the reader may read the entity after it (store.Notice.MayRead),
	// or as a Gone message when the subscription was shown the entity before.
	Reader int64
	// Types are the entity types whose changes are delivered, when each key that is set
	// matches.
	Types      []string
	ID         int64
	CampaignID int64
	EventID    int64
	NetworkID  int64
	Country    string
	// GoneTypes are further entity types whose changes are delivered only as Gone: the
	// counts of an event, say, are told that the event itself left the reader's sight.
	GoneTypes []string
	// Shown are the IDs the subscriber is known to read when it subscribes: the entity a
	// subscription to one entity names, which the API checked it may read.
	Shown []int64
}

func (f Filter) match(n store.Notice) bool {
	return slices.Contains(f.Types, n.Type) &&
		(f.ID == 0 || f.ID == n.ID) &&
		(f.CampaignID == 0 || n.CampaignID != nil && *n.CampaignID == f.CampaignID) &&
		(f.EventID == 0 || n.EventID != nil && *n.EventID == f.EventID) &&
		(f.NetworkID == 0 || n.NetworkID != nil && *n.NetworkID == f.NetworkID) &&
		(f.Country == "" || n.Country == f.Country)
}

// Broker dispatches the notices of its one listening connection to its subscribers.
type Broker struct {
	st  *store.Store
	opt Options
	log *slog.Logger

	mu     sync.Mutex
	subs   map[*Sub]struct{}
	perKey map[string]int
	closed bool
	// observers are told of every change (OnChange).
	observers []func(store.Notice)
	// listening is closed once the first LISTEN is in place, for tests and readiness.
	listening chan struct{}
	once      sync.Once
}

// New returns a broker over st; Run starts its listening.
func New(st *store.Store, opt Options) *Broker {
	if opt.Buffer <= 0 {
		opt.Buffer = DefaultBuffer
	}
	if opt.PerKey <= 0 {
		opt.PerKey = DefaultPerKey
	}
	if opt.Shown <= 0 {
		opt.Shown = DefaultShown
	}
	if opt.MinBackoff <= 0 {
		opt.MinBackoff = 100 * time.Millisecond
	}
	if opt.MaxBackoff < opt.MinBackoff {
		opt.MaxBackoff = max(5*time.Second, opt.MinBackoff)
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Broker{st: st, opt: opt, log: log, subs: map[*Sub]struct{}{}, perKey: map[string]int{}, listening: make(chan struct{})}
}

// Listening is closed once the broker first listens.
func (b *Broker) Listening() <-chan struct{} { return b.listening }

// Run listens until ctx ends. When the connection is lost (a database restart, a network
// cut) it tries again with growing waits, and once listening again it sends every
// subscriber a Resync message: notifications sent while nobody listened are gone.
func (b *Broker) Run(ctx context.Context) {
	wait := b.opt.MinBackoff
	lost := false
	for ctx.Err() == nil {
		l, err := b.st.Listen(ctx)
		if err != nil {
			if ctx.Err() == nil {
				b.log.Warn("realtime: cannot listen; retrying", "err", err, "wait", wait)
			}
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
			wait = min(2*wait, b.opt.MaxBackoff)
			lost = true
			continue
		}
		wait = b.opt.MinBackoff
		b.once.Do(func() { close(b.listening) })
		if lost {
			b.log.Info("realtime: listening again; telling subscribers to resync")
			b.broadcast(Message{Resync: true})
		}
		for {
			n, err := l.Next(ctx)
			if err != nil {
				if store.IsMalformedNotice(err) {
					b.log.Warn("realtime: malformed notice", "err", err)
					continue
				}
				if ctx.Err() == nil {
					b.log.Warn("realtime: lost the listening connection", "err", err)
				}
				break
			}
			b.dispatch(n)
		}
		lost = true
		closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		_ = l.Close(closeCtx)
		cancel()
	}
}

// dispatch sends n to the subscribers it concerns. Which those are depends only on what
// each may read: a change of a record that a subscriber cannot read and was never shown
// takes no place in its buffer and costs its goroutine nothing, so that neither the
// presence nor the timing of its deliveries, nor its being closed as a slow consumer,
// depends on records hidden from it.
func (b *Broker) dispatch(n store.Notice) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, f := range b.observers {
		f(n)
	}
	m := newShared(Message{Notice: n})
	var gone *Message // made for the first subscriber that the change is told as Gone
	for s := range b.subs {
		b.route(s, m, &gone)
	}
}

// route sends m to s if its notice concerns s, or *gone (made on first use, and shared by
// the subscribers of the change that get it) if s was shown the entity and may no longer
// read it; it keeps s.shown: the IDs of entities a change of which went to s as readable,
// and no Gone since. b.mu is held.
func (b *Broker) route(s *Sub, m *Message, gone **Message) {
	n := m.Notice
	if !slices.Contains(s.f.Types, n.Type) && !slices.Contains(s.f.GoneTypes, n.Type) {
		return
	}
	if n.MayRead(s.f.Reader) {
		if !s.f.match(n) {
			return
		}
		if _, ok := s.shown[n.ID]; !ok {
			if len(s.shown) >= b.opt.Shown {
				clear(s.shown)
				if !b.send(s, &Message{Resync: true, Reset: true}) {
					return
				}
			}
			s.shown[n.ID] = struct{}{}
		}
		b.send(s, m)
		return
	}
	if _, ok := s.shown[n.ID]; ok {
		delete(s.shown, n.ID)
		if *gone == nil {
			*gone = newShared(Message{Notice: n, Gone: true})
		}
		b.send(s, *gone)
	}
}

func (b *Broker) broadcast(m Message) {
	b.mu.Lock()
	defer b.mu.Unlock()
	shared := newShared(m)
	for s := range b.subs {
		b.send(s, shared)
	}
}

// send never blocks: a subscriber whose buffer is full is closed as a slow consumer, so
// that it neither stalls the others nor makes the broker hold changes for it. It reports
// whether m was queued. b.mu is held.
func (b *Broker) send(s *Sub, m *Message) bool {
	select {
	case s.c <- m:
		if s.ready != nil {
			s.ready()
		}
		return true
	default:
		b.drop(s, problem.Wrap(ErrSlowConsumer, "%d changes were waiting for this subscriber; subscribe again and read what you show again", cap(s.c)))
		return false
	}
}

// drop removes s and closes its channel with err as the reason. b.mu is held.
func (b *Broker) drop(s *Sub, err error) {
	if _, ok := b.subs[s]; !ok {
		return
	}
	delete(b.subs, s)
	metrics.Subscriptions.Dec()
	if b.perKey[s.key]--; b.perKey[s.key] <= 0 {
		delete(b.perKey, s.key)
	}
	s.err = err
	close(s.c)
	if s.ready != nil {
		s.ready()
	}
}

// Subscribe adds a subscriber for the changes f matches, on behalf of key (an API key or
// an anonymous client's address), refusing one over the per-key limit.
func (b *Broker) Subscribe(key string, f Filter) (*Sub, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, ErrShuttingDown
	}
	if b.perKey[key] >= b.opt.PerKey {
		return nil, problem.Wrap(ErrTooManySubscriptions, "at most %d at once per API key or client address", b.opt.PerKey)
	}
	s := &Sub{b: b, key: key, f: f, c: make(chan *Message, b.opt.Buffer), shown: make(map[int64]struct{}, len(f.Shown))}
	for _, id := range f.Shown {
		s.shown[id] = struct{}{}
	}
	b.subs[s] = struct{}{}
	b.perKey[key]++
	metrics.Subscriptions.Inc()
	return s, nil
}

// OnChange has f called with every change the broker receives, whoever may read it, before
// any subscriber: the answer cache empties itself (internal/api). f must not block, nor call
// the broker.
func (b *Broker) OnChange(f func(store.Notice)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.observers = append(b.observers, f)
}

// Count returns how many subscriptions are open.
func (b *Broker) Count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

// Live returns how many open subscriptions have started (Sub.Start). A subscription is
// open before its resolver has checked what it asks for; one who waits to change what a
// subscription is about until it has started (a test deleting the subscribed event) waits
// on Live, not on Count, or the check may see the change and refuse the subscription.
func (b *Broker) Live() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for s := range b.subs {
		if s.live {
			n++
		}
	}
	return n
}

// Shutdown ends every subscription with ErrShuttingDown and refuses new ones.
func (b *Broker) Shutdown() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for s := range b.subs {
		b.drop(s, problem.Wrap(ErrShuttingDown, "the server is going away; subscribe again, and another instance will answer"))
	}
}

// Sub is one subscription.
//
// It remembers the entities it was shown (shown, at most Options.Shown of them), so that a
// change after which its subscriber may no longer read one of them reaches it, once, as a
// Gone message, and the same change reaches no subscriber that was never shown the entity.
// The set is a superset of what the subscriber was actually delivered (the API reads each
// entity again before delivering it, and keeps the exact set); when it is full it is
// emptied, and the subscriber is told with a Resync and Reset message to read again what it
// shows.
type Sub struct {
	b   *Broker
	key string
	f   Filter
	// c holds pointers, which the subscribers of one change share: an idle subscription's
	// buffer is Options.Buffer words, not as many copies of a notice.
	c     chan *Message
	err   error
	shown map[int64]struct{} // guarded by b.mu
	live  bool               // guarded by b.mu; see Start
	ready func()             // guarded by b.mu; see OnReady
}

// OnReady has f called whenever a message is queued on C, and when C is closed: a
// subscriber that does not wait on C (the websocket transport, internal/api, answers a
// subscription with no goroutine while it waits) learns there that it has something to
// read. f is called with the broker's lock held, from the broker's goroutine or the one that
// ends the subscription: it must not block, nor call the broker.
func (s *Sub) OnReady(f func()) {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	s.ready = f
}

// Start marks s as started: checked by its resolver and answering. From Subscribe on, the
// broker routes changes to s, so that none committed while the resolver checks is missed;
// only Live waits for Start.
func (s *Sub) Start() {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	s.live = true
}

// C delivers the subscription's messages; it is closed when the broker ends the
// subscription, and Err then says why.
func (s *Sub) C() <-chan *Message { return s.c }

// Err is why the broker closed C: ErrSlowConsumer or ErrShuttingDown.
func (s *Sub) Err() error {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	return s.err
}

// Close ends the subscription on the subscriber's side.
func (s *Sub) Close() {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	s.b.drop(s, nil)
}
