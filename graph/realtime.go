package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"campaigns/graph/model"
	"campaigns/internal/auth"
	"campaigns/internal/lang"
	"campaigns/internal/loader"
	"campaigns/internal/problem"
	"campaigns/internal/realtime"
	"campaigns/internal/relay"
	"campaigns/internal/store"
	"campaigns/models"
)

// Entity types of the change log (migration 00004) that are not GraphQL types: they stand
// for the counts of an event or a network.
const (
	changeEventRegistrations = "EventRegistrations"
	changeNetworkMemberships = "NetworkMemberships"
)

// Sync page sizes.
const (
	defaultSyncPage = 100
	maxSyncPage     = 500
)

// What a subscriber or a syncing client learns, and when (the rule of DESIGN.md: a caller
// who may not read a record learns nothing of it):
//
//   - a change, only of a record it may read after the change, read again with its access;
//   - that a record left its sight (HIDDEN, or DELETED), only if it was shown the record
//     (a subscription: delivered by this subscription, or named by it when it began; the
//     sync: readable at the position of its token), and once;
//   - a subscription naming a record it may not read is refused with NOT_FOUND, as for an
//     ID that does not exist;
//   - nothing else: the broker drops changes of records it cannot read before they reach
//     its buffer (realtime.Broker.dispatch), and the sync leaves them out of its pages in
//     SQL (store.Changes), so that neither the presence nor the timing of what it receives
//     depends on records it may not read.
//
// Who may read a record after a change is written on the change by migration 00009 from
// the same rules as the read paths; the record is still read again here with the graph's
// own rules (visibleEvent, visibleCampaign, nodesOf, which applies the member rule), which
// decide what is delivered.

// feed says how one kind of subscription turns the broker's messages into items.
type feed[T any] struct {
	// filter chooses the changes; subscribe sets its Reader.
	filter realtime.Filter
	// id is the one entity the subscription follows, which its resync items concern; 0
	// for eventChanged, whose resync items concern none.
	id int64
	// check refuses a subscription that names a record the caller may not read, exactly as
	// one that names a record that does not exist: with store.ErrNotFound.
	check func(context.Context) error
	// read returns the item of message m with the entity as the subscriber may read it
	// now, nil when it may not read it, or errNothingNew when it may but nothing it sees
	// of the entity changed.
	read func(context.Context, *realtime.Message) (*T, error)
	// gone returns the tombstone that tells the subscriber that entity id left its sight:
	// op is DELETED or HIDDEN, and nothing else about the entity is said.
	gone func(id int64, op string, resync bool) *T
	// initial, when set, returns the first item, sent as soon as the subscription starts:
	// the entity as it is then, which later items are changes of.
	initial func(context.Context) (*T, error)
	// sameForClass says that read depends on nothing but the message, the operation and the
	// subscriber's visibility class (shareClass), not on what the subscription showed
	// before: the subscribers of one class and operation then read each change once.
	sameForClass bool
}

