package graph

import (
	"context"
	"slices"

	"campaigns/graph/model"
	"campaigns/internal/auth"
	"campaigns/internal/loader"
	"campaigns/internal/page"
	"campaigns/internal/problem"
	"campaigns/internal/relay"
	"campaigns/internal/reqid"
	"campaigns/internal/store"
	"campaigns/models"
)

// Members are young people, many of them minors. The rule of who may reach a member and see
// its name, contact details and guardian's consent lives in one store statement
// (store.MemberAccess): the organization that recorded it, and an organization it shared
// the member with while that one coordinates a network the member is in now or organizes an
// event the member holds a live registration for. Every field that shows such data goes
// through personalData, which checks the rule and logs the read before anything is returned.

// memberInputID decodes a global ID from a member mutation's input. Its error names the
// field but does not repeat the value, which a client may have filled with a name.
func memberInputID(typ, field, id string) (int64, error) {
	k, err := relay.DecodeInt(typ, id)
	if err != nil {
		return 0, problem.Wrap(relay.ErrInvalidID, "%s must be the global ID of a %s", field, typ)
	}
	return k, nil
}

// personalData reports whether the caller may see the member's personal data, and writes
// the read to the access log when it may: a read that cannot be logged fails instead.
func personalData(ctx context.Context, m *models.Member) (bool, error) {
	if m.Erased() {
		return false, nil
	}
	c := auth.FromContext(ctx)
	l := loader.For(ctx)
	reason, err := l.MemberAccess(ctx, c, m.ID)
	if err != nil || !store.SeesPersonalData(reason) {
		return false, err
	}
	if err := l.LogMemberRead(ctx, c, reqid.From(ctx), m.ID, reason); err != nil {
		return false, err
	}
	return true, nil
}

// mayReachMember reports whether the caller may reach the member at all, by node(id) or
// through a registration or a list: its owner and the holders of a share may.
func mayReachMember(ctx context.Context, m *models.Member) (bool, error) {
	reason, err := loader.For(ctx).MemberAccess(ctx, auth.FromContext(ctx), m.ID)
	return reason != "", err
}

func memberDisplayName(ctx context.Context, m *models.Member) (*string, error) {
	ok, err := personalData(ctx, m)
	if !ok || err != nil {
		return nil, err
	}
	return m.DisplayName, nil
}

func memberContact(ctx context.Context, m *models.Member) (*model.MemberContact, error) {
	if m.Email == nil && m.Phone == nil {
		return nil, nil
	}
	ok, err := personalData(ctx, m)
	if !ok || err != nil {
		return nil, err
	}
	return &model.MemberContact{Email: m.Email, Phone: m.Phone}, nil
}

func memberGuardianConsent(ctx context.Context, m *models.Member) (*models.GuardianConsent, error) {
	ok, err := personalData(ctx, m)
	if !ok || err != nil {
		return nil, err
	}
	return loader.For(ctx).GuardianConsent(ctx, m.ID)
}

// ownerAdmin reports whether the caller holds an admin key of the organization that recorded
// the member: only such a caller learns where the member's data has gone.
func ownerAdmin(ctx context.Context, m *models.Member) bool {
	c := auth.FromContext(ctx)
	return c.OrgID == m.OrganizationID && c.AtLeast(auth.RoleAdmin)
}

// memberSharedWith shows who holds a member to the owner's admins, and to no one else.
func memberSharedWith(ctx context.Context, m *models.Member) ([]*models.MemberShare, error) {
	if !ownerAdmin(ctx, m) {
		return nil, nil
	}
	return loader.For(ctx).MemberShares(ctx, m.ID)
}

// memberReaders shows who has read the member's personal data to the owner's admins, and to
// no one else.
func memberReaders(ctx context.Context, m *models.Member) ([]*models.MemberReader, error) {
	if !ownerAdmin(ctx, m) {
		return nil, nil
	}
	return loader.For(ctx).MemberReaders(ctx, m.ID)
}

func memberCountry(ctx context.Context, m *models.Member) (*models.Country, error) {
	if m.CountryCode == nil {
		return nil, nil
	}
	return loader.For(ctx).Country(ctx, *m.CountryCode)
}

// memberNode answers node(id) for a member: null for a caller who may not see it, as for
// a member that does not exist, so that an ID tells nothing to anyone else.
func memberNode(ctx context.Context, id int64) (models.Node, error) {
	m, err := missingIsNil(loader.For(ctx).Member(ctx, id))
	if m == nil || err != nil {
		return nil, err
	}
	if ok, err := mayReachMember(ctx, m); !ok || err != nil {
		return nil, err
	}
	return m, nil
}

