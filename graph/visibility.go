package graph

import (
	"context"

	"campaigns/internal/auth"
	"campaigns/internal/loader"
	"campaigns/internal/store"
	"campaigns/models"
)

// The rules are the store's (store.CampaignVisible and store.EventVisible, beside their SQL
// form), checked for a single record reached by ID with the loaders, so that a page of
// lookups stays batched.

// visibleCampaign answers a lookup of a campaign: a draft is seen only by its owner's and
// partners' keys; to anyone else, as to a missing campaign, the answer is null.
// It is curried so that a loader's two results can be passed straight in:
// visibleCampaign(ctx)(l.Campaign(ctx, id)).
func visibleCampaign(ctx context.Context) func(*models.Campaign, error) (*models.Campaign, error) {
	return func(c *models.Campaign, err error) (*models.Campaign, error) {
		return ifVisible(ctx, store.CampaignVisible, c, err)
	}
}

// visibleEvent answers a lookup of an event: a draft, a partner-only event or one in a draft
// campaign is seen only by the keys of its organizer, co-hosts and campaign owner and partners.
func visibleEvent(ctx context.Context) func(*models.Event, error) (*models.Event, error) {
	return func(e *models.Event, err error) (*models.Event, error) {
		return ifVisible(ctx, store.EventVisible, e, err)
	}
}

// ifVisible answers a record the caller may see, and nil for one it may not or that is missing.
func ifVisible[T any](ctx context.Context, visible func(context.Context, store.Relatives, int64, *T) (bool, error), v *T, err error) (*T, error) {
	v, err = missingIsNil(v, err)
	if v == nil || err != nil {
		return v, err
	}
	ok, err := visible(ctx, loader.For(ctx), viewerOrg(ctx), v)
	if err != nil || !ok {
		return nil, err
	}
	return v, nil
}

// viewerOrg is the caller's organization, or 0 for an anonymous caller, as the store's
// visibility rules take it.
func viewerOrg(ctx context.Context) int64 {
	c := auth.FromContext(ctx)
	if c.Anonymous() {
		return 0
	}
	return c.OrgID
}