// subscribe subscribes to the changes of fd and turns each into an item. Every item is
// built with loaders of its own, so that it shows the state after its change and not a
// cached one; the subscribers of one change that ask the same question with the same
// visibility (shareClass) share those loaders, so that the change is read once for them
// all, and the response middleware shares one answer among them (internal/api). The
// subscription keeps the IDs it delivered (bounded by the broker's Options.Shown, which
// resets them with a resync), so that a tombstone goes only to a subscriber that was shown
// the entity. When the broker ends the subscription (a slow consumer, a shutdown), one
// more, empty item is sent and the response middleware answers it with the reason's error
// code (see realtime.Stream).
//
// The subscription has no goroutine of its own: the response middleware calls its pump
// (realtime.Stream.SetPump) in the goroutine of the transport that answers it. Over server-
// sent events the pump waits for the next message there; over a websocket (a stream with a
// waker, realtime.WithWaker) it does not wait: it answers NotYet, and the broker wakes the
// transport when a message comes (realtime.Sub.OnReady), so that an idle subscription holds
// no goroutine at all.
func subscribe[T any](ctx context.Context, r *Resolver, fd feed[T]) (<-chan *T, error) {
	if r.Broker == nil {
		return nil, realtime.ErrOff
	}
	stream := realtime.StreamFrom(ctx)
	if stream == nil {
		return nil, realtime.ErrOff // no response middleware to drive it (internal/api)
	}
	if c := auth.FromContext(ctx); !c.Anonymous() {
		fd.filter.Reader = c.OrgID
	}
	sub, err := r.Broker.Subscribe(realtime.ClientFrom(ctx), fd.filter)
	if err != nil {
		return nil, err
	}
	// Checked once subscribed, so that a change committed in between is not missed.
	if err := fd.check(loader.With(ctx, loader.New(r.Store))); err != nil {
		sub.Close()
		return nil, err
	}
	var first *T
	if fd.initial != nil {
		if first, err = fd.initial(loader.With(ctx, loader.New(r.Store))); err != nil {
			sub.Close()
			return nil, err
		}
	}
	// However the operation ends (the client stops it, the connection drops), the broker
	// forgets the subscription, with no goroutine waiting for that meanwhile.
	context.AfterFunc(ctx, sub.Close)
	delivered := make(map[int64]struct{}, len(fd.filter.Shown))
	for _, id := range fd.filter.Shown {
		delivered[id] = struct{}{}
	}
	class := shareClass(ctx) + "\x00" + stream.Operation
	out := make(chan *T, 1)
	p := &pump[T]{ctx: ctx, r: r, fd: fd, sub: sub, stream: stream, out: out, delivered: delivered, pending: first,
		loaders: "loaders\x00" + class, entity: "entity\x00" + class, tombstone: "tombstone\x00" + class}
	stream.SetPump(p.next)
	if wake := stream.Waker(); wake != nil {
		p.detached = true
		sub.OnReady(wake)
	}
	sub.Start()
	return out, nil
}

// pump makes a subscription's items ready, one per call of next, which the response
// middleware makes in one goroutine, one call after another.
type pump[T any] struct {
	ctx       context.Context
	r         *Resolver
	fd        feed[T]
	sub       *realtime.Sub
	stream    *realtime.Stream
	out       chan *T
	delivered map[int64]struct{}
	// loaders, entity and tombstone name what the subscribers of the same visibility class
	// and operation share of a change: its loaders, and the answer of either kind of item.
	loaders, entity, tombstone string
	pending                    *T // the first item, sent as soon as the subscription starts
	sent                       int
	ended                      bool
	// detached: the transport does not wait in next (realtime.WithWaker), which answers
	// NotYet when no message is queued.
	detached bool
}

func (p *pump[T]) next(ctx context.Context) (realtime.Turn, bool) {
	if p.ended {
		return realtime.Turn{}, false
	}
	if p.pending != nil {
		item := p.pending
		p.pending = nil
		return p.own(item), true
	}
	for {
		m, ok, ready := p.receive(ctx)
		switch {
		case !ready:
			return realtime.Turn{NotYet: true}, true
		case p.ctx.Err() != nil || ctx.Err() != nil:
			return realtime.Turn{}, false
		default:
			if !ok {
				err := p.sub.Err()
				if err == nil || p.ctx.Err() != nil || ctx.Err() != nil {
					return realtime.Turn{}, false // closed on this side: the operation ended
				}
				return p.end(err), true
			}
			item, gone, l, err := nextItem(p.ctx, p.r, p.fd, p.delivered, m, p.loaders)
			if err != nil {
				p.sub.Close()
				return p.end(fmt.Errorf("subscription item: %w", err)), true
			}
			if item == nil {
				continue
			}
			p.sent++
			class := p.entity
			if gone {
				class = p.tombstone
			}
			return realtime.Turn{Message: m, Class: class,
				With: func(ctx context.Context) context.Context { return loader.With(ctx, l) },
				Push: func() { p.out <- item }}, true
		}
	}
}

// receive takes the subscription's next message; ok is false when the broker closed it,
// and ready is false when the pump is detached and no message is queued. When either
// context ends it returns at once (ready), and next sees why.
func (p *pump[T]) receive(ctx context.Context) (m *realtime.Message, ok, ready bool) {
	if p.detached {
		if p.ctx.Err() != nil || ctx.Err() != nil {
			return nil, false, true
		}
		select {
		case m, ok = <-p.sub.C():
			return m, ok, true
		default:
			return nil, false, false
		}
	}
	select {
	case <-p.ctx.Done():
	case <-ctx.Done():
	case m, ok = <-p.sub.C():
	}
	return m, ok, true
}

