package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"campaigns/internal/auth"
	"campaigns/internal/clock"
	"campaigns/internal/page"
	"campaigns/internal/problem"
	"campaigns/internal/relay"
	"campaigns/internal/validate"
	"campaigns/models"
)

// Registration states.
const (
	StatusConfirmed  = "CONFIRMED"
	StatusWaitlisted = "WAITLISTED"
	StatusCancelled  = "CANCELLED"
)

// The lists of members and registrations, for Order.Token.
const (
	ListRegistrations = "registrations"
	ListMembers       = "members"
)

// waitlistPosition is the place of a waiting registration r: 1 + the waiting registrations
// of its event with a smaller id. The index on (event_id, status, id) answers it.
const waitlistPosition = `CASE WHEN r.status = 'WAITLISTED' THEN (SELECT count(*) FROM registrations w
	WHERE w.event_id = r.event_id AND w.status = 'WAITLISTED' AND w.id <= r.id) END AS waitlist_pos`

// registrationList is an event's registrations: confirmed first, then the waitlist in
// order, then the cancelled ones.
var registrationList = listSpec{
	name: ListRegistrations,
	from: "registrations r",
	cols: "r.*, " + waitlistPosition,
	tie:  sortKey{expr: "r.id", cast: "bigint", kind: kindInt},
	orders: map[string]sortKey{
		"STATUS": {expr: "(CASE r.status WHEN 'CONFIRMED' THEN 0 WHEN 'WAITLISTED' THEN 1 ELSE 2 END)", cast: "integer", kind: kindInt},
	},
}

// RegistrationFilter narrows an event's registrations; with no statuses, the cancelled
// ones are left out.
type RegistrationFilter struct {
	Statuses []string
}

func (f RegistrationFilter) conds() []cond {
	if len(f.Statuses) == 0 {
		return []cond{{sql: "r.status <> 'CANCELLED'"}}
	}
	return []cond{{"r.status = ANY(?::text[])", []any{models.StringList(f.Statuses)}}}
}

// memberList is a network's current members, by when they joined.
var memberList = listSpec{
	name: ListMembers,
	from: "memberships ms JOIN members m ON m.id = ms.member_id",
	cols: "m.*",
	tie:  sortKey{expr: "ms.id", cast: "bigint", kind: kindInt},
	orders: map[string]sortKey{
		"JOINED_AT": {expr: "ms.joined_at", cast: "timestamptz", kind: kindTime},
	},
}

// MemberFilter narrows a network's members to those the viewing organization reaches
// (memberReachSQL): a coordinator lists only the members recorded by or shared with its
// organization, though its network may hold others.
type MemberFilter struct {
	Viewer int64
}

func (f MemberFilter) conds() []cond {
	return []cond{{sql: "ms.left_at IS NULL"}, {memberReachSQL, []any{f.Viewer, f.Viewer}}}
}

// RegistrationCount is how many registrations an event has of each kind.
type RegistrationCount struct {
	Confirmed, Waitlisted, Attended int
}

// registrationAudit is what the audit log keeps of a registration: IDs and states only.
type registrationAudit struct {
	ID       string `json:"id"`
	Event    string `json:"event"`
	Member   string `json:"member"`
	Status   string `json:"status"`
	Attended bool   `json:"attended"`
}

func auditRegistration(r *models.Registration) registrationAudit {
	return registrationAudit{
		ID: r.GlobalID(), Event: relay.EncodeInt(relay.TypeEvent, r.EventID), Member: relay.EncodeInt(relay.TypeMember, r.MemberID),
		Status: r.Status, Attended: r.Attended,
	}
}

// requireEventOrganizer refuses a caller that is not an editor or admin of the event's organizer.
func (t *Tx) requireEventOrganizer(e *models.Event, action string) error {
	if err := auth.RequireRole(t.caller, auth.RoleEditor, action); err != nil {
		return err
	}
	if e.OrganizerID != t.caller.OrgID {
		return problem.Wrap(auth.ErrForbidden, "only the event's organizer may %s", action)
	}
	return nil
}

