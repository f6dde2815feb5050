package graph

import (
	"context"

	"campaigns/graph/model"
	"campaigns/internal/auth"
	"campaigns/internal/loader"
	"campaigns/internal/page"
	"campaigns/internal/relay"
	"campaigns/internal/store"
	"campaigns/models"
)

func (r *Resolver) eventsNear(ctx context.Context, n store.Near, args page.Args, in *model.EventFilter) (*model.EventConnection, error) {
	if err := n.Check(); err != nil {
		return nil, err
	}
	f, err := r.eventFilter(ctx, in)
	if err != nil {
		return nil, err
	}
	req, err := args.Validate(store.NearOrder.Token(store.ListEventsNear))
	if err != nil {
		return nil, err
	}
	p, err := loader.For(ctx).Direct().EventsNear(ctx, n, f, req)
	if err != nil {
		return nil, err
	}
	return model.NewConnection(p, func(ctx context.Context) (int, error) { return loader.For(ctx).Direct().CountEventsNear(ctx, n, f) }).
		WithUpTo(func(ctx context.Context, limit int) (int, error) {
			return loader.For(ctx).Direct().CountEventsNearUpTo(ctx, n, f, limit)
		}), nil
}

func (r *Resolver) reach(ctx context.Context, in *model.EventFilter) (*model.Reach, error) {
	f, err := r.eventFilter(ctx, in)
	if err != nil {
		return nil, err
	}
	rc, err := loader.For(ctx).Direct().ReachOf(ctx, f)
	if err != nil {
		return nil, err
	}
	return reachOf(rc), nil
}

func campaignReach(ctx context.Context, c *models.Campaign) (*model.Reach, error) {
	rc, err := loader.For(ctx).CampaignReach(ctx, auth.FromContext(ctx).OrgID, c.ID)
	if err != nil {
		return nil, err
	}
	return reachOf(rc), nil
}

// reachOf shows the store's figures. The counts drawn from members add up their events' and
// networks' counts as the caller sees each (exact for its own, rounded for others'), so a
// total says no more than the counts it adds up, which the caller can read one by one.
func reachOf(rc *store.Reach) *model.Reach {
	return &model.Reach{
		Events: rc.Events, ByKind: groups(rc.ByKind), ByStatus: groups(rc.ByStatus), ByCountry: groups(rc.ByCountry),
		ByYear: groups(rc.ByYear), Attendance: rc.Attendance, MediaReach: rc.MediaReach,
		Registrations: totalOfMembers(rc.Registrations), Attended: totalOfMembers(rc.Attended),
		NetworkMembers: totalOfMembers(rc.NetworkMembers),
	}
}

func groups(gs []store.ReachGroup) []*model.ReachGroup {
	out := make([]*model.ReachGroup, len(gs))
	for i, g := range gs {
		out[i] = &model.ReachGroup{Key: g.Key, Events: g.Events, Attendance: g.Attendance, MediaReach: g.MediaReach}
	}
	return out
}

func indicatorBaseline(i *models.Indicator) *model.IndicatorBaseline {
	if i.BaselineYear == nil && i.BaselineValue == nil && i.BaselineComment == nil {
		return nil
	}
	b := &model.IndicatorBaseline{Value: i.BaselineValue, Comment: i.BaselineComment}
	if i.BaselineYear != nil {
		y := int(*i.BaselineYear)
		b.Year = &y
	}
	return b
}

func (r *Resolver) createResult(ctx context.Context, in model.CreateResultInput) (*model.ResultPayload, error) {
	campaign, err := relay.DecodeInt(relay.TypeCampaign, in.Campaign)
	if err != nil {
		return nil, err
	}
	change := store.ResultInput{CampaignID: campaign, Type: in.Type, Title: in.Title, Description: in.Description}
	if in.AggregationStatus != nil {
		change.AggregationStatus = *in.AggregationStatus
	}
	id, errs, err := r.write(ctx, "createResult", in, in.IdempotencyKey, func(tx *store.Tx) (string, error) { return nodeID(tx.CreateResult(change)) })
	if err != nil {
		return nil, err
	}
	p := &model.ResultPayload{UserErrors: errs, ClientMutationID: in.ClientMutationID}
	if id == "" {
		return p, nil
	}
	k, err := relay.DecodeInt(relay.TypeResult, id)
	if err != nil {
		return nil, err
	}
	p.Result, err = loader.For(ctx).Result(ctx, k)
	return p, err
}

// iatiInput adds what IATI says of an indicator to a recordIndicatorValues change.
func iatiInput(in model.RecordIndicatorValuesInput, change *store.IndicatorValuesInput) error {
	if in.Result != nil {
		k, err := relay.DecodeInt(relay.TypeResult, *in.Result)
		if err != nil {
			return err
		}
		change.ResultID = &k
	}
	change.Measure, change.Ascending = in.Measure, in.Ascending
	change.BaselineValue, change.BaselineComment = in.BaselineValue, in.BaselineComment
	if in.BaselineYear != nil {
		y := int32(*in.BaselineYear)
		change.BaselineYear = &y
	}
	for _, b := range in.Breakdowns {
		change.Breakdowns = append(change.Breakdowns, store.BreakdownInput{Kind: b.Kind, Country: b.Country, Sex: b.Sex, AgeBand: b.AgeBand, Value: b.Value})
	}
	return nil
}

// resultNode answers node(id) for a result: null when its campaign is a draft the caller
// may not see, as for one that does not exist.
func resultNode(ctx context.Context, id int64) (*models.Result, error) {
	l := loader.For(ctx)
	res, err := missingIsNil(l.Result(ctx, id))
	if res == nil || err != nil {
		return nil, err
	}
	c, err := visibleCampaign(ctx)(l.Campaign(ctx, res.CampaignID))
	if c == nil || err != nil {
		return nil, err
	}
	return res, nil
}
