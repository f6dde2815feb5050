package graph

import (
	"context"

	"campaigns/internal/auth"
	"campaigns/internal/loader"
	"campaigns/models"
)

// What hangs off a campaign is read with the campaign: an indicator or a funding commitment
// of a draft is, to whoever may not see the draft, a record that does not exist, as the
// write path answers it (the store's indicatorRead). Reached by ID alone, each would
// otherwise show the draft, and through its campaign field the draft itself.

// indicatorNode answers node(id) for an indicator.
func indicatorNode(ctx context.Context, id int64) (*models.Indicator, error) {
	l := loader.For(ctx)
	ind, err := missingIsNil(l.Indicator(ctx, id))
	if ind == nil || err != nil {
		return nil, err
	}
	return withCampaign(ctx, ind, ind.CampaignID)
}

// fundingNode answers node(id) for a funding commitment.
func fundingNode(ctx context.Context, id int64) (*models.FundingCommitment, error) {
	f, err := missingIsNil(loader.For(ctx).FundingCommitment(ctx, id))
	if f == nil || err != nil {
		return nil, err
	}
	return withCampaign(ctx, f, f.CampaignID)
}

// withCampaign returns v if the caller may see the campaign it belongs to, else nil.
func withCampaign[T any](ctx context.Context, v *T, campaignID int64) (*T, error) {
	c, err := visibleCampaign(ctx)(loader.For(ctx).Campaign(ctx, campaignID))
	if c == nil || err != nil {
		return nil, err
	}
	return v, nil
}

// venueNode answers node(id) for a venue: only to a caller who may read an event held
// there, since a venue's name and coordinates can locate the people at a partner-only
// meeting. It costs a statement of its own; a venue is seldom looked up by ID.
func (r *Resolver) venueNode(ctx context.Context, id int64) (*models.Venue, error) {
	v, err := missingIsNil(loader.For(ctx).Venue(ctx, id))
	if v == nil || err != nil {
		return nil, err
	}
	visible, err := loader.For(ctx).Direct().VisibleVenues(ctx, auth.FromContext(ctx).OrgID, []int64{id})
	if err != nil || !visible[id] {
		return nil, err
	}
	return v, nil
}
