package graph

import (
	"context"

	"campaigns/graph/model"
	"campaigns/internal/auth"
	"campaigns/internal/loader"
	"campaigns/internal/relay"
	"campaigns/internal/store"
	"campaigns/models"
)

// invitationWrite runs one co-host mutation, which answers with the event it concerns, and
// loads the invitation of org to that event as it stands after the write.
func (r *Resolver) invitationWrite(ctx context.Context, op string, input any, key, clientID *string, org int64, fn func(*store.Tx) (*models.Event, error)) (*model.CoHostInvitationPayload, error) {
	id, errs, err := r.write(ctx, op, input, key, func(tx *store.Tx) (string, error) { return nodeID(fn(tx)) })
	if err != nil {
		return nil, err
	}
	p := &model.CoHostInvitationPayload{UserErrors: errs, ClientMutationID: clientID}
	if id == "" {
		return p, nil
	}
	event, err := relay.DecodeInt(relay.TypeEvent, id)
	if err != nil {
		return nil, err
	}
	p.Invitation, err = loader.For(ctx).Direct().CoHostInvitation(ctx, event, org)
	return p, err
}

// eventAndOrganization decodes the event and organization of an organizer's co-host mutation.
func eventAndOrganization(event, organization string) (int64, int64, error) {
	e, err := relay.DecodeInt(relay.TypeEvent, event)
	if err != nil {
		return 0, 0, err
	}
	o, err := relay.DecodeInt(relay.TypeOrganization, organization)
	return e, o, err
}

func (r *Resolver) inviteCoHost(ctx context.Context, in model.InviteCoHostInput) (*model.CoHostInvitationPayload, error) {
	event, org, err := eventAndOrganization(in.Event, in.Organization)
	if err != nil {
		return nil, err
	}
	canEdit := in.CanEdit != nil && *in.CanEdit
	return r.invitationWrite(ctx, "inviteCoHost", in, in.IdempotencyKey, in.ClientMutationID, org, func(tx *store.Tx) (*models.Event, error) {
		return tx.InviteCoHost(event, org, canEdit)
	})
}

func (r *Resolver) withdrawCoHostInvitation(ctx context.Context, in model.WithdrawCoHostInvitationInput) (*model.CoHostInvitationPayload, error) {
	event, org, err := eventAndOrganization(in.Event, in.Organization)
	if err != nil {
		return nil, err
	}
	return r.invitationWrite(ctx, "withdrawCoHostInvitation", in, in.IdempotencyKey, in.ClientMutationID, org, func(tx *store.Tx) (*models.Event, error) {
		return tx.WithdrawCoHostInvitation(event, org)
	})
}

// answerCoHost accepts or declines the caller's organization's invitation to co-host an event.
func (r *Resolver) answerCoHost(ctx context.Context, in model.AnswerCoHostInput, accept bool) (*model.CoHostInvitationPayload, error) {
	event, err := relay.DecodeInt(relay.TypeEvent, in.Event)
	if err != nil {
		return nil, err
	}
	op := "declineCoHost"
	if accept {
		op = "acceptCoHost"
	}
	return r.invitationWrite(ctx, op, in, in.IdempotencyKey, in.ClientMutationID, auth.FromContext(ctx).OrgID, func(tx *store.Tx) (*models.Event, error) {
		return tx.AnswerCoHost(event, accept)
	})
}

// invitationEvent shows an invitation's event: to the invited organization while the
// invitation is pending, since it is asked to host it, and otherwise as any lookup would.
func invitationEvent(ctx context.Context, inv *models.CoHostInvitation) (*models.Event, error) {
	l := loader.For(ctx)
	c := auth.FromContext(ctx)
	if inv.Status == models.InvitationPending && !c.Anonymous() && c.OrgID == inv.OrganizationID {
		return l.Event(ctx, inv.EventID)
	}
	return visibleEvent(ctx)(l.Event(ctx, inv.EventID))
}

// coHostInvitations lists the caller's organization's pending invitations; none for an
// anonymous caller, who has no organization.
func (r *Resolver) coHostInvitations(ctx context.Context) ([]*models.CoHostInvitation, error) {
	c := auth.FromContext(ctx)
	if c.Anonymous() {
		return []*models.CoHostInvitation{}, nil
	}
	return loader.For(ctx).Direct().PendingCoHostInvitations(ctx, c.OrgID)
}

// sentCoHostInvitations lists the invitations to co-host the events the caller's
// organization organizes.
func (r *Resolver) sentCoHostInvitations(ctx context.Context) ([]*models.CoHostInvitation, error) {
	c := auth.FromContext(ctx)
	if c.Anonymous() {
		return []*models.CoHostInvitation{}, nil
	}
	return loader.For(ctx).Direct().SentCoHostInvitations(ctx, c.OrgID)
}