// registrationNode answers node(id) for a registration: the event's organizer sees it,
// anyone else gets null.
func registrationNode(ctx context.Context, id int64) (models.Node, error) {
	l := loader.For(ctx)
	r, err := missingIsNil(l.Registration(ctx, id))
	if r == nil || err != nil {
		return nil, err
	}
	e, err := l.Event(ctx, r.EventID)
	if err != nil {
		return nil, err
	}
	if !isOrganizer(ctx, e) {
		return nil, nil
	}
	return r, nil
}

// isOrganizer reports whether the caller acts for the event's organizer, in any role.
func isOrganizer(ctx context.Context, e *models.Event) bool {
	c := auth.FromContext(ctx)
	return !c.Anonymous() && c.OrgID == e.OrganizerID
}

// isCoordinator reports whether the caller acts for one of the network's coordinators.
func isCoordinator(ctx context.Context, networkID int64) (bool, error) {
	c := auth.FromContext(ctx)
	if c.Anonymous() {
		return false, nil
	}
	orgs, err := loader.For(ctx).NetworkCoordinators(ctx, networkID)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(orgs, func(o *models.Organization) bool { return o.ID == c.OrgID }), nil
}

// requireMemberList refuses a list of members or registrations to anyone but who may see
// them; everyone else gets the counts. what names the list, who those who may see it.
func requireMemberList(ctx context.Context, allowed bool, what, who string) error {
	if auth.FromContext(ctx).Anonymous() {
		return problem.Wrap(auth.ErrUnauthenticated, "%s are listed only to %s; send an API key of one of them", what, who)
	}
	if !allowed {
		return problem.Wrap(auth.ErrForbidden, "%s are listed only to %s; others see the counts", what, who)
	}
	return nil
}

// countOfMembers shows one event's or network's count exactly to the organization whose
// records it counts, and rounded by package disclosure's rule to everyone else.
func countOfMembers(n int, exact bool) *model.MemberCount {
	return oneCountOfMembers(n, exact)
}

