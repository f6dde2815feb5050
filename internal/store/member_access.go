package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"campaigns/internal/auth"
	"campaigns/models"
)

// The reasons an organization may read a member's name and contact details, as the access
// log records them. Anyone without one sees counts only.
const (
	// ReasonCoordinator is an organization coordinating a network the member belongs to now.
	ReasonCoordinator = "network-coordinator"
	// ReasonOrganizer is the organizer of an event the member holds a live registration for.
	ReasonOrganizer = "event-organizer"
)

// memberReasonsSQL gives, for each member ID of the array, why the organization may see the
// member's personal data, or an empty text when it may not. The rule is in this one
// statement so that reads and writes cannot disagree about it. Arguments: org, org, IDs.
const memberReasonsSQL = `
SELECT m.id AS member_id,
	CASE
		WHEN EXISTS (SELECT 1 FROM memberships ms
			JOIN network_coordinators nc ON nc.network_id = ms.network_id
			WHERE ms.member_id = m.id AND ms.left_at IS NULL AND nc.organization_id = ?) THEN '` + ReasonCoordinator + `'
		WHEN EXISTS (SELECT 1 FROM registrations r
			JOIN events e ON e.id = r.event_id
			WHERE r.member_id = m.id AND r.status <> 'CANCELLED' AND e.organizer_id = ?) THEN '` + ReasonOrganizer + `'
		ELSE ''
	END AS reason
FROM unnest(?::bigint[]) AS m(id)`

func memberReasons(db *gorm.DB, orgID int64, memberIDs []int64) (map[int64]string, error) {
	var rows []struct {
		MemberID int64
		Reason   string
	}
	if err := db.Raw(memberReasonsSQL, orgID, orgID, idList(memberIDs)).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[r.MemberID] = r.Reason
	}
	return out, nil
}

// MemberAccess returns, for each member ID, why the organization orgID may see the member's
// name and contact details ("" when it may not). Loaders call it once per level of a query.
func (s *Store) MemberAccess(ctx context.Context, orgID int64, memberIDs []int64) (map[int64]string, error) {
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
		return fmt.Errorf("log member reads: %w: an anonymous caller reads no member's data", auth.ErrForbidden)
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

// requireMemberCustodian lets through an editor or admin of the organization that recorded
// the member, or of one that may see the member's personal data: those are the ones who
// answer for the member, record a guardian's consent and carry out an erasure.
func (t *Tx) requireMemberCustodian(m *models.Member, action string) error {
	if err := auth.RequireRole(t.caller, auth.RoleEditor, action); err != nil {
		return err
	}
	if m.OrganizationID == t.caller.OrgID {
		return nil
	}
	reason, err := t.memberReason(m.ID)
	if err != nil {
		return err
	}
	if reason == "" {
		return fmt.Errorf("%w: only the organization that recorded the member, the coordinators of its networks or the organizers of its events may %s", auth.ErrForbidden, action)
	}
	return nil
}
