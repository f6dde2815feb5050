package graph

import (
	"context"
	"errors"

	"campaigns/graph/model"
	"campaigns/internal/auth"
	"campaigns/internal/loader"
	"campaigns/internal/page"
	"campaigns/internal/problem"
	"campaigns/internal/relay"
	"campaigns/internal/store"
	"campaigns/models"
)

// order turns a schema ordering into the store's, with the list's default field.
func order(field string, direction *string, def string) store.Order {
	if field == "" {
		field = def
	}
	return store.Order{Field: field, Desc: direction != nil && *direction == "DESC"}
}

// countryCode resolves a country filter (code, name or alias) to its ISO code.
func (r *Resolver) countryCode(ctx context.Context, name *string) (string, error) {
	if name == nil {
		return "", nil
	}
	c, err := loader.For(ctx).Direct().FindCountry(ctx, *name)
	if err != nil {
		return "", err
	}
	return c.Code, nil
}

// optionalID decodes an optional global ID of type typ.
func optionalID(typ string, id *string) (int64, error) {
	if id == nil {
		return 0, nil
	}
	return relay.DecodeInt(typ, *id)
}

func (r *Resolver) campaigns(ctx context.Context, of loader.Under[store.CampaignFilter, *models.Campaign], args page.Args, in *model.CampaignFilter, o *model.CampaignOrder) (*model.CampaignConnection, error) {
	var f store.CampaignFilter
	var ord store.Order
	if o != nil {
		ord = order(o.Field, o.Direction, "NAME")
	} else {
		ord = order("", nil, "NAME")
	}
	if in != nil {
		code, err := r.countryCode(ctx, in.Country)
		if err != nil {
			return nil, err
		}
		partner, err := organizationRef.key(ctx, in.Partner)
		if err != nil {
			return nil, err
		}
		f = store.CampaignFilter{Statuses: in.Status, CountryCode: code, PartnerID: partner, Themes: in.Theme, Focus: in.Focus, TopLevel: in.TopLevel}
	}
	f.Viewer = auth.FromContext(ctx).OrgID
	req, err := args.Validate(ord.Token(store.ListCampaigns))
	if err != nil {
		return nil, err
	}
	p, err := loader.Page(ctx, of, f, ord, req)
	if err != nil {
		return nil, err
	}
	return model.NewConnection(p, func(ctx context.Context) (int, error) { return loader.Count(ctx, of, f) }), nil
}

func (r *Resolver) events(ctx context.Context, of loader.Under[store.EventFilter, *models.Event], args page.Args, in *model.EventFilter, o *model.EventOrder) (*model.EventConnection, error) {
	ord := order("", nil, "STARTS_AT")
	if o != nil {
		ord = order(o.Field, o.Direction, "STARTS_AT")
	}
	f, err := r.eventFilter(ctx, in)
	if err != nil {
		return nil, err
	}
	req, err := args.Validate(ord.Token(store.ListEvents))
	if err != nil {
		return nil, err
	}
	p, err := loader.Page(ctx, of, f, ord, req)
	if err != nil {
		return nil, err
	}
	return model.NewConnection(p, func(ctx context.Context) (int, error) { return loader.Count(ctx, of, f) }).
		WithUpTo(func(ctx context.Context, limit int) (int, error) { return loader.CountUpTo(ctx, of, f, limit) }), nil
}

// eventFilter turns the schema's event filter into the store's, for the caller.
func (r *Resolver) eventFilter(ctx context.Context, in *model.EventFilter) (store.EventFilter, error) {
	var f store.EventFilter
	if in != nil {
		code, err := r.countryCode(ctx, in.Country)
		if err != nil {
			return f, err
		}
		campaign, err := campaignRef.key(ctx, in.Campaign)
		if err != nil {
			return f, err
		}
		organizer, err := organizationRef.key(ctx, in.Organizer)
		if err != nil {
			return f, err
		}
		if in.StartsAfter != nil && in.StartsBefore != nil && !in.StartsBefore.After(*in.StartsAfter) {
			return f, problem.Wrap(store.ErrInvalid, "startsBefore must be later than startsAfter")
		}
		f = store.EventFilter{CampaignID: campaign, Kinds: in.Kind, Statuses: in.Status, CountryCode: code,
			OrganizerID: organizer, StartsAfter: in.StartsAfter, StartsBefore: in.StartsBefore, Upcoming: in.Upcoming}
		if err := f.LocalDates(in.StartsOnOrAfter, in.StartsOnOrBefore, in.StartsDuring); err != nil {
			return f, err
		}
	}
	f.Viewer = auth.FromContext(ctx).OrgID
	return f, nil
}

