package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"campaigns/internal/auth"
	"campaigns/internal/problem"
	"campaigns/internal/validate"
	"campaigns/models"
)

// A member belongs to the organization that recorded it (its owner). Only the owner decides
// where the member's data goes: it shares the member with another organization, and only an
// organization it shared the member with (a holder) may register or enrol it. A holder reads
// the member's name and contact details only while its role needs them (it organizes an event
// the member is registered for, or coordinates a network the member is in), and it never
// passes the member on: a network it coordinates with others, or an event it organizes, shows
// the member to no one the owner did not share it with.

// The reasons an organization may reach a member, as the access log records them. Anyone
// without one learns nothing of the member, not even that its ID exists.
const (
	// ReasonOwner is the organization that recorded the member.
	ReasonOwner = "recording-organization"
	// ReasonCoordinator is a holder of a share coordinating a network the member belongs to now.
	ReasonCoordinator = "network-coordinator"
	// ReasonOrganizer is a holder of a share organizing an event the member holds a live
	// registration for.
	ReasonOrganizer = "event-organizer"
	// ReasonHolder is a holder of a share with no such role yet: it may register or enrol the
	// member and sees its age band and country, but not its name or contact details.
	ReasonHolder = "share-holder"
)

// SeesPersonalData reports whether an organization reaching a member for reason may see its
// name, contact details and guardian's consent.
func SeesPersonalData(reason string) bool {
	return reason != "" && reason != ReasonHolder
}

// memberReasonsSQL gives, for each member ID of the array, why the organization may reach
// the member, or an empty text when it may not. The rule is in this one statement so that
// reads and writes cannot disagree about it. Arguments: org, org, org, org, IDs.
const memberReasonsSQL = `
SELECT m.id AS member_id,
	CASE
		WHEN m.organization_id = ? THEN '` + ReasonOwner + `'
		WHEN NOT EXISTS (SELECT 1 FROM member_shares s WHERE s.member_id = m.id AND s.organization_id = ?) THEN ''
		WHEN EXISTS (SELECT 1 FROM memberships ms
			JOIN network_coordinators nc ON nc.network_id = ms.network_id
			WHERE ms.member_id = m.id AND ms.left_at IS NULL AND nc.organization_id = ?) THEN '` + ReasonCoordinator + `'
		WHEN EXISTS (SELECT 1 FROM registrations r
			JOIN events e ON e.id = r.event_id
			WHERE r.member_id = m.id AND r.status <> 'CANCELLED' AND e.organizer_id = ?) THEN '` + ReasonOrganizer + `'
		ELSE '` + ReasonHolder + `'
	END AS reason
FROM members m WHERE m.id = ANY(?::bigint[])`

// memberReachSQL is the condition, on a members row m, that organization ? reaches it: the
// rows memberReasonsSQL gives a reason. Lists of members use it. Arguments: org, org.
const memberReachSQL = `(m.organization_id = ? OR EXISTS (SELECT 1 FROM member_shares s
	WHERE s.member_id = m.id AND s.organization_id = ?))`

func memberReasons(db *gorm.DB, orgID int64, memberIDs []int64) (map[int64]string, error) {
	var rows []struct {
		MemberID int64
		Reason   string
	}
	if err := db.Raw(memberReasonsSQL, orgID, orgID, orgID, orgID, idList(memberIDs)).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[r.MemberID] = r.Reason
	}
	return out, nil
}

// MemberAccess returns, for each member ID, why the organization orgID may reach the member
// ("" when it may not). Loaders call it once per level of a query.
func (s *Store) MemberAccess(ctx context.Context, orgID int64, memberIDs []int64) (map[int64]string, error) {
	personal(ctx)
	out, err := memberReasons(s.db.WithContext(ctx), orgID, memberIDs)
	if err != nil {
		return nil, fmt.Errorf("access of organization %d to %d members: %w", orgID, len(memberIDs), err)
	}
	return out, nil
}

// MemberRead is one read of a member's personal data, for the access log.
type MemberRead struct {
	MemberID int64
	Reason   string
}

