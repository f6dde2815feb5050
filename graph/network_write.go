package graph

import (
	"context"

	"campaigns/graph/model"
	"campaigns/internal/loader"
	"campaigns/internal/relay"
	"campaigns/internal/store"
)

// networkLists decodes the coordinators and channels of a network mutation.
func networkLists(coordinators []string, channels []*model.ChannelInput) ([]int64, []store.ChannelInput, error) {
	ids := make([]int64, len(coordinators))
	for i, c := range coordinators {
		k, err := relay.DecodeInt(relay.TypeOrganization, c)
		if err != nil {
			return nil, nil, err
		}
		ids[i] = k
	}
	out := make([]store.ChannelInput, len(channels))
	for i, c := range channels {
		out[i] = store.ChannelInput{Platform: c.Platform, URL: c.URL, Handle: c.Handle}
	}
	return ids, out, nil
}

// networkPayload loads the network a write returned, as the payload shows it.
func networkPayload(ctx context.Context, id string, errs []*model.UserError, clientID *string) (*model.YouthNetworkPayload, error) {
	p := &model.YouthNetworkPayload{UserErrors: errs, ClientMutationID: clientID}
	if id == "" {
		return p, nil
	}
	k, err := relay.DecodeInt(relay.TypeYouthNetwork, id)
	if err != nil {
		return nil, err
	}
	p.YouthNetwork, err = loader.For(ctx).Network(ctx, k)
	return p, err
}

func (r *Resolver) createYouthNetwork(ctx context.Context, in model.CreateYouthNetworkInput) (*model.YouthNetworkPayload, error) {
	parent, err := optionalID(relay.TypeYouthNetwork, in.Parent)
	if err != nil {
		return nil, err
	}
	foundedAt, err := optionalID(relay.TypeEvent, in.FoundedAt)
	if err != nil {
		return nil, err
	}
	coordinators, channels, err := networkLists(in.Coordinators, in.Channels)
	if err != nil {
		return nil, err
	}
	change := store.NetworkInput{
		Slug: &in.Slug, Name: &in.Name, Description: given(in.Description), Scope: in.Scope, Country: in.Country,
		ParentID: parent, FoundedAtID: foundedAt, Coordinators: coordinators, CoordinatorsSet: true,
		Channels: channels, ChannelsSet: true,
	}
	id, errs, err := r.write(ctx, "createYouthNetwork", in, in.IdempotencyKey, func(tx *store.Tx) (string, error) { return nodeID(tx.CreateYouthNetwork(change)) })
	if err != nil {
		return nil, err
	}
	return networkPayload(ctx, id, errs, in.ClientMutationID)
}

func (r *Resolver) updateYouthNetwork(ctx context.Context, in model.UpdateYouthNetworkInput) (*model.YouthNetworkPayload, error) {
	k, err := relay.DecodeInt(relay.TypeYouthNetwork, in.ID)
	if err != nil {
		return nil, err
	}
	coordinators, channels, err := networkLists(in.Coordinators, in.Channels)
	if err != nil {
		return nil, err
	}
	change := store.NetworkInput{
		Name: in.Name, Description: opt(in.Description),
		Coordinators: coordinators, CoordinatorsSet: in.Coordinators != nil,
		Channels: channels, ChannelsSet: in.Channels != nil,
	}
	id, errs, err := r.write(ctx, "updateYouthNetwork", in, in.IdempotencyKey, func(tx *store.Tx) (string, error) {
		return nodeID(tx.UpdateYouthNetwork(k, int32(in.ExpectedVersion), change))
	})
	if err != nil {
		return nil, err
	}
	return networkPayload(ctx, id, errs, in.ClientMutationID)
}