// own is the turn of an item that is the subscriber's own, answered with fresh loaders.
func (p *pump[T]) own(item *T) realtime.Turn {
	p.sent++
	return realtime.Turn{
		With: func(ctx context.Context) context.Context { return loader.With(ctx, loader.New(p.r.Store)) },
		Push: func() { p.out <- item }}
}

// end makes the last, empty item, which the response middleware answers with err.
func (p *pump[T]) end(err error) realtime.Turn {
	p.ended = true
	p.stream.End(p.sent, err)
	return p.own(new(T))
}

// shareClass names the caller's visibility for sharing a change's reads and answers among
// subscribers: every anonymous caller reads the same, and a key reads as its organization
// and role allow, and sees itself (viewer); the languages asked for choose the texts. Two
// subscribers of one class asking the same question get the same answer.
func shareClass(ctx context.Context) string {
	var b strings.Builder
	if c := auth.FromContext(ctx); c.Anonymous() {
		b.WriteString("anonymous")
	} else {
		b.WriteString("key:" + strconv.FormatInt(c.KeyID, 10))
	}
	for _, t := range lang.FromContext(ctx) {
		b.WriteString(";" + t.String())
	}
	return b.String()
}

// nextItem turns message m into the subscriber's next item, or nil for none, keeping
// delivered: the entities this subscription showed and has not announced gone since. It
// says whether the item is a tombstone, and returns the loaders it read with: those that
// the subscribers sharing loadersKey share for m.
func nextItem[T any](ctx context.Context, r *Resolver, fd feed[T], delivered map[int64]struct{}, m *realtime.Message, loadersKey string) (*T, bool, *loader.Loaders, error) {
	if m.Reset {
		clear(delivered)
	}
	id, op := m.Notice.ID, tombstoneOp(m.Notice.Op)
	if m.Resync {
		id, op = fd.id, "HIDDEN"
	}
	shared := m.Shared(loadersKey, func() any { return &sharedRead{l: loader.New(r.Store)} }).(*sharedRead)
	if !m.Gone {
		item, l, err := readShared(ctx, r, shared, fd, m)
		if errors.Is(err, errNothingNew) {
			return nil, false, nil, nil // still readable, and nothing the subscriber sees changed
		}
		if item != nil && id != 0 {
			delivered[id] = struct{}{}
		}
		if item != nil || err != nil {
			return item, false, l, err
		}
	}
	if _, ok := delivered[id]; !ok || id == 0 {
		return nil, false, nil, nil // never shown, or already announced: nothing to say
	}
	delete(delivered, id)
	return fd.gone(id, op, m.Resync), true, shared.l, nil
}

// sharedRead is what the subscribers of one change with the same visibility class and
// operation share of it: the loaders that read it and, for a feed whose item depends on
// nothing else (feed.sameForClass), the item itself, read once.
type sharedRead struct {
	l    *loader.Loaders
	once sync.Once
	item any // *T
	used *loader.Loaders
	err  error
}

// readShared returns the item of m for a subscriber of the class that shares s. The reads run without the
// subscriber's cancellation: others of its class wait for them, and one subscriber leaving
// must not fail their items.
func readShared[T any](ctx context.Context, r *Resolver, s *sharedRead, fd feed[T], m *realtime.Message) (*T, *loader.Loaders, error) {
	ctx = context.WithoutCancel(ctx)
	if !fd.sameForClass {
		return buildRetrying(ctx, r, s.l, m, fd.read)
	}
	s.once.Do(func() {
		item, used, err := buildRetrying(ctx, r, s.l, m, fd.read)
		s.item, s.used, s.err = item, used, err
	})
	item, _ := s.item.(*T)
	return item, s.used, s.err
}

// tombstoneOp is the op that tells a subscriber that an entity left its sight after a
// change with op.
func tombstoneOp(op string) string {
	if op == "DELETED" {
		return op
	}
	return "HIDDEN"
}