// LogMemberReads records reads of members' personal data by caller in one statement. The
// reads are logged before the data is returned, so that a read that cannot be logged is a
// read that does not happen.
func (s *Store) LogMemberReads(ctx context.Context, caller auth.Caller, requestID string, reads []MemberRead) error {
	if len(reads) == 0 {
		return nil
	}
	if caller.Anonymous() {
		return fmt.Errorf("log member reads: %w", problem.Wrap(auth.ErrForbidden, "an anonymous caller reads no member's data"))
	}
	ids := make(idList, len(reads))
	reasons := make(models.StringList, len(reads))
	for i, r := range reads {
		ids[i], reasons[i] = r.MemberID, r.Reason
	}
	var reqID *string
	if requestID != "" {
		reqID = &requestID
	}
	err := s.db.WithContext(ctx).Exec(`INSERT INTO member_access_log (api_key_id, organization_id, member_id, reason, request_id)
		SELECT ?, ?, x.member_id, x.reason, ? FROM unnest(?::bigint[], ?::text[]) AS x(member_id, reason)`,
		caller.KeyID, caller.OrgID, reqID, ids, reasons).Error
	if err != nil {
		return fmt.Errorf("log %d member reads: %w", len(reads), translate(err))
	}
	return nil
}

// MemberReaders sums up, for each member, the reads of its personal data by organization,
// the latest reader first.
func (s *Store) MemberReaders(ctx context.Context, memberIDs []int64) (map[int64][]*models.MemberReader, error) {
	personal(ctx)
	var rows []*models.MemberReader
	err := s.db.WithContext(ctx).Raw(`SELECT member_id, organization_id, count(*) AS reads, max(at) AS last_read_at,
		array_agg(DISTINCT reason ORDER BY reason) AS reasons
		FROM member_access_log WHERE member_id = ANY(?::bigint[])
		GROUP BY member_id, organization_id ORDER BY member_id, last_read_at DESC, organization_id`, idList(memberIDs)).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("readers of %d members: %w", len(memberIDs), translate(err))
	}
	out := make(map[int64][]*models.MemberReader, len(memberIDs))
	for _, r := range rows {
		out[r.MemberID] = append(out[r.MemberID], r)
	}
	return out, nil
}

// memberReason is memberReasons for one member inside a write, for the caller's organization.
func (t *Tx) memberReason(memberID int64) (string, error) {
	if t.caller.Anonymous() {
		return "", nil
	}
	reasons, err := memberReasons(t.db, t.caller.OrgID, []int64{memberID})
	if err != nil {
		return "", fmt.Errorf("access to member %d: %w", memberID, err)
	}
	return reasons[memberID], nil
}

// noMember is the answer to a member ID the caller cannot reach, the same as to an ID that
// no member has, so that a refusal tells nothing of who exists.
func noMember(field string, p *validate.Problems) error {
	p.Add(field, validate.NotFound, "no member has that ID")
	return *p
}

// lockMember loads and locks a member the caller's organization reaches (memberReasonsSQL),
// with the reason; to anyone else the member does not exist, just like an unknown ID.
//
// The member is locked before the reason is read: a withdrawal of a share locks the member
// too, so a write that waited for one sees the share gone. An unknown ID runs the same two
// statements as a hidden member, so that neither answers sooner than the other.
func (t *Tx) lockMember(field string, id int64, p *validate.Problems) (*models.Member, string, error) {
	m, err := lockRow[models.Member](t, "members", id)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, "", err
	}
	reason, rerr := t.memberReason(id)
	if rerr != nil {
		return nil, "", rerr
	}
	if m == nil || reason == "" {
		return nil, "", noMember(field, p)
	}
	return m, reason, nil
}

// lockOwnMember is lockMember for a decision that is the owner's alone: sharing, consent,
// personal data, erasure. An editor or admin of the owner passes; a holder, which reaches the
// member, is refused FORBIDDEN; anyone else gets NOT_FOUND as for an unknown ID.
func (t *Tx) lockOwnMember(id int64, action string, p *validate.Problems) (*models.Member, error) {
	if err := auth.RequireRole(t.caller, auth.RoleEditor, action); err != nil {
		return nil, err
	}
	m, reason, err := t.lockMember("member", id, p)
	if err != nil {
		return nil, err
	}
	if reason != ReasonOwner {
		return nil, problem.Wrap(auth.ErrForbidden, "only the organization that recorded the member may %s; ask it to", action)
	}
	return m, nil
}

// personal moves the operation of ctx to the primary, for good, before it reads members'
// personal data or who may reach them (shares, consents, registrations, the access log).
// A replica may lag up to REPLICA_MAX_LAG: reading one there could show an erased member's
// name, or a member to an organization whose share was withdrawn a moment ago. Public
// records may lag that long; a young person's data may not.
func personal(ctx context.Context) { toPrimary(ctx) }
