package store

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm/clause"

	"campaigns/internal/auth"
	"campaigns/internal/problem"
	"campaigns/internal/relay"
	"campaigns/internal/validate"
	"campaigns/models"
)

// Members are young people, many of them minors. Nothing in this file puts a member's name,
// contact details or a guardian's name into an error, a log line or the audit log: messages
// name the field, never the value, and the audit log keeps memberAudit instead of the row.

// MemberInput is a new member.
type MemberInput struct {
	DisplayName string
	AgeBand     string
	Country     *string
	Email       *string
	Phone       *string
}

// ConsentInput is a guardian's consent for a minor.
type ConsentInput struct {
	GuardianName string
	Relationship string
	Method       string
	GivenAt      time.Time
}

// memberAudit is what the audit log keeps of a member: no name, no contact details, so that
// an erasure leaves nothing behind in the log.
type memberAudit struct {
	ID      string  `json:"id"`
	AgeBand string  `json:"ageBand"`
	Country *string `json:"country"`
	Erased  bool    `json:"erased"`
	Version int32   `json:"version"`
}

func auditMember(m *models.Member) memberAudit {
	return memberAudit{ID: m.GlobalID(), AgeBand: m.AgeBand, Country: m.CountryCode, Erased: m.Erased(), Version: m.Version}
}

// consentAudit is what the audit log keeps of a consent: how and when, never the guardian's name.
type consentAudit struct {
	Member       string    `json:"member"`
	Relationship string    `json:"relationship"`
	Method       string    `json:"method"`
	GivenAt      time.Time `json:"givenAt"`
}

// membershipAudit is what the audit log keeps of a membership.
type membershipAudit struct {
	Member   string     `json:"member"`
	Network  string     `json:"network"`
	JoinedAt time.Time  `json:"joinedAt"`
	LeftAt   *time.Time `json:"leftAt"`
}

func auditMembership(ms *models.Membership) membershipAudit {
	return membershipAudit{
		Member: relay.EncodeInt(relay.TypeMember, ms.MemberID), Network: relay.EncodeInt(relay.TypeYouthNetwork, ms.NetworkID),
		JoinedAt: ms.JoinedAt, LeftAt: ms.LeftAt,
	}
}

var memberAgeBands = map[string]bool{"UNDER_13": true, "AGE_13_15": true, "AGE_16_17": true, "AGE_18_24": true, "AGE_25_PLUS": true}

// memberPhonePattern is digits, spaces and plus signs: enough to reach someone, nothing more.
var memberPhonePattern = regexp.MustCompile(`^[0-9+ ]+$`)

// validMemberEmail reports whether s is a bare address such as name@example.org.
func validMemberEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && !strings.ContainsAny(s, " \t\r\n")
}

// givenContact trims an optional text and treats an empty one as not given, so that no empty
// contact detail is stored.
func givenContact(s *string) *string {
	if s == nil {
		return nil
	}
	v := strings.TrimSpace(*s)
	if v == "" {
		return nil
	}
	return &v
}

// memberCountry resolves a country code, name or alias; unlike a filter's lookup, its
// message does not repeat what was sent, since a member's form may carry personal data.
func (t *Tx) memberCountry(name *string, p *validate.Problems) *string {
	if name == nil {
		return nil
	}
	code := t.countryCode(*name)
	if code == "" {
		p.Add("country", validate.UnknownCountry, "country is not a known country; use an ISO 3166-1 alpha-2 code such as MM")
		return nil
	}
	return &code
}

// MemberChange corrects a member's data: only the fields set change; a contact detail or
// the country set to nil is removed.
type MemberChange struct {
	DisplayName, AgeBand *string
	Country, Email       Opt[string]
	Phone                Opt[string]
}

// checkMemberName trims and checks a member's name.
func checkMemberName(name string, p *validate.Problems) string {
	name = strings.TrimSpace(name)
	p.Text("displayName", name, 1, 100)
	return name
}

// checkAgeBand checks an age band.
func checkAgeBand(band string, p *validate.Problems) {
	if !memberAgeBands[band] {
		p.Add("ageBand", validate.Invalid, "ageBand must be one of UNDER_13, AGE_13_15, AGE_16_17, AGE_18_24, AGE_25_PLUS")
	}
}