// buildRetrying builds an item with the loaders l, trying again a few times with fresh
// ones after an error: the first reads after a database restart may meet connections that
// the restart broke. It returns the loaders that built the item.
func buildRetrying[T any](ctx context.Context, r *Resolver, l *loader.Loaders, m *realtime.Message, build func(context.Context, *realtime.Message) (*T, error)) (*T, *loader.Loaders, error) {
	pause := 100 * time.Millisecond
	for try := 1; ; try++ {
		item, err := build(loader.With(ctx, l), m)
		if err == nil || errors.Is(err, errNothingNew) || try == 4 || ctx.Err() != nil {
			return item, l, err
		}
		select {
		case <-ctx.Done():
		case <-time.After(pause):
		}
		pause *= 2
		l = loader.New(r.Store)
	}
}

// optionalKey decodes an optional global ID argument of type typ; zero when absent.
func optionalKey(typ string, id *string) (int64, error) {
	if id == nil {
		return 0, nil
	}
	return relay.DecodeInt(typ, *id)
}

// readableEvent and readableCampaign return the record if the caller may read it, and
// otherwise store.ErrNotFound, the same error as for an ID that does not exist, so that a
// refusal tells nothing of a record the caller may not read.
func readableEvent(ctx context.Context, id int64) (*models.Event, error) {
	e, err := missingIsNil(visibleEvent(ctx)(loader.For(ctx).Event(ctx, id)))
	if e == nil && err == nil {
		err = fmt.Errorf("event %d: %w", id, store.ErrNotFound)
	}
	return e, err
}

func readableCampaign(ctx context.Context, id int64) (*models.Campaign, error) {
	c, err := missingIsNil(visibleCampaign(ctx)(loader.For(ctx).Campaign(ctx, id)))
	if c == nil && err == nil {
		err = fmt.Errorf("campaign %d: %w", id, store.ErrNotFound)
	}
	return c, err
}

func (r *Resolver) eventChanged(ctx context.Context, campaign, country, event *string) (<-chan *model.EventChange, error) {
	f := realtime.Filter{Types: []string{relay.TypeEvent}}
	var err error
	if f.CampaignID, err = optionalKey(relay.TypeCampaign, campaign); err != nil {
		return nil, err
	}
	if f.EventID, err = optionalKey(relay.TypeEvent, event); err != nil {
		return nil, err
	}
	if f.EventID != 0 {
		f.Shown = []int64{f.EventID}
	}
	if country != nil {
		c, err := loader.For(ctx).Direct().FindCountry(ctx, *country)
		if err != nil {
			return nil, err
		}
		f.Country = c.Code
	}
	return subscribe(ctx, r, feed[model.EventChange]{
		filter:       f,
		sameForClass: true,
		check: func(ctx context.Context) error {
			if f.CampaignID != 0 {
				if _, err := readableCampaign(ctx, f.CampaignID); err != nil {
					return fmt.Errorf("eventChanged campaign: %w", err)
				}
			}
			if f.EventID != 0 {
				if _, err := readableEvent(ctx, f.EventID); err != nil {
					return fmt.Errorf("eventChanged event: %w", err)
				}
			}
			return nil
		},
		read: func(ctx context.Context, m *realtime.Message) (*model.EventChange, error) {
			if m.Resync {
				return &model.EventChange{Op: "UPDATED", Resync: true}, nil
			}
			e, err := missingIsNil(visibleEvent(ctx)(loader.For(ctx).Event(ctx, m.Notice.ID)))
			if e == nil || err != nil {
				return nil, err
			}
			id := relay.EncodeInt(relay.TypeEvent, m.Notice.ID)
			return &model.EventChange{Op: m.Notice.Op, EventID: &id, Event: e}, nil
		},
		gone: func(id int64, op string, _ bool) *model.EventChange {
			gid := relay.EncodeInt(relay.TypeEvent, id)
			return &model.EventChange{Op: op, EventID: &gid}
		},
	})
}