func (r *Resolver) networks(ctx context.Context, of loader.Under[store.NetworkFilter, *models.YouthNetwork], args page.Args, in *model.YouthNetworkFilter, o *model.YouthNetworkOrder) (*model.YouthNetworkConnection, error) {
	var f store.NetworkFilter
	ord := order("", nil, "NAME")
	if o != nil {
		ord = order(o.Field, o.Direction, "NAME")
	}
	if in != nil {
		code, err := r.countryCode(ctx, in.Country)
		if err != nil {
			return nil, err
		}
		parent, err := networkRef.key(ctx, in.Parent)
		if err != nil {
			return nil, err
		}
		f = store.NetworkFilter{Scopes: in.Scope, CountryCode: code, ParentID: parent, TopLevel: in.TopLevel}
	}
	req, err := args.Validate(ord.Token(store.ListNetworks))
	if err != nil {
		return nil, err
	}
	p, err := loader.Page(ctx, of, f, ord, req)
	if err != nil {
		return nil, err
	}
	return model.NewConnection(p, func(ctx context.Context) (int, error) { return loader.Count(ctx, of, f) }), nil
}

func (r *Resolver) organizations(ctx context.Context, args page.Args, in *model.OrganizationFilter, o *model.OrganizationOrder) (*model.OrganizationConnection, error) {
	var f store.OrganizationFilter
	ord := order("", nil, "NAME")
	if o != nil {
		ord = order(o.Field, o.Direction, "NAME")
	}
	if in != nil {
		code, err := r.countryCode(ctx, in.Country)
		if err != nil {
			return nil, err
		}
		f = store.OrganizationFilter{Kinds: in.Kind, CountryCode: code}
	}
	req, err := args.Validate(ord.Token(store.ListOrganizations))
	if err != nil {
		return nil, err
	}
	of := loader.OrganizationList.All()
	p, err := loader.Page(ctx, of, f, ord, req)
	if err != nil {
		return nil, err
	}
	return model.NewConnection(p, func(ctx context.Context) (int, error) { return loader.Count(ctx, of, f) }), nil
}

func (r *Resolver) countries(ctx context.Context, args page.Args, in *model.CountryFilter, o *model.CountryOrder) (*model.CountryConnection, error) {
	var f store.CountryFilter
	ord := order("", nil, "NAME")
	if o != nil {
		ord = order(o.Field, o.Direction, "NAME")
	}
	if in != nil {
		f.AseanMember = in.AseanMember
		if in.Search != nil {
			f.Search = *in.Search
		}
	}
	req, err := args.Validate(ord.Token(store.ListCountries))
	if err != nil {
		return nil, err
	}
	of := loader.CountryList.All()
	p, err := loader.Page(ctx, of, f, ord, req)
	if err != nil {
		return nil, err
	}
	return model.NewConnection(p, func(ctx context.Context) (int, error) { return loader.Count(ctx, of, f) }), nil
}

// node resolves a global ID to its entity through the loaders, or nil when there is none.
func (r *Resolver) node(ctx context.Context, id string) (models.Node, error) {
	d, err := relay.Decode(id)
	if err != nil {
		return nil, err
	}
	l := loader.For(ctx)
	if d.Type == relay.TypeCountry {
		return asNode(l.Country(ctx, d.Key))
	}
	k, err := relay.DecodeInt(d.Type, id)
	if err != nil {
		return nil, err
	}
	switch d.Type {
	case relay.TypeCampaign:
		return asNode(visibleCampaign(ctx)(l.Campaign(ctx, k)))
	case relay.TypeEvent:
		return asNode(visibleEvent(ctx)(l.Event(ctx, k)))
	case relay.TypeOrganization:
		return asNode(l.Organization(ctx, k))
	case relay.TypeYouthNetwork:
		return asNode(l.Network(ctx, k))
	case relay.TypeVenue:
		return asNode(r.venueNode(ctx, k))
	case relay.TypeIndicator:
		return asNode(indicatorNode(ctx, k))
	case relay.TypeResult:
		return asNode(resultNode(ctx, k))
	case relay.TypeFunding:
		return asNode(fundingNode(ctx, k))
	case relay.TypeAPIKey:
		return r.apiKeyNode(ctx, k)
	case relay.TypeAuditEntry:
		return r.auditEntryNode(ctx, k)
	case relay.TypeMember, relay.TypeRegistration:
		return memberAreaNode(ctx, d.Type, k)
	}
	return nil, problem.Wrap(relay.ErrInvalidID, "%q is not a global ID", id)
}

// asNode answers a lookup as a Node: a record that does not exist is null, not an error,
// as the schema promises.
func asNode[P interface {
	*T
	models.Node
}, T any](v P, err error) (models.Node, error) {
	v, err = missingIsNil(v, err)
	if v == nil || err != nil {
		return nil, err
	}
	return v, nil
}

// missingIsNil turns ErrNotFound into a nil result.
func missingIsNil[T any](v *T, err error) (*T, error) {
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return v, nil
}