func registrationCounts(ctx context.Context, e *models.Event) (*model.RegistrationCounts, error) {
	n, err := loader.For(ctx).RegistrationCounts(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	return eventCounts(n, e.Capacity, isOrganizer(ctx, e)), nil
}

func networkMemberCount(ctx context.Context, n *models.YouthNetwork) (*model.MemberCount, error) {
	exact, err := isCoordinator(ctx, n.ID)
	if err != nil {
		return nil, err
	}
	count, err := loader.For(ctx).NetworkMemberCount(ctx, n.ID)
	if err != nil {
		return nil, err
	}
	return countOfMembers(count, exact), nil
}

func eventRegistrations(ctx context.Context, e *models.Event, args page.Args, status []string) (*model.RegistrationConnection, error) {
	if err := requireMemberList(ctx, isOrganizer(ctx, e), "an event's registrations", "the event's organizer"); err != nil {
		return nil, err
	}
	ord := store.Order{Field: "STATUS"}
	req, err := args.Validate(ord.Token(store.ListRegistrations))
	if err != nil {
		return nil, err
	}
	f := store.RegistrationFilter{Statuses: status}
	of := loader.EventRegistrations.Of(e)
	p, err := loader.Page(ctx, of, f, ord, req)
	if err != nil {
		return nil, err
	}
	return model.NewConnection(p, func(ctx context.Context) (int, error) { return loader.Count(ctx, of, f) }), nil
}

func networkMembers(ctx context.Context, n *models.YouthNetwork, args page.Args) (*model.MemberConnection, error) {
	ok, err := isCoordinator(ctx, n.ID)
	if err != nil {
		return nil, err
	}
	if err := requireMemberList(ctx, ok, "a network's members", "the network's coordinators"); err != nil {
		return nil, err
	}
	ord := store.Order{Field: "JOINED_AT"}
	req, err := args.Validate(ord.Token(store.ListMembers))
	if err != nil {
		return nil, err
	}
	of := loader.NetworkMembers.Of(n)
	f := store.MemberFilter{Viewer: auth.FromContext(ctx).OrgID}
	p, err := loader.Page(ctx, of, f, ord, req)
	if err != nil {
		return nil, err
	}
	return model.NewConnection(p, func(ctx context.Context) (int, error) { return loader.Count(ctx, of, f) }), nil
}

// registrationMember shows a registration's member to who may see the member, else null.
func registrationMember(ctx context.Context, r *models.Registration) (*models.Member, error) {
	m, err := missingIsNil(loader.For(ctx).Member(ctx, r.MemberID))
	if m == nil || err != nil {
		return nil, err
	}
	if ok, err := mayReachMember(ctx, m); !ok || err != nil {
		return nil, err
	}
	return m, nil
}

// memberPayload loads the member a write returned. The member itself is shown to the
// caller who wrote it, which reaches it (a write to a member it does not reach is refused);
// its personal fields follow the visibility rule like anywhere else.
func memberPayload(ctx context.Context, id string, errs []*model.UserError, clientID *string) (*model.MemberPayload, error) {
	p := &model.MemberPayload{UserErrors: errs, ClientMutationID: clientID}
	if id == "" {
		return p, nil
	}
	k, err := relay.DecodeInt(relay.TypeMember, id)
	if err != nil {
		return nil, err
	}
	p.Member, err = loader.For(ctx).Member(ctx, k)
	return p, err
}

// registrationPayload loads the registration a write returned.
func registrationPayload(ctx context.Context, id string, errs []*model.UserError, clientID *string) (*model.RegistrationPayload, error) {
	p := &model.RegistrationPayload{UserErrors: errs, ClientMutationID: clientID}
	if id == "" {
		return p, nil
	}
	k, err := relay.DecodeInt(relay.TypeRegistration, id)
	if err != nil {
		return nil, err
	}
	p.Registration, err = loader.For(ctx).Registration(ctx, k)
	return p, err
}

// memberWrite runs a member mutation whose store call returns the member.
func (r *Resolver) memberWrite(ctx context.Context, op string, input any, key, clientID *string, fn func(*store.Tx) (*models.Member, error)) (*model.MemberPayload, error) {
	id, errs, err := r.write(ctx, op, input, key, func(tx *store.Tx) (string, error) {
		m, err := fn(tx)
		if err != nil {
			return "", err
		}
		return m.GlobalID(), nil
	})
	if err != nil {
		return nil, err
	}
	return memberPayload(ctx, id, errs, clientID)
}

// registrationWrite runs a registration mutation whose store call returns the registration.
func (r *Resolver) registrationWrite(ctx context.Context, op string, input any, key, clientID *string, fn func(*store.Tx) (*models.Registration, error)) (*model.RegistrationPayload, error) {
	id, errs, err := r.write(ctx, op, input, key, func(tx *store.Tx) (string, error) {
		reg, err := fn(tx)
		if err != nil {
			return "", err
		}
		return reg.GlobalID(), nil
	})
	if err != nil {
		return nil, err
	}
	return registrationPayload(ctx, id, errs, clientID)
}

func (r *Resolver) createMember(ctx context.Context, in model.CreateMemberInput) (*model.MemberPayload, error) {
	change := store.MemberInput{DisplayName: in.DisplayName, AgeBand: in.AgeBand, Country: in.Country, Email: in.Email, Phone: in.Phone}
	return r.memberWrite(ctx, "createMember", in, in.IdempotencyKey, in.ClientMutationID, func(tx *store.Tx) (*models.Member, error) {
		return tx.CreateMember(change)
	})
}

func (r *Resolver) recordGuardianConsent(ctx context.Context, in model.RecordGuardianConsentInput) (*model.MemberPayload, error) {
	k, err := memberInputID(relay.TypeMember, "member", in.Member)
	if err != nil {
		return nil, err
	}
	consent := store.ConsentInput{GuardianName: in.GuardianName, Relationship: in.Relationship, Method: in.Method, GivenAt: in.GivenAt}
	return r.memberWrite(ctx, "recordGuardianConsent", in, in.IdempotencyKey, in.ClientMutationID, func(tx *store.Tx) (*models.Member, error) {
		return tx.RecordGuardianConsent(k, consent)
	})
}

// memberAndNetwork decodes the IDs of a join or leave.
func memberAndNetwork(member, network string) (int64, int64, error) {
	m, err := memberInputID(relay.TypeMember, "member", member)
	if err != nil {
		return 0, 0, err
	}
	n, err := memberInputID(relay.TypeYouthNetwork, "network", network)
	return m, n, err
}

func (r *Resolver) joinNetwork(ctx context.Context, in model.JoinNetworkInput) (*model.MemberPayload, error) {
	m, n, err := memberAndNetwork(in.Member, in.Network)
	if err != nil {
		return nil, err
	}
	return r.memberWrite(ctx, "joinNetwork", in, in.IdempotencyKey, in.ClientMutationID, func(tx *store.Tx) (*models.Member, error) {
		return tx.JoinNetwork(m, n)
	})
}

func (r *Resolver) leaveNetwork(ctx context.Context, in model.LeaveNetworkInput) (*model.MemberPayload, error) {
	m, n, err := memberAndNetwork(in.Member, in.Network)
	if err != nil {
		return nil, err
	}
	return r.memberWrite(ctx, "leaveNetwork", in, in.IdempotencyKey, in.ClientMutationID, func(tx *store.Tx) (*models.Member, error) {
		return tx.LeaveNetwork(m, n)
	})
}

func (r *Resolver) eraseMember(ctx context.Context, in model.EraseMemberInput) (*model.EraseMemberPayload, error) {
	k, err := memberInputID(relay.TypeMember, "member", in.Member)
	if err != nil {
		return nil, err
	}
	id, errs, err := r.write(ctx, "eraseMember", in, in.IdempotencyKey, func(tx *store.Tx) (string, error) { return nodeID(tx.EraseMember(k)) })
	if err != nil {
		return nil, err
	}
	p := &model.EraseMemberPayload{UserErrors: errs, ClientMutationID: in.ClientMutationID}
	if id != "" {
		p.ErasedMemberID = &id
	}
	return p, nil
}

func (r *Resolver) registerForEvent(ctx context.Context, in model.RegisterForEventInput) (*model.RegistrationPayload, error) {
	e, err := memberInputID(relay.TypeEvent, "event", in.Event)
	if err != nil {
		return nil, err
	}
	m, err := memberInputID(relay.TypeMember, "member", in.Member)
	if err != nil {
		return nil, err
	}
	return r.registrationWrite(ctx, "registerForEvent", in, in.IdempotencyKey, in.ClientMutationID, func(tx *store.Tx) (*models.Registration, error) {
		return tx.RegisterForEvent(e, m)
	})
}

func (r *Resolver) cancelRegistration(ctx context.Context, in model.CancelRegistrationInput) (*model.RegistrationPayload, error) {
	k, err := memberInputID(relay.TypeRegistration, "id", in.ID)
	if err != nil {
		return nil, err
	}
	return r.registrationWrite(ctx, "cancelRegistration", in, in.IdempotencyKey, in.ClientMutationID, func(tx *store.Tx) (*models.Registration, error) {
		return tx.CancelRegistration(k)
	})
}

func (r *Resolver) recordAttendance(ctx context.Context, in model.RecordAttendanceInput) (*model.RegistrationPayload, error) {
	k, err := memberInputID(relay.TypeRegistration, "id", in.ID)
	if err != nil {
		return nil, err
	}
	return r.registrationWrite(ctx, "recordAttendance", in, in.IdempotencyKey, in.ClientMutationID, func(tx *store.Tx) (*models.Registration, error) {
		return tx.RecordAttendance(k, in.Attended)
	})
}

// memberAreaNode answers node(id) for the types of this file, for the switch in node.
func memberAreaNode(ctx context.Context, typ string, id int64) (models.Node, error) {
	if typ == relay.TypeMember {
		return memberNode(ctx, id)
	}
	return registrationNode(ctx, id)
}

// memberAndOrganization decodes the IDs of a share or its withdrawal.
func memberAndOrganization(member, org string) (int64, int64, error) {
	m, err := memberInputID(relay.TypeMember, "member", member)
	if err != nil {
		return 0, 0, err
	}
	o, err := memberInputID(relay.TypeOrganization, "organization", org)
	return m, o, err
}

func (r *Resolver) shareMember(ctx context.Context, in model.ShareMemberInput) (*model.MemberPayload, error) {
	m, org, err := memberAndOrganization(in.Member, in.Organization)
	if err != nil {
		return nil, err
	}
	return r.memberWrite(ctx, "shareMember", in, in.IdempotencyKey, in.ClientMutationID, func(tx *store.Tx) (*models.Member, error) {
		return tx.ShareMember(m, org)
	})
}

func (r *Resolver) unshareMember(ctx context.Context, in model.UnshareMemberInput) (*model.MemberPayload, error) {
	m, org, err := memberAndOrganization(in.Member, in.Organization)
	if err != nil {
		return nil, err
	}
	return r.memberWrite(ctx, "unshareMember", in, in.IdempotencyKey, in.ClientMutationID, func(tx *store.Tx) (*models.Member, error) {
		return tx.UnshareMember(m, org)
	})
}

func (r *Resolver) updateMember(ctx context.Context, in model.UpdateMemberInput) (*model.MemberPayload, error) {
	k, err := memberInputID(relay.TypeMember, "member", in.Member)
	if err != nil {
		return nil, err
	}
	change := store.MemberChange{DisplayName: in.DisplayName, AgeBand: in.AgeBand, Country: opt(in.Country), Email: opt(in.Email), Phone: opt(in.Phone)}
	return r.memberWrite(ctx, "updateMember", in, in.IdempotencyKey, in.ClientMutationID, func(tx *store.Tx) (*models.Member, error) {
		return tx.UpdateMember(k, int32(in.ExpectedVersion), change)
	})
}