// checkContact trims and checks a member's email and phone, either of which may be nil.
func checkContact(email, phone *string, p *validate.Problems) (*string, *string) {
	email, phone = givenContact(email), givenContact(phone)
	if email != nil {
		switch {
		case len(*email) > 254:
			p.Add("email", validate.Length, "email must be at most 254 characters long")
		case !validMemberEmail(*email):
			p.Add("email", validate.Invalid, "email must be an address such as name@example.org")
		}
	}
	if phone != nil {
		switch {
		case len(*phone) > 32:
			p.Add("phone", validate.Length, "phone must be at most 32 characters long")
		case !memberPhonePattern.MatchString(*phone) || !strings.ContainsAny(*phone, "0123456789"):
			p.Add("phone", validate.Invalid, "phone must be digits, spaces and +, such as +95 1 234 567")
		}
	}
	return email, phone
}

// CreateMember records a member for the caller's organization, which owns it from then on:
// it alone decides with whom the member is shared, corrects its data and erases it. Editors
// and admins of any partner may record one.
func (t *Tx) CreateMember(in MemberInput) (*models.Member, error) {
	if err := auth.RequireRole(t.caller, auth.RoleEditor, "record a member"); err != nil {
		return nil, err
	}
	var p validate.Problems
	name := checkMemberName(in.DisplayName, &p)
	checkAgeBand(in.AgeBand, &p)
	email, phone := checkContact(in.Email, in.Phone, &p)
	country := t.memberCountry(in.Country, &p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	now := time.Now()
	m := &models.Member{
		DisplayName: &name, AgeBand: in.AgeBand, CountryCode: country, Email: email, Phone: phone,
		OrganizationID: t.caller.OrgID, Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	if err := t.insert(m); err != nil {
		return nil, err
	}
	return m, t.Audit("createMember", relay.TypeMember, m.GlobalID(), nil, auditMember(m))
}

// UpdateMember corrects a member's data at the expected version, by the organization that
// recorded it alone. An erased member has nothing left to correct.
func (t *Tx) UpdateMember(memberID int64, expectedVersion int32, in MemberChange) (*models.Member, error) {
	var p validate.Problems
	m, err := t.lockOwnMember(memberID, "change the member's data", &p)
	if err != nil {
		return nil, err
	}
	if err := checkVersion("member", m.Version, expectedVersion); err != nil {
		return nil, err
	}
	if m.Erased() {
		p.Add("member", validate.InvalidState, "the member's data has been erased")
		return nil, p
	}
	before := auditMember(m)
	if in.DisplayName != nil {
		name := checkMemberName(*in.DisplayName, &p)
		m.DisplayName = &name
	}
	if in.AgeBand != nil {
		checkAgeBand(*in.AgeBand, &p)
		m.AgeBand = *in.AgeBand
	}
	if in.Country.Set {
		m.CountryCode = t.memberCountry(in.Country.Value, &p)
	}
	email, phone := checkContact(in.Email.Value, in.Phone.Value, &p)
	if in.Email.Set {
		m.Email = email
	}
	if in.Phone.Set {
		m.Phone = phone
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	m.Version++
	m.UpdatedAt = time.Now()
	err = t.db.Exec(`UPDATE members SET display_name = ?, age_band = ?, country_code = ?, email = ?, phone = ?, version = ?, updated_at = ? WHERE id = ?`,
		m.DisplayName, m.AgeBand, m.CountryCode, m.Email, m.Phone, m.Version, m.UpdatedAt, m.ID).Error
	if err != nil {
		return nil, fmt.Errorf("update member %d: %w", m.ID, translate(err))
	}
	return m, t.Audit("updateMember", relay.TypeMember, m.GlobalID(), before, auditMember(m))
}

// ShareMember lets another organization register or enrol a member, by the member's owner
// alone (lockOwnMember): a holder never passes a member on. Sharing shows nothing personal by
// itself; the holder sees the member's name only while it organizes an event the member is
// registered for or coordinates a network the member is in. The member's version goes up,
// so that the change reaches the holder's sync.
func (t *Tx) ShareMember(memberID, orgID int64) (*models.Member, error) {
	var p validate.Problems
	m, err := t.lockOwnMember(memberID, "share the member", &p)
	if err != nil {
		return nil, err
	}
	if err := t.shareTarget(orgID, &p); err != nil {
		return nil, err
	}
	share := &models.MemberShare{MemberID: m.ID, OrganizationID: orgID, SharedBy: &t.caller.KeyID, SharedAt: time.Now()}
	res := t.db.Clauses(clause.OnConflict{DoNothing: true}).Create(share)
	if res.Error != nil {
		return nil, fmt.Errorf("share member %d: %w", m.ID, translate(res.Error))
	}
	if res.RowsAffected == 0 {
		return m, nil // shared already: a retry changes nothing
	}
	before := auditMember(m)
	if err := t.bumpMember(m, share.SharedAt); err != nil {
		return nil, err
	}
	return m, t.Audit("shareMember", relay.TypeMember, m.GlobalID(), before, shareAudit{auditMember(m), auditShare(share)})
}

// UnshareMember withdraws a share, by the member's owner. From the commit on, the former
// holder reaches the member no more: its registrations and memberships stay, and count, but
// show it no name, and the member leaves its lists, node and sync.
func (t *Tx) UnshareMember(memberID, orgID int64) (*models.Member, error) {
	var p validate.Problems
	m, err := t.lockOwnMember(memberID, "withdraw a share of the member", &p)
	if err != nil {
		return nil, err
	}
	var share models.MemberShare
	err = t.db.Raw(`DELETE FROM member_shares WHERE member_id = ? AND organization_id = ? RETURNING *`, m.ID, orgID).Scan(&share).Error
	if err != nil {
		return nil, fmt.Errorf("withdraw share of member %d: %w", m.ID, translate(err))
	}
	if share.MemberID == 0 {
		p.Add("organization", validate.NotFound, "the member is not shared with that organization")
		return nil, p
	}
	before := shareAudit{auditMember(m), auditShare(&share)}
	if err := t.bumpMember(m, time.Now()); err != nil {
		return nil, err
	}
	return m, t.Audit("unshareMember", relay.TypeMember, m.GlobalID(), before, auditMember(m))
}

// shareTarget checks the organization a member is shared with: one that exists and is not
// the owner itself.
func (t *Tx) shareTarget(orgID int64, p *validate.Problems) error {
	if orgID == t.caller.OrgID {
		p.Add("organization", validate.Invalid, "the member is your organization's own; share it with another organization")
		return *p
	}
	var exists bool
	if err := t.db.Raw(`SELECT EXISTS (SELECT 1 FROM organizations WHERE id = ?)`, orgID).Scan(&exists).Error; err != nil {
		return fmt.Errorf("organization %d: %w", orgID, translate(err))
	}
	if !exists {
		p.Add("organization", validate.NotFound, "no organization has that ID")
		return *p
	}
	return nil
}

// shareAudit is what the audit log keeps of a share or its withdrawal: the member as
// memberAudit keeps it, and who holds it since when.
type shareAudit struct {
	memberAudit
	Share shareAuditEntry `json:"share"`
}

type shareAuditEntry struct {
	Organization string    `json:"organization"`
	SharedAt     time.Time `json:"sharedAt"`
}

func auditShare(s *models.MemberShare) shareAuditEntry {
	return shareAuditEntry{Organization: relay.EncodeInt(relay.TypeOrganization, s.OrganizationID), SharedAt: s.SharedAt}
}

// MemberShares returns the shares of each member, oldest first.
func (s *Store) MemberShares(ctx context.Context, memberIDs []int64) (map[int64][]*models.MemberShare, error) {
	personal(ctx)
	var rows []*models.MemberShare
	err := s.db.WithContext(ctx).Raw(`SELECT * FROM member_shares WHERE member_id = ANY(?::bigint[])
		ORDER BY member_id, shared_at, organization_id`, idList(memberIDs)).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("shares of %d members: %w", len(memberIDs), translate(err))
	}
	out := make(map[int64][]*models.MemberShare, len(memberIDs))
	for _, sh := range rows {
		out[sh.MemberID] = append(out[sh.MemberID], sh)
	}
	return out, nil
}

// memberForPlace locks a member about to be given a place in a network or at an event: one
// the caller's organization recorded or was shared (lockMember), not erased, and with a
// guardian's consent if a minor. Giving a member a place shows its name to the organizer or
// coordinator, so an organization may not do it to a member whose ID it merely guessed.
func (t *Tx) memberForPlace(memberID int64, p *validate.Problems) (*models.Member, error) {
	m, _, err := t.lockMember("member", memberID, p)
	if err != nil {
		return nil, err
	}
	if m.Erased() {
		p.Add("member", validate.InvalidState, "the member's data has been erased")
		return nil, *p
	}
	if err := t.requireGuardianConsent(m, p); err != nil {
		return nil, err
	}
	return m, nil
}

// hasGuardianConsent reports whether a guardian's consent is recorded for the member.
func (t *Tx) hasGuardianConsent(memberID int64) (bool, error) {
	var ok bool
	err := t.db.Raw(`SELECT EXISTS (SELECT 1 FROM guardian_consents WHERE member_id = ?)`, memberID).Scan(&ok).Error
	if err != nil {
		return false, fmt.Errorf("consent of member %d: %w", memberID, translate(err))
	}
	return ok, nil
}

// requireGuardianConsent adds CONSENT_REQUIRED for a minor without a guardian's consent.
func (t *Tx) requireGuardianConsent(m *models.Member, p *validate.Problems) error {
	if !m.Minor() {
		return nil
	}
	ok, err := t.hasGuardianConsent(m.ID)
	if err != nil {
		return err
	}
	if !ok {
		p.Add("member", validate.ConsentRequired, "the member is a minor; record a guardian's consent first")
	}
	return nil
}

var (
	guardianRelationships = map[string]bool{"PARENT": true, "LEGAL_GUARDIAN": true, "OTHER_CAREGIVER": true}
	consentMethods        = map[string]bool{"WRITTEN": true, "VERBAL": true, "DIGITAL": true}
)

// oldestAge is the age a member of each band is younger than; AGE_25_PLUS has none.
var oldestAge = map[string]int{"UNDER_13": 13, "AGE_13_15": 16, "AGE_16_17": 18, "AGE_18_24": 25}

// earliestBirth is the earliest day a member of the age band can have been born, as of now:
// no consent for the member can be older. The band 25 and over goes back to 1900, the start
// of every date window of the API.
func earliestBirth(ageBand string, now time.Time) time.Time {
	age, ok := oldestAge[ageBand]
	if !ok {
		return time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return now.AddDate(-age, 0, 0)
}

// consentClockSkew forgives a client clock slightly ahead of ours: a consent taken on a
// phone a moment ago is not in the future.
const consentClockSkew = 5 * time.Minute

// RecordGuardianConsent records a guardian's consent, by the organization that recorded the
// member alone. It is needed for a minor; an age band can be given wrongly, so a consent for
// an adult is kept too. A later consent does not replace an earlier one in the table; the
// member shows the latest, and the audit log keeps every one.
func (t *Tx) RecordGuardianConsent(memberID int64, in ConsentInput) (*models.Member, error) {
	var p validate.Problems
	m, err := t.lockOwnMember(memberID, "record a guardian's consent for the member", &p)
	if err != nil {
		return nil, err
	}
	guardian := strings.TrimSpace(in.GuardianName)
	p.Text("guardianName", guardian, 1, 100)
	if !guardianRelationships[in.Relationship] {
		p.Add("relationship", validate.Invalid, "relationship must be PARENT, LEGAL_GUARDIAN or OTHER_CAREGIVER")
	}
	if !consentMethods[in.Method] {
		p.Add("method", validate.Invalid, "method must be WRITTEN, VERBAL or DIGITAL")
	}
	now := time.Now()
	switch earliest := earliestBirth(m.AgeBand, now); {
	case in.GivenAt.After(now.Add(consentClockSkew)):
		p.Add("givenAt", validate.OutOfRange, "givenAt must not be in the future")
	case in.GivenAt.Before(earliest):
		p.Add("givenAt", validate.OutOfRange, "givenAt must not be before %s: a member in age band %s was not born earlier", earliest.Format(time.DateOnly), m.AgeBand)
	}
	if m.Erased() {
		p.Add("member", validate.InvalidState, "the member's data has been erased")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	keyID := t.caller.KeyID
	c := &models.GuardianConsent{
		MemberID: m.ID, GuardianName: &guardian, Relationship: in.Relationship, Method: in.Method,
		GivenAt: in.GivenAt, RecordedBy: &keyID, RecordedAt: now,
	}
	if err := t.insert(c); err != nil {
		return nil, err
	}
	before := auditMember(m)
	if err := t.bumpMember(m, now); err != nil {
		return nil, err
	}
	err = t.Audit("recordGuardianConsent", relay.TypeMember, m.GlobalID(), before,
		struct {
			memberAudit
			Consent consentAudit `json:"consent"`
		}{auditMember(m), consentAudit{m.GlobalID(), c.Relationship, c.Method, c.GivenAt}})
	return m, err
}

// bumpMember records that a member changed.
func (t *Tx) bumpMember(m *models.Member, now time.Time) error {
	m.Version++
	m.UpdatedAt = now
	err := t.db.Exec(`UPDATE members SET version = ?, updated_at = ? WHERE id = ?`, m.Version, now, m.ID).Error
	if err != nil {
		return fmt.Errorf("update member %d: %w", m.ID, translate(err))
	}
	return nil
}

// requireNetworkCoordinator refuses a caller that is not an editor or admin of one of the
// network's coordinating organizations.
func (t *Tx) requireNetworkCoordinator(n *models.YouthNetwork, action string) error {
	if err := auth.RequireRole(t.caller, auth.RoleEditor, action); err != nil {
		return err
	}
	var ok bool
	err := t.db.Raw(`SELECT EXISTS (SELECT 1 FROM network_coordinators WHERE network_id = ? AND organization_id = ?)`,
		n.ID, t.caller.OrgID).Scan(&ok).Error
	if err != nil {
		return fmt.Errorf("coordinators of network %d: %w", n.ID, translate(err))
	}
	if !ok {
		return problem.Wrap(auth.ErrForbidden, "only the network's coordinators may %s", action)
	}
	return nil
}

// networkForMembers loads a network for a change of its members, checking the caller
// coordinates it.
func (t *Tx) networkForMembers(id int64, action string, p *validate.Problems) (*models.YouthNetwork, error) {
	if err := auth.RequireRole(t.caller, auth.RoleEditor, action); err != nil {
		return nil, err
	}
	n, err := lockRow[models.YouthNetwork](t, "youth_networks", id)
	if errors.Is(err, ErrNotFound) {
		p.Add("network", validate.NotFound, "no youth network has that ID")
		return nil, *p
	}
	if err != nil {
		return nil, err
	}
	return n, t.requireNetworkCoordinator(n, action)
}

// JoinNetwork adds a member to a network, by the network's coordinators. A minor needs a
// guardian's consent first; a member is in a network at most once at a time.
func (t *Tx) JoinNetwork(memberID, networkID int64) (*models.Member, error) {
	var p validate.Problems
	n, err := t.networkForMembers(networkID, "add members to the network", &p)
	if err != nil {
		return nil, err
	}
	m, err := t.memberForPlace(memberID, &p)
	if err != nil {
		return nil, err
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	var active bool
	err = t.db.Raw(`SELECT EXISTS (SELECT 1 FROM memberships WHERE network_id = ? AND member_id = ? AND left_at IS NULL)`, n.ID, m.ID).Scan(&active).Error
	if err != nil {
		return nil, fmt.Errorf("membership of member %d in network %d: %w", m.ID, n.ID, translate(err))
	}
	if active {
		p.Add("member", validate.AlreadyRegistered, "the member is already in the network")
		return nil, p
	}
	ms := &models.Membership{NetworkID: n.ID, MemberID: m.ID, JoinedAt: time.Now()}
	if err := t.db.Create(ms).Error; err != nil {
		if uniqueViolation(err) {
			p.Add("member", validate.AlreadyRegistered, "the member is already in the network")
			return nil, p
		}
		return nil, fmt.Errorf("insert membership: %w", translate(err))
	}
	return m, t.Audit("joinNetwork", relay.TypeMember, m.GlobalID(), nil, auditMembership(ms))
}

// LeaveNetwork ends a member's current membership of a network, by its coordinators. The
// membership is kept, with when it ended, so that past counts stay true.
func (t *Tx) LeaveNetwork(memberID, networkID int64) (*models.Member, error) {
	var p validate.Problems
	n, err := t.networkForMembers(networkID, "remove members from the network", &p)
	if err != nil {
		return nil, err
	}
	m, _, err := t.lockMember("member", memberID, &p)
	if err != nil {
		return nil, err
	}
	var ms models.Membership
	err = t.db.Raw(`SELECT * FROM memberships WHERE network_id = ? AND member_id = ? AND left_at IS NULL FOR UPDATE`, n.ID, m.ID).Scan(&ms).Error
	if err != nil {
		return nil, fmt.Errorf("membership of member %d in network %d: %w", m.ID, n.ID, translate(err))
	}
	if ms.ID == 0 {
		p.Add("member", validate.InvalidState, "the member is not in the network")
		return nil, p
	}
	before := auditMembership(&ms)
	now := time.Now()
	ms.LeftAt = &now
	if err := t.db.Exec(`UPDATE memberships SET left_at = ? WHERE id = ?`, now, ms.ID).Error; err != nil {
		return nil, fmt.Errorf("end membership %d: %w", ms.ID, translate(err))
	}
	return m, t.Audit("leaveNetwork", relay.TypeMember, m.GlobalID(), before, auditMembership(&ms))
}

// erasedRequestHash replaces the request hash of the idempotency records of the writes whose
// input held an erased member's personal data (its creation, its corrections and its
// guardians' consents):
// the hash was taken over that data, so it goes, and a retry of such a write gets
// IDEMPOTENCY_KEY_REUSED rather than recreating what was erased.
var erasedRequestHash = make([]byte, 32)

// EraseMember removes a member's personal data for good: name, contact details and the
// names of guardians. The rows stay, so that counts of members and registrations stay true.
// Erasing an erased member changes nothing and succeeds, so that a retried erasure is safe.
// Only the organization that recorded the member erases it: a request to erase reaches the
// holders of a share through that organization, which answers for the member.
func (t *Tx) EraseMember(memberID int64) (*models.Member, error) {
	var p validate.Problems
	m, err := t.lockOwnMember(memberID, "erase the member", &p)
	if err != nil {
		return nil, err
	}
	before := auditMember(m)
	if !m.Erased() {
		now := time.Now()
		m.DisplayName, m.Email, m.Phone, m.ErasedAt = nil, nil, nil, &now
		m.Version++
		m.UpdatedAt = now
		err := t.db.Exec(`UPDATE members SET display_name = NULL, email = NULL, phone = NULL, erased_at = ?, version = ?, updated_at = ? WHERE id = ?`,
			now, m.Version, now, m.ID).Error
		if err != nil {
			return nil, fmt.Errorf("erase member %d: %w", m.ID, translate(err))
		}
	}
	if err := t.db.Exec(`UPDATE guardian_consents SET guardian_name = NULL WHERE member_id = ? AND guardian_name IS NOT NULL`, m.ID).Error; err != nil {
		return nil, fmt.Errorf("erase guardians of member %d: %w", m.ID, translate(err))
	}
	err = t.db.Exec(`UPDATE idempotency_keys SET request_hash = ?
		WHERE operation IN ('createMember', 'updateMember', 'recordGuardianConsent') AND result->>'id' = ? AND request_hash <> ?`,
		erasedRequestHash, m.GlobalID(), erasedRequestHash).Error
	if err != nil {
		return nil, fmt.Errorf("forget requests of member %d: %w", m.ID, translate(err))
	}
	return m, t.Audit("eraseMember", relay.TypeMember, m.GlobalID(), before, auditMember(m))
}

// MembersByID returns the members with the given IDs.
func (s *Store) MembersByID(ctx context.Context, ids []int64) (map[int64]*models.Member, error) {
	personal(ctx)
	return byIDs(ctx, s.db, "members", ids, func(m *models.Member) int64 { return m.ID })
}

// GuardianConsents returns the latest consent recorded for each member that has one.
func (s *Store) GuardianConsents(ctx context.Context, memberIDs []int64) (map[int64]*models.GuardianConsent, error) {
	personal(ctx)
	var rows []*models.GuardianConsent
	err := s.db.WithContext(ctx).Raw(`SELECT DISTINCT ON (member_id) * FROM guardian_consents
		WHERE member_id = ANY(?::bigint[]) ORDER BY member_id, id DESC`, idList(memberIDs)).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("consents of %d members: %w", len(memberIDs), translate(err))
	}
	out := make(map[int64]*models.GuardianConsent, len(rows))
	for _, c := range rows {
		out[c.MemberID] = c
	}
	return out, nil
}

// NetworkMemberCounts counts the current members of each network in one statement.
func (s *Store) NetworkMemberCounts(ctx context.Context, networkIDs []int64) (map[int64]int, error) {
	var rows []struct {
		NetworkID int64
		N         int
	}
	err := s.db.WithContext(ctx).Raw(`SELECT n.id AS network_id,
		(SELECT count(*) FROM memberships ms WHERE ms.network_id = n.id AND ms.left_at IS NULL) AS n
		FROM unnest(?::bigint[]) AS n(id)`, idList(networkIDs)).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("member counts of %d networks: %w", len(networkIDs), translate(err))
	}
	out := make(map[int64]int, len(rows))
	for _, r := range rows {
		out[r.NetworkID] = r.N
	}
	return out, nil
}