func (r *Resolver) eventRegistrationCounts(ctx context.Context, event string) (<-chan *model.EventCountsChange, error) {
	id, err := relay.DecodeInt(relay.TypeEvent, event)
	if err != nil {
		return nil, err
	}
	var shown shownFigures
	figures := func(ctx context.Context, e *models.Event) (any, error) { return registrationCounts(ctx, e) }
	return subscribe(ctx, r, feed[model.EventCountsChange]{
		// The event's own changes come only to say that it left the subscriber's sight.
		filter: realtime.Filter{Types: []string{changeEventRegistrations}, GoneTypes: []string{relay.TypeEvent}, ID: id, Shown: []int64{id}},
		id:     id,
		check: func(ctx context.Context) error {
			if _, err := readableEvent(ctx, id); err != nil {
				return fmt.Errorf("eventRegistrationCounts: %w", err)
			}
			return nil
		},
		initial: func(ctx context.Context) (*model.EventCountsChange, error) {
			e, err := readableEvent(ctx, id)
			if err != nil {
				return nil, fmt.Errorf("eventRegistrationCounts: %w", err)
			}
			if err := shown.changed(figures(ctx, e)); err != nil {
				return nil, err
			}
			return &model.EventCountsChange{Event: e}, nil
		},
		read: func(ctx context.Context, m *realtime.Message) (*model.EventCountsChange, error) {
			e, err := missingIsNil(visibleEvent(ctx)(loader.For(ctx).Event(ctx, id)))
			if e == nil || err != nil {
				return nil, err
			}
			if err := shown.changed(figures(ctx, e)); err != nil && !m.Resync {
				return nil, err
			}
			return &model.EventCountsChange{Event: e, Resync: m.Resync}, nil
		},
		gone: func(_ int64, _ string, resync bool) *model.EventCountsChange {
			return &model.EventCountsChange{Resync: resync}
		},
	})
}

func (r *Resolver) campaignChanged(ctx context.Context, campaign string) (<-chan *model.CampaignChange, error) {
	id, err := relay.DecodeInt(relay.TypeCampaign, campaign)
	if err != nil {
		return nil, err
	}
	return subscribe(ctx, r, feed[model.CampaignChange]{
		filter:       realtime.Filter{Types: []string{relay.TypeCampaign}, ID: id, Shown: []int64{id}},
		id:           id,
		sameForClass: true,
		check: func(ctx context.Context) error {
			if _, err := readableCampaign(ctx, id); err != nil {
				return fmt.Errorf("campaignChanged: %w", err)
			}
			return nil
		},
		read: func(ctx context.Context, m *realtime.Message) (*model.CampaignChange, error) {
			c, err := missingIsNil(visibleCampaign(ctx)(loader.For(ctx).Campaign(ctx, id)))
			if c == nil || err != nil {
				return nil, err
			}
			op := m.Notice.Op
			if m.Resync {
				op = "UPDATED"
			}
			return &model.CampaignChange{Op: op, Campaign: c, Resync: m.Resync}, nil
		},
		gone: func(_ int64, op string, resync bool) *model.CampaignChange {
			return &model.CampaignChange{Op: op, Resync: resync}
		},
	})
}

func (r *Resolver) networkMembershipCount(ctx context.Context, network string) (<-chan *model.NetworkCountChange, error) {
	id, err := relay.DecodeInt(relay.TypeYouthNetwork, network)
	if err != nil {
		return nil, err
	}
	var shown shownFigures
	figures := func(ctx context.Context, n *models.YouthNetwork) (any, error) { return networkMemberCount(ctx, n) }
	return subscribe(ctx, r, feed[model.NetworkCountChange]{
		filter: realtime.Filter{Types: []string{changeNetworkMemberships}, GoneTypes: []string{relay.TypeYouthNetwork}, ID: id, Shown: []int64{id}},
		id:     id,
		check: func(ctx context.Context) error {
			if _, err := loader.For(ctx).Network(ctx, id); err != nil {
				return fmt.Errorf("networkMembershipCount: %w", err)
			}
			return nil
		},
		initial: func(ctx context.Context) (*model.NetworkCountChange, error) {
			n, err := loader.For(ctx).Network(ctx, id)
			if err != nil {
				return nil, fmt.Errorf("networkMembershipCount: %w", err)
			}
			if err := shown.changed(figures(ctx, n)); err != nil {
				return nil, err
			}
			return &model.NetworkCountChange{Network: n}, nil
		},
		read: func(ctx context.Context, m *realtime.Message) (*model.NetworkCountChange, error) {
			n, err := missingIsNil(loader.For(ctx).Network(ctx, id))
			if n == nil || err != nil {
				return nil, err
			}
			if err := shown.changed(figures(ctx, n)); err != nil && !m.Resync {
				return nil, err
			}
			return &model.NetworkCountChange{Network: n, Resync: m.Resync}, nil
		},
		gone: func(_ int64, _ string, resync bool) *model.NetworkCountChange {
			return &model.NetworkCountChange{Resync: resync}
		},
	})
}

