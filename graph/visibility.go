package graph

import (
	"context"
	"slices"

	"campaigns/internal/auth"
	"campaigns/internal/loader"
	"campaigns/models"
)

// The rules here are the store's visibility conditions (campaignVisible and eventVisible in
// internal/store) for a single record reached by ID, checked with the loaders so that a page
// of lookups stays batched.

// visibleCampaign answers a lookup of a campaign: a draft is seen only by its owner's and
// partners' keys; to anyone else, as to a missing campaign, the answer is null.
// It is curried so that a loader's two results can be passed straight in:
// visibleCampaign(ctx)(l.Campaign(ctx, id)).
func visibleCampaign(ctx context.Context) func(*models.Campaign, error) (*models.Campaign, error) {
	return func(c *models.Campaign, err error) (*models.Campaign, error) { return campaignIfVisible(ctx, c, err) }
}

func campaignIfVisible(ctx context.Context, c *models.Campaign, err error) (*models.Campaign, error) {
	c, err = missingIsNil(c, err)
	if c == nil || err != nil || c.Status != "DRAFT" {
		return c, err
	}
	ok, err := campaignOrgs(ctx, c)
	if err != nil || !ok {
		return nil, err
	}
	return c, nil
}

// campaignOrgs reports whether the caller's organization owns or partners the campaign.
func campaignOrgs(ctx context.Context, c *models.Campaign) (bool, error) {
	caller := auth.FromContext(ctx)
	if caller.Anonymous() {
		return false, nil
	}
	if c.OwnerID != nil && *c.OwnerID == caller.OrgID {
		return true, nil
	}
	partners, err := loader.For(ctx).CampaignPartners(ctx, c.ID)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(partners, func(p *models.CampaignPartner) bool { return p.OrganizationID == caller.OrgID }), nil
}

// visibleEvent answers a lookup of an event: a draft, a partner-only event or one in a draft
// campaign is seen only by the keys of its organizer, co-hosts and campaign owner and partners.
func visibleEvent(ctx context.Context) func(*models.Event, error) (*models.Event, error) {
	return func(e *models.Event, err error) (*models.Event, error) { return eventIfVisible(ctx, e, err) }
}

func eventIfVisible(ctx context.Context, e *models.Event, err error) (*models.Event, error) {
	e, err = missingIsNil(e, err)
	if e == nil || err != nil || e.Listed { // listed: everyone may see it (store.eventPublic)
		return e, err
	}
	l := loader.For(ctx)
	campaign, err := l.Campaign(ctx, e.CampaignID)
	if err != nil {
		return nil, err
	}
	if e.Status != "DRAFT" && e.Visibility == "PUBLIC" && campaign.Status != "DRAFT" {
		return e, nil
	}
	caller := auth.FromContext(ctx)
	if caller.Anonymous() {
		return nil, nil
	}
	if e.OrganizerID == caller.OrgID {
		return e, nil
	}
	hosts, err := l.EventCoHosts(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	if slices.ContainsFunc(hosts, func(o *models.Organization) bool { return o.ID == caller.OrgID }) {
		return e, nil
	}
	ok, err := campaignOrgs(ctx, campaign)
	if err != nil || !ok {
		return nil, err
	}
	return e, nil
}