// lockRegistrationEvent loads and locks an event, answering an unknown one, and one the
// caller may not read, as a user error.
func (t *Tx) lockRegistrationEvent(id int64, p *validate.Problems) (*models.Event, error) {
	e, err := lockReadable[models.Event](t, eventRead, id, forUpdate)
	if errors.Is(err, ErrNotFound) {
		p.Add("event", validate.NotFound, "no event has that ID")
		return nil, *p
	}
	return e, err
}

// registrationWindow adds a problem for an event that does not take registrations now.
// Registration closes when the event begins: at an exact start, or, for an event known only
// to the day or month, once that period is over in the event's zone, whatever the window says.
func registrationWindow(e *models.Event, now time.Time, p *validate.Problems) {
	if !e.RegistrationEnabled {
		p.Add("event", validate.RegistrationShut, "the event does not take registrations")
		return
	}
	if e.Status != "SCHEDULED" {
		p.Add("event", validate.InvalidState, "only a scheduled event takes registrations; this one is %s", e.Status)
	}
	switch {
	case !e.StartLatest.IsZero() && now.After(e.StartLatest):
		p.Add("event", validate.RegistrationShut, "registration has closed: the event has begun (%s)", e.DateLabel())
	case e.RegistrationOpensAt != nil && now.Before(*e.RegistrationOpensAt):
		p.Add("event", validate.RegistrationShut, "registration has not opened yet")
	case e.RegistrationClosesAt != nil && !now.Before(*e.RegistrationClosesAt):
		p.Add("event", validate.RegistrationShut, "registration has closed")
	}
}