// shownFigures is what a subscription to counts last showed: the counts as its subscriber
// may see them (rounded, for anyone but their owner). An item goes out only when those
// change, so that the number and timing of deliveries do not count the registrations or
// memberships that a rounded figure hides. A subscription's items are built one at a time,
// so it needs no lock.
type shownFigures struct {
	last []byte
}

// errNothingNew is a feed's read saying that the entity is still readable but nothing its
// subscriber sees of it changed: no item, and no tombstone either.
var errNothingNew = errors.New("nothing new for the subscriber")

// changed records the figures v (with the error of computing them), and answers
// errNothingNew when they equal those last recorded.
func (s *shownFigures) changed(v any, err error) error {
	if err != nil {
		return err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("figures: %w", err)
	}
	if bytes.Equal(b, s.last) {
		return errNothingNew
	}
	s.last = b
	return nil
}

// changes answers the delta sync: the records that changed after the token within the
// filter and that concern the caller (store.Changes, which gives each record once, at its
// latest change), each turned into the entity as the caller may read it now, or a
// tombstone. A tombstone (DELETED, HIDDEN, ERASED) goes only to a caller that could read
// the entity, within the filter, at its token's position, and never in a first sync (no
// token), which is a snapshot of what the caller may read. Members are shown only to those
// who may read them now, as node(id) decides; a member the caller may not read is not
// mentioned at all. The token is bound to the filter: a position counts only the changes
// of its filter, so a token used with another is refused.
func (r *Resolver) changes(ctx context.Context, since *string, first *int, filter *model.ChangeFilter) (*model.ChangeSet, error) {
	// The primary throughout (with DATABASE_REPLICA_URLS): the page of the log is read in a
	// transaction there, and the filter's campaign, looked up before it, must be found as the
	// caller's last write left it, or a campaign created a moment ago would be NOT_FOUND.
	ctx = store.WithReads(ctx, store.OnPrimary())
	var tok string
	if since != nil {
		tok = *since
	}
	t, err := realtime.ParseToken(tok)
	if err != nil {
		return nil, err
	}
	q := store.SyncQuery{After: t.Pos, Snapshot: t.Snapshot, Limit: defaultSyncPage}
	if first != nil {
		if *first < 1 || *first > maxSyncPage {
			return nil, problem.Wrap(store.ErrInvalid, "first must be between 1 and %d", maxSyncPage)
		}
		q.Limit = *first
	}
	if c := auth.FromContext(ctx); !c.Anonymous() {
		q.Reader = c.OrgID
	}
	scope, canonical, err := r.syncScope(ctx, q.Reader, filter)
	if err != nil {
		return nil, err
	}
	q.Scope = scope
	fp := realtime.FilterPrint(canonical)
	if tok != "" {
		if err := t.CheckFilter(fp); err != nil {
			return nil, err
		}
	} else {
		q.Snapshot = math.MaxUint64 // every change is of the snapshot
	}
	page, err := loader.For(ctx).Direct().Changes(ctx, q)
	if err != nil {
		return nil, err
	}
	next := realtime.Token{Pos: page.Next, Snapshot: t.Snapshot, Filter: fp}
	if tok == "" {
		next.Snapshot = page.Bound
	}
	set := &model.ChangeSet{Changes: []*model.Change{}, Token: next.Encode(), HasMore: page.More}
	if len(page.Changes) == 0 {
		return set, nil
	}
	items, err := r.syncItems(ctx, page.Changes)
	if err != nil {
		return nil, err
	}
	set.Changes = items
	return set, nil
}

