package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"campaigns/graph/model"
	"campaigns/internal/loader"
	"campaigns/internal/relay"
	"campaigns/internal/store"
	"campaigns/models"
)

// eventPayload loads the event a write returned, as the payload shows it.
func eventPayload(ctx context.Context, id string, errs []*model.UserError, clientID *string) (*model.EventPayload, error) {
	p := &model.EventPayload{UserErrors: errs, ClientMutationID: clientID}
	if id == "" {
		return p, nil
	}
	k, err := relay.DecodeInt(relay.TypeEvent, id)
	if err != nil {
		return nil, err
	}
	p.Event, err = loader.For(ctx).Event(ctx, k)
	return p, err
}

// venueInput turns the schema's venue into the store's.
func venueInput(v *model.VenueInput) *store.VenueInput {
	if v == nil {
		return nil
	}
	return &store.VenueInput{Name: v.Name, City: v.City, Country: v.Country, Latitude: v.Latitude, Longitude: v.Longitude,
		Address: v.Address, AddressPrivate: v.AddressPrivate}
}

// registrationInput turns the schema's registration settings into the store's.
func registrationInput(r *model.RegistrationInput) *store.RegistrationInput {
	if r == nil {
		return nil
	}
	return &store.RegistrationInput{OpensAt: r.OpensAt, ClosesAt: r.ClosesAt, WaitlistEnabled: r.WaitlistEnabled}
}

// optMap is opt for an input whose value the store takes in its own type.
func optMap[T, U any](o graphql.Omittable[*T], f func(*T) *U) store.Opt[U] {
	v, set := o.ValueOK()
	if !set {
		return store.Opt[U]{}
	}
	return store.Opt[U]{Set: true, Value: f(v)}
}

// eventWrite runs one event mutation and loads the event it wrote.
func (r *Resolver) eventWrite(ctx context.Context, op string, input any, key, clientID *string, fn func(*store.Tx) (*models.Event, error)) (*model.EventPayload, error) {
	id, errs, err := r.write(ctx, op, input, key, func(tx *store.Tx) (string, error) { return nodeID(fn(tx)) })
	if err != nil {
		return nil, err
	}
	return eventPayload(ctx, id, errs, clientID)
}

func (r *Resolver) createEvent(ctx context.Context, in model.CreateEventInput) (*model.EventPayload, error) {
	campaign, err := relay.DecodeInt(relay.TypeCampaign, in.Campaign)
	if err != nil {
		return nil, err
	}
	cohosts := make([]int64, len(in.CoHosts))
	for i, id := range in.CoHosts {
		if cohosts[i], err = relay.DecodeInt(relay.TypeOrganization, id); err != nil {
			return nil, err
		}
	}
	change := store.EventInput{
		CampaignID: campaign, Title: &in.Title, Summary: given(in.Summary), Description: given(in.Description),
		Kind: &in.Kind, Status: in.Status, Visibility: in.Visibility, StartsAt: in.StartsAt, StartsOn: in.StartsOn,
		DateQualifier: in.DateQualifier, EndsAt: given(in.EndsAt), TimeZone: in.TimeZone,
		Venue: given(venueInput(in.Venue)), OnlineURL: given(in.OnlineURL),
		Capacity: given(in.Capacity), Registration: given(registrationInput(in.Registration)), CoHosts: cohosts,
	}
	return r.eventWrite(ctx, "createEvent", in, in.IdempotencyKey, in.ClientMutationID, func(tx *store.Tx) (*models.Event, error) {
		return tx.CreateEvent(change)
	})
}

func (r *Resolver) updateEvent(ctx context.Context, in model.UpdateEventInput) (*model.EventPayload, error) {
	k, err := relay.DecodeInt(relay.TypeEvent, in.ID)
	if err != nil {
		return nil, err
	}
	change := store.EventInput{
		Title: in.Title, Summary: opt(in.Summary), Description: opt(in.Description), Kind: in.Kind, Status: in.Status,
		StartsAt: in.StartsAt, StartsOn: in.StartsOn, DateQualifier: in.DateQualifier, EndsAt: opt(in.EndsAt), TimeZone: in.TimeZone,
		Visibility: in.Visibility, Venue: optMap(in.Venue, venueInput), OnlineURL: opt(in.OnlineURL),
		Capacity: opt(in.Capacity), Registration: optMap(in.Registration, registrationInput),
	}
	return r.eventWrite(ctx, "updateEvent", in, in.IdempotencyKey, in.ClientMutationID, func(tx *store.Tx) (*models.Event, error) {
		return tx.UpdateEvent(k, int32(in.ExpectedVersion), change)
	})
}

func (r *Resolver) cancelEvent(ctx context.Context, in model.CancelEventInput) (*model.EventPayload, error) {
	k, err := relay.DecodeInt(relay.TypeEvent, in.ID)
	if err != nil {
		return nil, err
	}
	return r.eventWrite(ctx, "cancelEvent", in, in.IdempotencyKey, in.ClientMutationID, func(tx *store.Tx) (*models.Event, error) {
		return tx.CancelEvent(k, int32(in.ExpectedVersion))
	})
}

func (r *Resolver) rescheduleEvent(ctx context.Context, in model.RescheduleEventInput) (*model.EventPayload, error) {
	k, err := relay.DecodeInt(relay.TypeEvent, in.ID)
	if err != nil {
		return nil, err
	}
	return r.eventWrite(ctx, "rescheduleEvent", in, in.IdempotencyKey, in.ClientMutationID, func(tx *store.Tx) (*models.Event, error) {
		return tx.RescheduleEvent(k, int32(in.ExpectedVersion), store.EventInput{StartsAt: in.StartsAt, StartsOn: in.StartsOn,
			DateQualifier: in.DateQualifier, EndsAt: given(in.EndsAt), TimeZone: in.TimeZone})
	})
}
