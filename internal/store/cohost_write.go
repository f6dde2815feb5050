package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"campaigns/internal/auth"
	"campaigns/internal/problem"
	"campaigns/internal/relay"
	"campaigns/internal/validate"
	"campaigns/models"
)

// An organization named as an event's co-host puts its name on the event and, with it, may
// read the event and perhaps edit it; so it becomes a co-host only when it says yes. Naming
// one is an invitation (cohost_invitations, migration 00010) that nothing reading the event
// sees; accepting moves it into event_cohosts, the table every read of co-hosts uses.

// maxCoHosts bounds an event's co-hosts and pending invitations together, so that one
// request cannot write without limit.
const maxCoHosts = 20

// maxInvitationList bounds a list of invitations.
const maxInvitationList = 100

// invitedRead is the events an organization has a pending invitation to co-host: it may
// answer that invitation, though it may not read the event through eventRead.
var invitedRead = readRule{table: "events", alias: "e", public: "FALSE",
	rule: `EXISTS (SELECT 1 FROM cohost_invitations vi WHERE vi.event_id = e.id AND vi.organization_id = @org AND vi.status = 'PENDING')`}

// checkCoHosts checks organizations named as co-hosts of an event organized by organizer:
// each must exist, differ from the organizer and from those already hosting or invited
// (taken), and be named once. It returns them without repeats. A problem's field is field,
// or field.i for the i-th of a list when indexed.
func (t *Tx) checkCoHosts(field string, indexed bool, ids []int64, organizer int64, taken map[int64]bool, p *validate.Problems) ([]int64, error) {
	if len(ids)+len(taken) > maxCoHosts {
		p.Add(field, validate.Length, "an event has at most %d co-hosts and pending invitations together", maxCoHosts)
		return nil, nil
	}
	var found []int64
	if len(ids) > 0 {
		c := t.readCond(organizationRead)
		err := t.db.Raw(`SELECT o.id FROM organizations o WHERE o.id = ANY(?::bigint[]) AND (`+c.sql+`)`, append([]any{idList(ids)}, c.args...)...).Scan(&found).Error
		if err != nil {
			return nil, fmt.Errorf("co-hosts %v: %w", ids, translate(err))
		}
	}
	exists := map[int64]bool{}
	for _, id := range found {
		exists[id] = true
	}
	var out []int64
	seen := map[int64]bool{}
	for i, id := range ids {
		at := field
		if indexed {
			at = fmt.Sprintf("%s.%d", field, i)
		}
		switch {
		case !exists[id]:
			p.Add(at, validate.NotFound, "no organization has that ID")
		case id == organizer:
			p.Add(at, validate.Invalid, "the organizer cannot also be a co-host")
		case taken[id]:
			p.Add(at, validate.Taken, "the organization already co-hosts the event or has been invited to")
		case !seen[id]:
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}

// hostsAndInvited returns the organizations that co-host the event or have a pending
// invitation to.
func (t *Tx) hostsAndInvited(eventID int64) (map[int64]bool, error) {
	var ids []int64
	err := t.db.Raw(`SELECT organization_id FROM event_cohosts WHERE event_id = ?
		UNION SELECT organization_id FROM cohost_invitations WHERE event_id = ? AND status = 'PENDING'`, eventID, eventID).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("co-hosts of event %d: %w", eventID, translate(err))
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// invite records pending invitations to co-host an event, reopening any earlier one that
// was declined or withdrawn, and audits each.
func (t *Tx) invite(e *models.Event, orgs []int64, canEdit bool) error {
	for _, org := range orgs {
		var before any // no state, rather than a JSON null, for a first invitation
		var prior models.CoHostInvitation
		err := t.db.Where("event_id = ? AND organization_id = ?", e.ID, org).Take(&prior).Error
		switch err = translate(err); {
		case err == nil:
			before = prior
		case !errors.Is(err, ErrNotFound):
			return fmt.Errorf("invitation of %d to event %d: %w", org, e.ID, err)
		}
		inv := &models.CoHostInvitation{EventID: e.ID, OrganizationID: org, CanEdit: canEdit, Status: models.InvitationPending,
			InvitedBy: t.caller.OrgID, InvitedAt: time.Now()}
		err = t.db.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "event_id"}, {Name: "organization_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"can_edit", "status", "invited_by", "invited_at", "answered_at"}),
		}).Create(inv).Error
		if err != nil {
			return fmt.Errorf("invite %d to co-host event %d: %w", org, e.ID, translate(err))
		}
		if err := t.Audit("inviteCoHost", relay.TypeEvent, e.GlobalID(), before, inv); err != nil {
			return err
		}
	}
	return nil
}

// organizedEvent locks an event for a change of its co-hosts, which is its organizer's to
// make: one the caller may not read is answered as one that does not exist.
func (t *Tx) organizedEvent(id int64, action string) (*models.Event, error) {
	if err := auth.RequireRole(t.caller, auth.RoleEditor, action); err != nil {
		return nil, err
	}
	e, err := lockReadable[models.Event](t, eventRead, id, forUpdate)
	if err != nil {
		return nil, err
	}
	if e.OrganizerID != t.caller.OrgID {
		return nil, problem.Wrap(auth.ErrForbidden, "your organization can read this event but only its organizer may %s", action)
	}
	return e, nil
}

// InviteCoHost invites an organization to host an event with its organizer, which alone
// invites; canEdit lets the co-host edit the event once it accepts.
func (t *Tx) InviteCoHost(eventID, orgID int64, canEdit bool) (*models.Event, error) {
	e, err := t.organizedEvent(eventID, "invite co-hosts")
	if err != nil {
		return nil, err
	}
	taken, err := t.hostsAndInvited(e.ID)
	if err != nil {
		return nil, err
	}
	var p validate.Problems
	orgs, err := t.checkCoHosts("organization", false, []int64{orgID}, e.OrganizerID, taken, &p)
	if err != nil {
		return nil, err
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return e, t.invite(e, orgs, canEdit)
}

// WithdrawCoHostInvitation withdraws an organization's pending invitation to co-host an
// event; the organizer alone withdraws.
func (t *Tx) WithdrawCoHostInvitation(eventID, orgID int64) (*models.Event, error) {
	e, err := t.organizedEvent(eventID, "withdraw invitations to co-host")
	if err != nil {
		return nil, err
	}
	inv, err := t.pendingInvitation(e.ID, orgID)
	if errors.Is(err, ErrNotFound) {
		var p validate.Problems
		p.Add("organization", validate.NotFound, "the organization has no pending invitation to co-host this event")
		return nil, p
	}
	if err != nil {
		return nil, err
	}
	return e, t.answer(e, inv, models.InvitationWithdrawn, "withdrawCoHostInvitation")
}

// AnswerCoHost accepts or declines the caller's organization's pending invitation to co-host
// an event. An event without one, whether it does not exist, is hidden from the caller or
// simply did not invite it, is answered alike: there is no invitation to answer.
func (t *Tx) AnswerCoHost(eventID int64, accept bool) (*models.Event, error) {
	action, verb := "declineCoHost", "decline invitations to co-host events"
	if accept {
		action, verb = "acceptCoHost", "accept invitations to co-host events"
	}
	if err := auth.RequireRole(t.caller, auth.RoleEditor, verb); err != nil {
		return nil, err
	}
	// The event is locked before the invitation, in the order the organizer's writes lock
	// them, so that an answer and a withdrawal take turns.
	e, err := lockReadable[models.Event](t, invitedRead, eventID, forUpdate)
	if err != nil {
		return nil, err
	}
	inv, err := t.pendingInvitation(e.ID, t.caller.OrgID)
	if err != nil {
		return nil, err
	}
	status := models.InvitationDeclined
	if accept {
		status = models.InvitationAccepted
		err := t.db.Exec(`INSERT INTO event_cohosts (event_id, organization_id, can_edit) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			e.ID, inv.OrganizationID, inv.CanEdit).Error
		if err != nil {
			return nil, fmt.Errorf("co-host %d of event %d: %w", inv.OrganizationID, e.ID, translate(err))
		}
	}
	return e, t.answer(e, inv, status, action)
}

// pendingInvitation locks and returns an organization's pending invitation to an event.
func (t *Tx) pendingInvitation(eventID, orgID int64) (*models.CoHostInvitation, error) {
	var inv models.CoHostInvitation
	err := t.db.Clauses(clause.Locking{Strength: forUpdate}).
		Where("event_id = ? AND organization_id = ? AND status = ?", eventID, orgID, models.InvitationPending).Take(&inv).Error
	if err != nil {
		return nil, fmt.Errorf("invitation of %d to co-host event %d: %w", orgID, eventID, translate(err))
	}
	return &inv, nil
}

// answer closes a pending invitation with status and audits it.
func (t *Tx) answer(e *models.Event, inv *models.CoHostInvitation, status, action string) error {
	before := *inv
	now := time.Now()
	inv.Status, inv.AnsweredAt = status, &now
	err := t.db.Exec(`UPDATE cohost_invitations SET status = ?, answered_at = ? WHERE event_id = ? AND organization_id = ?`,
		status, now, inv.EventID, inv.OrganizationID).Error
	if err != nil {
		return fmt.Errorf("%s of %d for event %d: %w", action, inv.OrganizationID, e.ID, translate(err))
	}
	return t.Audit(action, relay.TypeEvent, e.GlobalID(), before, inv)
}

// CoHostInvitation returns an organization's invitation to co-host an event, whatever its state.
func (s *Store) CoHostInvitation(ctx context.Context, eventID, orgID int64) (*models.CoHostInvitation, error) {
	var inv models.CoHostInvitation
	err := s.db.WithContext(ctx).Where("event_id = ? AND organization_id = ?", eventID, orgID).Take(&inv).Error
	if err != nil {
		return nil, fmt.Errorf("invitation of %d to co-host event %d: %w", orgID, eventID, translate(err))
	}
	return &inv, nil
}

// PendingCoHostInvitations returns the newest pending invitations of an organization to
// co-host events, at most maxInvitationList.
func (s *Store) PendingCoHostInvitations(ctx context.Context, orgID int64) ([]*models.CoHostInvitation, error) {
	var out []*models.CoHostInvitation
	err := s.db.WithContext(ctx).Where("organization_id = ? AND status = ?", orgID, models.InvitationPending).
		Order("invited_at DESC, event_id DESC").Limit(maxInvitationList).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("pending co-host invitations of %d: %w", orgID, translate(err))
	}
	return out, nil
}

// SentCoHostInvitations returns the newest invitations to co-host the events an organization
// organizes, in any state, at most maxInvitationList.
func (s *Store) SentCoHostInvitations(ctx context.Context, orgID int64) ([]*models.CoHostInvitation, error) {
	var out []*models.CoHostInvitation
	err := s.db.WithContext(ctx).Table("cohost_invitations i").Select("i.*").
		Joins("JOIN events e ON e.id = i.event_id").Where("e.organizer_id = ?", orgID).
		Order("i.invited_at DESC, i.event_id DESC, i.organization_id").Limit(maxInvitationList).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("co-host invitations sent by %d: %w", orgID, translate(err))
	}
	return out, nil
}