// RegisterForEvent registers a member for an event, by the event's organizer: a confirmed
// seat while there is one, the waitlist after it if the event keeps one. The event's row
// stays locked until the transaction ends, so registrations for one event are counted one
// at a time and exactly capacity of them are ever confirmed, however many arrive at once.
func (t *Tx) RegisterForEvent(eventID, memberID int64) (*models.Registration, error) {
	if err := auth.RequireRole(t.caller, auth.RoleEditor, "register members for events"); err != nil {
		return nil, err
	}
	var p validate.Problems
	e, err := t.lockRegistrationEvent(eventID, &p)
	if err != nil {
		return nil, err
	}
	if err := t.requireEventOrganizer(e, "register members for the event"); err != nil {
		return nil, err
	}
	m, err := t.memberForPlace(memberID, &p)
	if err != nil {
		return nil, err
	}
	now := clock.Now(t.ctx)
	registrationWindow(e, now, &p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	var counts struct {
		Live      bool
		Confirmed int
	}
	err = t.db.Raw(`SELECT
		EXISTS (SELECT 1 FROM registrations WHERE event_id = ? AND member_id = ? AND status <> 'CANCELLED') AS live,
		(SELECT count(*) FROM registrations WHERE event_id = ? AND status = 'CONFIRMED') AS confirmed`,
		e.ID, m.ID, e.ID).Scan(&counts).Error
	if err != nil {
		return nil, fmt.Errorf("registrations of event %d: %w", e.ID, translate(err))
	}
	if counts.Live {
		p.Add("member", validate.AlreadyRegistered, "the member is already registered for the event")
		return nil, p
	}
	r := &models.Registration{EventID: e.ID, MemberID: m.ID, CreatedAt: now, UpdatedAt: now}
	switch {
	case e.Capacity == nil || counts.Confirmed < int(*e.Capacity):
		r.Status = StatusConfirmed
	case e.WaitlistEnabled:
		r.Status = StatusWaitlisted
	default:
		p.Add("event", validate.EventFull, "the event is full and keeps no waitlist")
		return nil, p
	}
	if err := t.db.Create(r).Error; err != nil {
		if uniqueViolation(err) {
			p.Add("member", validate.AlreadyRegistered, "the member is already registered for the event")
			return nil, p
		}
		return nil, fmt.Errorf("insert registration: %w", translate(err))
	}
	if err := t.Audit("registerForEvent", relay.TypeRegistration, r.GlobalID(), nil, auditRegistration(r)); err != nil {
		return nil, err
	}
	return r, nil
}

// registrationForChange loads a registration and locks its event and then itself, in the
// order RegisterForEvent locks, so that a cancellation and a registration for one event
// take turns.
func (t *Tx) registrationForChange(id int64, action string, p *validate.Problems) (*models.Registration, *models.Event, error) {
	if err := auth.RequireRole(t.caller, auth.RoleEditor, action); err != nil {
		return nil, nil, err
	}
	// A registration the caller may not read is answered as one that does not exist.
	var eventID int64
	c := t.readCond(registrationRead)
	err := t.db.Raw(`SELECT r.event_id FROM registrations r WHERE r.id = ? AND (`+c.sql+`)`, append([]any{id}, c.args...)...).Scan(&eventID).Error
	if err != nil {
		return nil, nil, fmt.Errorf("registration %d: %w", id, translate(err))
	}
	if eventID == 0 {
		p.Add("id", validate.NotFound, "no registration has that ID")
		return nil, nil, *p
	}
	e, err := lockRow[models.Event](t, "events", eventID)
	if err != nil {
		return nil, nil, err
	}
	if err := t.requireEventOrganizer(e, action); err != nil {
		return nil, nil, err
	}
	r, err := lockRow[models.Registration](t, "registrations", id)
	if err != nil {
		return nil, nil, err
	}
	return r, e, nil
}

// CancelRegistration cancels a registration, by the event's organizer. A freed seat goes
// to the first on the waitlist in the same transaction.
func (t *Tx) CancelRegistration(id int64) (*models.Registration, error) {
	var p validate.Problems
	r, e, err := t.registrationForChange(id, "cancel the event's registrations", &p)
	if err != nil {
		return nil, err
	}
	if r.Status == StatusCancelled {
		p.Add("id", validate.InvalidState, "the registration is already cancelled")
		return nil, p
	}
	before := auditRegistration(r)
	wasConfirmed := r.Status == StatusConfirmed
	r.Status, r.UpdatedAt = StatusCancelled, time.Now()
	if err := t.db.Exec(`UPDATE registrations SET status = 'CANCELLED', updated_at = ? WHERE id = ?`, r.UpdatedAt, r.ID).Error; err != nil {
		return nil, fmt.Errorf("cancel registration %d: %w", r.ID, translate(err))
	}
	if err := t.Audit("cancelRegistration", relay.TypeRegistration, r.GlobalID(), before, auditRegistration(r)); err != nil {
		return nil, err
	}
	if wasConfirmed {
		if err := t.fillFreedSeats(e); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// fillFreedSeats confirms the first on the waitlist while the event has free seats.
func (t *Tx) fillFreedSeats(e *models.Event) error {
	var confirmed int
	err := t.db.Raw(`SELECT count(*) FROM registrations WHERE event_id = ? AND status = 'CONFIRMED'`, e.ID).Scan(&confirmed).Error
	if err != nil {
		return fmt.Errorf("confirmed registrations of event %d: %w", e.ID, translate(err))
	}
	var free *int
	if e.Capacity != nil {
		n := max(int(*e.Capacity)-confirmed, 0)
		free = &n
	}
	var promoted []*models.Registration
	err = t.db.Raw(`UPDATE registrations SET status = 'CONFIRMED', updated_at = now()
		WHERE id IN (SELECT id FROM registrations WHERE event_id = ? AND status = 'WAITLISTED' ORDER BY id LIMIT ?)
		RETURNING *`, e.ID, free).Scan(&promoted).Error
	if err != nil {
		return fmt.Errorf("promote the waitlist of event %d: %w", e.ID, translate(err))
	}
	for _, r := range promoted {
		before := auditRegistration(r)
		before.Status = StatusWaitlisted
		if err := t.Audit("promoteRegistration", relay.TypeRegistration, r.GlobalID(), before, auditRegistration(r)); err != nil {
			return err
		}
	}
	return nil
}

// RecordAttendance records whether the member of a confirmed registration attended.
func (t *Tx) RecordAttendance(id int64, attended bool) (*models.Registration, error) {
	var p validate.Problems
	r, _, err := t.registrationForChange(id, "record attendance at the event", &p)
	if err != nil {
		return nil, err
	}
	if r.Status != StatusConfirmed {
		p.Add("id", validate.InvalidState, "attendance is recorded for confirmed registrations only; this one is %s", r.Status)
		return nil, p
	}
	before := auditRegistration(r)
	r.Attended, r.UpdatedAt = attended, time.Now()
	if err := t.db.Exec(`UPDATE registrations SET attended = ?, updated_at = ? WHERE id = ?`, attended, r.UpdatedAt, r.ID).Error; err != nil {
		return nil, fmt.Errorf("record attendance of registration %d: %w", r.ID, translate(err))
	}
	return r, t.Audit("recordAttendance", relay.TypeRegistration, r.GlobalID(), before, auditRegistration(r))
}

// RegistrationsByID returns the registrations with the given IDs, with their places on
// the waitlist.
func (s *Store) RegistrationsByID(ctx context.Context, ids []int64) (map[int64]*models.Registration, error) {
	personal(ctx)
	var rows []*models.Registration
	err := s.db.WithContext(ctx).Raw(`SELECT r.*, `+waitlistPosition+` FROM registrations r WHERE r.id = ANY(?::bigint[])`, idList(ids)).
		Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("registrations by id: %w", translate(err))
	}
	out := make(map[int64]*models.Registration, len(rows))
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}

// RegistrationCounts counts the registrations of each event by kind, in one statement.
// Attendance counts confirmed registrations marked attended.
func (s *Store) RegistrationCounts(ctx context.Context, eventIDs []int64) (map[int64]RegistrationCount, error) {
	var rows []struct {
		EventID                         int64
		Confirmed, Waitlisted, Attended int
	}
	err := s.db.WithContext(ctx).Raw(`SELECT e.id AS event_id,
		count(r.id) FILTER (WHERE r.status = 'CONFIRMED') AS confirmed,
		count(r.id) FILTER (WHERE r.status = 'WAITLISTED') AS waitlisted,
		count(r.id) FILTER (WHERE r.status = 'CONFIRMED' AND r.attended) AS attended
		FROM unnest(?::bigint[]) AS e(id) LEFT JOIN registrations r ON r.event_id = e.id
		GROUP BY e.id`, idList(eventIDs)).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("registration counts of %d events: %w", len(eventIDs), translate(err))
	}
	out := make(map[int64]RegistrationCount, len(rows))
	for _, r := range rows {
		out[r.EventID] = RegistrationCount{Confirmed: r.Confirmed, Waitlisted: r.Waitlisted, Attended: r.Attended}
	}
	return out, nil
}

// RegistrationPages returns, in one statement, a page of registrations for each event key.
func (s *Store) RegistrationPages(ctx context.Context, by Parent, keys []string, f RegistrationFilter, o Order, req page.Request) (map[string]page.Page[*models.Registration], error) {
	personal(ctx)
	out, err := listPages[models.Registration](ctx, s.db, registrationList, by, keys, f.conds(), o, req)
	if err != nil {
		return nil, fmt.Errorf("registration pages of %d events: %w", len(keys), err)
	}
	return out, nil
}

// CountRegistrationPages counts, in one statement, the registrations of each event key.
func (s *Store) CountRegistrationPages(ctx context.Context, by Parent, keys []string, f RegistrationFilter) (map[string]int, error) {
	personal(ctx)
	out, err := listCounts(ctx, s.db, registrationList, by, keys, f.conds(), 0)
	if err != nil {
		return nil, fmt.Errorf("count registration pages of %d events: %w", len(keys), err)
	}
	return out, nil
}

// MemberPages returns, in one statement, a page of the current members the filter's viewer
// reaches for each network key.
func (s *Store) MemberPages(ctx context.Context, by Parent, keys []string, f MemberFilter, o Order, req page.Request) (map[string]page.Page[*models.Member], error) {
	personal(ctx)
	out, err := listPages[models.Member](ctx, s.db, memberList, by, keys, f.conds(), o, req)
	if err != nil {
		return nil, fmt.Errorf("member pages of %d networks: %w", len(keys), err)
	}
	return out, nil
}

// CountMemberPages counts, in one statement, the current members the filter's viewer
// reaches of each network key.
func (s *Store) CountMemberPages(ctx context.Context, by Parent, keys []string, f MemberFilter) (map[string]int, error) {
	personal(ctx)
	out, err := listCounts(ctx, s.db, memberList, by, keys, f.conds(), 0)
	if err != nil {
		return nil, fmt.Errorf("count member pages of %d networks: %w", len(keys), err)
	}
	return out, nil
}