// syncTypes are the entity types of the change log that each type of the filter names.
var syncTypes = map[model.ChangeType]string{
	model.ChangeTypeCampaign:     relay.TypeCampaign,
	model.ChangeTypeEvent:        relay.TypeEvent,
	model.ChangeTypeYouthNetwork: relay.TypeYouthNetwork,
	model.ChangeTypeOrganization: relay.TypeOrganization,
	model.ChangeTypeMember:       relay.TypeMember,
}

// syncScope resolves the sync filter of reader (0 for an anonymous caller) into the
// store's scope, and returns the filter's canonical form, which the token is bound to: IDs
// and codes rather than slugs and aliases, so that `Burma` and `MM` are one filter. A
// campaign is named by global ID or slug; one the caller may not read is refused with
// NOT_FOUND by the same single statement as one that does not exist.
func (r *Resolver) syncScope(ctx context.Context, reader int64, f *model.ChangeFilter) (store.SyncScope, string, error) {
	var sc store.SyncScope
	if f == nil {
		return sc, "", nil
	}
	var canonical []string
	if f.Campaign != nil {
		var id int64
		slug := *f.Campaign
		if k, err := relay.DecodeInt(relay.TypeCampaign, slug); err == nil {
			id, slug = k, ""
		}
		found, _, err := loader.For(ctx).Direct().VisibleCampaign(ctx, reader, id, slug)
		if err != nil {
			return sc, "", fmt.Errorf("changes: campaign filter: %w", err)
		}
		sc.CampaignID = found
		canonical = append(canonical, "campaign="+strconv.FormatInt(found, 10))
	}
	if f.Country != nil {
		c, err := loader.For(ctx).Direct().FindCountry(ctx, *f.Country)
		if err != nil {
			return sc, "", err
		}
		sc.Country = c.Code
		canonical = append(canonical, "country="+c.Code)
	}
	for _, t := range f.Types {
		if typ := syncTypes[t]; !slices.Contains(sc.Types, typ) {
			sc.Types = append(sc.Types, typ)
		}
	}
	if len(sc.Types) > 0 {
		slices.Sort(sc.Types)
		canonical = append(canonical, "types="+strings.Join(sc.Types, ","))
	}
	return sc, strings.Join(canonical, ";"), nil
}

// syncItems turns a page's changes into the sync's items, one per entity, at the entity's
// last change of the page: the entity as the caller may read it now, or, for an entity it
// may no longer read, that left the filter, or that was erased, a tombstone if the caller
// could read it at its token (Held), and nothing otherwise.
func (r *Resolver) syncItems(ctx context.Context, rows []store.SyncChange) ([]*model.Change, error) {
	items := make([]*model.Change, len(rows))
	last := make(map[string]int, len(rows))
	for i, c := range rows {
		typ, op := c.EntityType, c.Op
		switch typ {
		case changeEventRegistrations:
			typ, op = relay.TypeEvent, "UPDATED"
		case changeNetworkMemberships:
			typ, op = relay.TypeYouthNetwork, "UPDATED"
		}
		id := relay.EncodeInt(typ, c.EntityID)
		items[i] = &model.Change{Op: op, Type: typ, ID: id}
		last[id] = i
	}
	var kept []int
	var ids []string
	for i, it := range items {
		if last[it.ID] == i {
			kept = append(kept, i)
			ids = append(ids, it.ID)
		}
	}
	nodes, err := r.nodesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Change, 0, len(kept))
	for k, i := range kept {
		it, node, row := items[i], nodes[k], rows[i]
		m, isMember := node.(*models.Member)
		erased := isMember && m.Erased() || node != nil && it.Op == "ERASED"
		switch {
		case node != nil && !erased && !row.Outside && it.Op != "DELETED":
			it.Node = node
		case !row.Held:
			continue // never the caller's to know, or not in what its copy holds
		case erased:
			it.Op = "ERASED" // a tombstone that carries no personal data
		default:
			it.Op = tombstoneOp(it.Op)
		}
		out = append(out, it)
	}
	return out, nil
}
