package graph

import (
	"context"
	"fmt"
	"time"

	"campaigns/graph/model"
	"campaigns/internal/loader"
	"campaigns/internal/realtime"
	"campaigns/internal/relay"
	"campaigns/internal/store"
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

// subscribe subscribes to the changes f matches and turns each into an item with build,
// which reads the entity again with the subscriber's access and returns nil for an item the
// subscriber may not see. Every item is built with loaders of its own, so that it shows the
// state after its change and not a cached one. When the broker ends the subscription (a slow
// consumer, a shutdown), one more, empty item is sent and the response middleware answers it
// with the reason's error code (see realtime.Stream).
func subscribe[T any](ctx context.Context, r *Resolver, f realtime.Filter, build func(context.Context, realtime.Message) (*T, error)) (<-chan *T, error) {
	if r.Broker == nil {
		return nil, realtime.ErrOff
	}
	sub, err := r.Broker.Subscribe(realtime.ClientFrom(ctx), f)
	if err != nil {
		return nil, err
	}
	out := make(chan *T)
	go func() {
		defer close(out)
		defer sub.Close()
		sent := 0
		end := func(err error) {
			if s := realtime.StreamFrom(ctx); s != nil {
				s.End(sent, err)
				select {
				case out <- new(T):
				case <-ctx.Done():
				}
			}
		}
		for {
			select {
			case <-ctx.Done():
				return
			case m, ok := <-sub.C():
				if !ok {
					end(sub.Err())
					return
				}
				item, err := buildRetrying(ctx, r, m, build)
				if err != nil {
					end(fmt.Errorf("subscription item: %w", err))
					return
				}
				if item == nil {
					continue
				}
				select {
				case out <- item:
					sent++
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}

// buildRetrying builds an item, trying again a few times after an error: the first reads
// after a database restart may meet connections that the restart broke.
func buildRetrying[T any](ctx context.Context, r *Resolver, m realtime.Message, build func(context.Context, realtime.Message) (*T, error)) (*T, error) {
	pause := 100 * time.Millisecond
	for try := 1; ; try++ {
		item, err := build(loader.With(ctx, loader.New(r.Store)), m)
		if err == nil || try == 4 || ctx.Err() != nil {
			return item, err
		}
		select {
		case <-ctx.Done():
		case <-time.After(pause):
		}
		pause *= 2
	}
}

// optionalKey decodes an optional global ID argument of type typ; zero when absent.
func optionalKey(typ string, id *string) (int64, error) {
	if id == nil {
		return 0, nil
	}
	return relay.DecodeInt(typ, *id)
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
	if country != nil {
		c, err := r.Store.FindCountry(ctx, *country)
		if err != nil {
			return nil, err
		}
		f.Country = c.Code
	}
	return subscribe(ctx, r, f, func(ctx context.Context, m realtime.Message) (*model.EventChange, error) {
		if m.Resync {
			return &model.EventChange{Op: "UPDATED", Resync: true}, nil
		}
		id := relay.EncodeInt(relay.TypeEvent, m.Notice.ID)
		if m.Notice.Op == "DELETED" {
			return &model.EventChange{Op: m.Notice.Op, EventID: &id}, nil
		}
		e, err := missingIsNil(visibleEvent(ctx)(loader.For(ctx).Event(ctx, m.Notice.ID)))
		switch {
		case err != nil:
			return nil, err
		case e == nil && m.Notice.Op == "CREATED":
			return nil, nil // never seen by this subscriber: nothing to say
		case e == nil:
			return &model.EventChange{Op: "HIDDEN", EventID: &id}, nil
		}
		return &model.EventChange{Op: m.Notice.Op, EventID: &id, Event: e}, nil
	})
}

func (r *Resolver) eventRegistrationCounts(ctx context.Context, event string) (<-chan *model.EventCountsChange, error) {
	id, err := relay.DecodeInt(relay.TypeEvent, event)
	if err != nil {
		return nil, err
	}
	f := realtime.Filter{Types: []string{changeEventRegistrations}, ID: id}
	return subscribe(ctx, r, f, func(ctx context.Context, m realtime.Message) (*model.EventCountsChange, error) {
		e, err := missingIsNil(visibleEvent(ctx)(loader.For(ctx).Event(ctx, id)))
		if e == nil || err != nil {
			return nil, err
		}
		return &model.EventCountsChange{Event: e, Resync: m.Resync}, nil
	})
}

func (r *Resolver) campaignChanged(ctx context.Context, campaign string) (<-chan *model.CampaignChange, error) {
	id, err := relay.DecodeInt(relay.TypeCampaign, campaign)
	if err != nil {
		return nil, err
	}
	f := realtime.Filter{Types: []string{relay.TypeCampaign}, ID: id}
	return subscribe(ctx, r, f, func(ctx context.Context, m realtime.Message) (*model.CampaignChange, error) {
		op := m.Notice.Op
		if m.Resync {
			op = "UPDATED"
		}
		if op == "DELETED" {
			return &model.CampaignChange{Op: op}, nil
		}
		c, err := missingIsNil(visibleCampaign(ctx)(loader.For(ctx).Campaign(ctx, id)))
		switch {
		case err != nil:
			return nil, err
		case c == nil && op == "CREATED":
			return nil, nil
		case c == nil:
			return &model.CampaignChange{Op: "HIDDEN", Resync: m.Resync}, nil
		}
		return &model.CampaignChange{Op: op, Campaign: c, Resync: m.Resync}, nil
	})
}

func (r *Resolver) networkMembershipCount(ctx context.Context, network string) (<-chan *model.NetworkCountChange, error) {
	id, err := relay.DecodeInt(relay.TypeYouthNetwork, network)
	if err != nil {
		return nil, err
	}
	f := realtime.Filter{Types: []string{changeNetworkMemberships}, ID: id}
	return subscribe(ctx, r, f, func(ctx context.Context, m realtime.Message) (*model.NetworkCountChange, error) {
		n, err := missingIsNil(loader.For(ctx).Network(ctx, id))
		if n == nil || err != nil {
			return nil, err
		}
		return &model.NetworkCountChange{Network: n, Resync: m.Resync}, nil
	})
}

// changes answers the delta sync: the log's changes after the token, each turned into the
// entity as the caller may see it now, or a tombstone.
func (r *Resolver) changes(ctx context.Context, since *string, first *int) (*model.ChangeSet, error) {
	var tok string
	if since != nil {
		tok = *since
	}
	pos, err := realtime.DecodeToken(tok)
	if err != nil {
		return nil, err
	}
	n := defaultSyncPage
	if first != nil {
		if *first < 1 || *first > maxSyncPage {
			return nil, fmt.Errorf("%w: first must be between 1 and %d", store.ErrInvalid, maxSyncPage)
		}
		n = *first
	}
	rows, more, err := r.Store.Changes(ctx, pos, n)
	if err != nil {
		return nil, err
	}
	set := &model.ChangeSet{Changes: []*model.Change{}, Token: tok, HasMore: more}
	if len(rows) == 0 {
		set.Token = realtime.EncodeToken(pos)
		return set, nil
	}
	items := make([]*model.Change, len(rows))
	ids := make([]string, len(rows))
	for i, c := range rows {
		typ, op := c.EntityType, c.Op
		switch typ {
		case changeEventRegistrations:
			typ, op = relay.TypeEvent, "UPDATED"
		case changeNetworkMemberships:
			typ, op = relay.TypeYouthNetwork, "UPDATED"
		}
		ids[i] = relay.EncodeInt(typ, c.EntityID)
		items[i] = &model.Change{Op: op, Type: typ, ID: ids[i]}
	}
	nodes, err := r.nodesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i, it := range items {
		node := nodes[i]
		switch {
		case it.Type == relay.TypeMember && node == nil:
			continue // a member the caller may not see: not even its ID
		case it.Op == "DELETED" || it.Op == "ERASED":
			// a tombstone: no data, erased members least of all
		case node == nil && it.Op == "CREATED":
			continue
		case node == nil:
			it.Op = "HIDDEN"
		default:
			it.Node = node
		}
		set.Changes = append(set.Changes, it)
	}
	set.Token = realtime.EncodeToken(store.PositionOf(rows[len(rows)-1]))
	return set, nil
}
