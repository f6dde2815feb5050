package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/relay"
	"campaigns/internal/store"
	"campaigns/models"
)

// memberWorld is the setting of the member tests: a creator that records members, an
// organizer with a training that takes registrations, a coordinator with a network, and an
// organization that is none of these. Each has a key of every role.
type memberWorld struct {
	st  *store.Store
	url string
	c   *apitest.Client
	// keys by organization ("creator", "organizer", "coordinator", "other") and role.
	keys map[string]map[string]string
	orgs map[string]int64
	// event and network are global IDs; eventID and networkID their keys.
	event, network     string
	eventID, networkID int64
}

var memberOrgs = []string{"creator", "organizer", "coordinator", "other"}

// memberEventOptions shape the world's event.
type memberEventOptions struct {
	capacity *int32
	waitlist bool
}

func newMemberWorld(t *testing.T, opt memberEventOptions) *memberWorld {
	t.Helper()
	st, url := dbtest.NewWithURL(t)
	w := &memberWorld{st: st, url: url, c: apitest.New(st), keys: map[string]map[string]string{}, orgs: map[string]int64{}}
	ctx := context.Background()
	for _, org := range memberOrgs {
		w.keys[org] = map[string]string{}
		for _, role := range []string{"VIEWER", "EDITOR", "ADMIN"} {
			w.keys[org][role] = apitest.Key(t, st, "mem-"+org, role)
		}
		o, err := st.OrganizationBySlug(ctx, "mem-"+org)
		if err != nil {
			t.Fatal(err)
		}
		w.orgs[org] = o.ID
	}
	_, err := st.SeedOnce(ctx, "member-world", func(wr *store.Writer) error {
		if err := wr.Insert(&models.Country{Code: "MM", Name: "Myanmar", AliasList: []string{"Burma"}},
			&models.Country{Code: "KH", Name: "Cambodia"}); err != nil {
			return err
		}
		organizer, coordinator := w.orgs["organizer"], w.orgs["coordinator"]
		campaign := &models.Campaign{Slug: "youth-session", Name: "Youth Session", Status: "ACTIVE", OwnerID: &organizer,
			StartPrecision: "DAY", EndPrecision: "DAY", Version: 1}
		if err := wr.Insert(campaign); err != nil {
			return err
		}
		event := memberEvent(campaign.ID, organizer, "Social media training", opt)
		network := &models.YouthNetwork{Slug: "asean-youth", Name: "ASEAN Youth Network", Scope: "REGIONAL", OwnerID: &coordinator, Version: 1}
		if err := wr.Insert(event, network); err != nil {
			return err
		}
		w.eventID, w.event = event.ID, event.GlobalID()
		w.networkID, w.network = network.ID, network.GlobalID()
		return wr.Insert(&models.NetworkCoordinator{NetworkID: network.ID, OrganizationID: coordinator})
	})
	if err != nil {
		t.Fatalf("build the member world: %v", err)
	}
	// A key's first use records when it was used; do it now, so that it is not taken for a
	// write of the request under test.
	for _, org := range memberOrgs {
		for _, key := range w.keys[org] {
			w.c.As(key).Query(t, `{ __typename }`, nil)
		}
	}
	return w
}

// memberEvent is a scheduled training a month ahead whose registration is open.
func memberEvent(campaignID, organizer int64, title string, opt memberEventOptions) *models.Event {
	tz := "Asia/Yangon"
	return &models.Event{CampaignID: campaignID, Title: title, Kind: "TRAINING", Status: "SCHEDULED",
		StartBound: time.Now().Add(30 * 24 * time.Hour).Truncate(time.Minute), DatePrecision: "MINUTE", TimeZone: &tz,
		OrganizerID: organizer, Capacity: opt.capacity, RegistrationEnabled: true, WaitlistEnabled: opt.waitlist,
		Visibility: "PUBLIC", Version: 1}
}

// as returns a client acting with the key of org in role; "anonymous" sends no key.
func (w *memberWorld) as(org, role string) *apitest.Client {
	if org == "anonymous" {
		return w.c
	}
	return w.c.As(w.keys[org][role])
}

// memberUserError is a user error of a payload.
type memberUserError struct {
	Field   []string
	Message string
	Code    string
}

// memberMutation sends a mutation whose root field is aliased m and decodes its payload.
func memberMutation(t *testing.T, c *apitest.Client, query string, vars map[string]any) (json.RawMessage, []memberUserError) {
	t.Helper()
	var data struct {
		M json.RawMessage
	}
	c.Query(t, query, vars).MustData(t, &data)
	var p struct{ UserErrors []memberUserError }
	if err := json.Unmarshal(data.M, &p); err != nil {
		t.Fatalf("decode payload %s: %v", data.M, err)
	}
	return data.M, p.UserErrors
}

// memberOK sends a mutation that must succeed and decodes its payload into v.
func memberOK(t *testing.T, c *apitest.Client, query string, vars map[string]any, v any) {
	t.Helper()
	raw, errs := memberMutation(t, c, query, vars)
	if len(errs) > 0 {
		t.Fatalf("unexpected user errors: %+v", errs)
	}
	if v != nil {
		if err := json.Unmarshal(raw, v); err != nil {
			t.Fatalf("decode payload %s: %v", raw, err)
		}
	}
}

// memberRefused sends a mutation that must answer exactly the user error code on field,
// and checks that it wrote nothing at all.
func memberRefused(t *testing.T, w *memberWorld, c *apitest.Client, query string, vars map[string]any, code, field string) {
	t.Helper()
	before := dbtest.Snapshot(t, w.url)
	_, errs := memberMutation(t, c, query, vars)
	if len(errs) != 1 || errs[0].Code != code || strings.Join(errs[0].Field, ".") != field {
		t.Fatalf("user errors %+v, want one %s on %s", errs, code, field)
	}
	if diff := cmp.Diff(before, dbtest.Snapshot(t, w.url)); diff != "" {
		t.Fatalf("refused with %s but the database changed:\n%s", code, diff)
	}
}

// memberDenied sends a mutation that must be refused with the error code (FORBIDDEN,
// UNAUTHENTICATED…) and checks that it wrote nothing at all.
func memberDenied(t *testing.T, w *memberWorld, c *apitest.Client, query string, vars map[string]any, code string) {
	t.Helper()
	before := dbtest.Snapshot(t, w.url)
	if got := c.Query(t, query, vars).ErrorCode(t); got != code {
		t.Fatalf("code %s, want %s", got, code)
	}
	if diff := cmp.Diff(before, dbtest.Snapshot(t, w.url)); diff != "" {
		t.Fatalf("refused with %s but the database changed:\n%s", code, diff)
	}
}

// memberQueryValue runs one SQL query on the test database and scans its single row.
func memberQueryValue(t *testing.T, url, sql string, args []any, dest ...any) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, sql, args...).Scan(dest...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func memberRows(t *testing.T, url, fromWhere string, args ...any) int {
	t.Helper()
	var n int
	memberQueryValue(t, url, "SELECT count(*) FROM "+fromWhere, args, &n)
	return n
}

const (
	createMemberMutation = `mutation($in: CreateMemberInput!) { m: createMember(input: $in) {
		member { id displayName ageBand minor erased version country { code } contact { email phone } }
		userErrors { field message code } } }`
	consentMutation = `mutation($in: RecordGuardianConsentInput!) { m: recordGuardianConsent(input: $in) {
		member { id version guardianConsent { relationship method givenAt } } userErrors { field message code } } }`
	joinMutation = `mutation($m: ID!, $n: ID!) { m: joinNetwork(input: {member: $m, network: $n}) {
		member { id displayName } userErrors { field message code } } }`
	leaveMutation = `mutation($m: ID!, $n: ID!) { m: leaveNetwork(input: {member: $m, network: $n}) {
		member { id } userErrors { field message code } } }`
	eraseMutation    = `mutation($m: ID!) { m: eraseMember(input: {member: $m}) { erasedMemberId userErrors { field message code } } }`
	registerMutation = `mutation($e: ID!, $m: ID!) { m: registerForEvent(input: {event: $e, member: $m}) {
		registration { id status waitlistPosition attended member { id displayName } event { id } }
		userErrors { field message code } } }`
	cancelMutation = `mutation($id: ID!) { m: cancelRegistration(input: {id: $id}) {
		registration { id status waitlistPosition } userErrors { field message code } } }`
	attendanceMutation = `mutation($id: ID!, $a: Boolean!) { m: recordAttendance(input: {id: $id, attended: $a}) {
		registration { id status attended } userErrors { field message code } } }`
)

// createdMember is a member as createMember's payload shows it.
type createdMember struct {
	Member struct {
		ID          string
		DisplayName *string
		AgeBand     string
		Minor       bool
		Erased      bool
		Version     int
		Country     *struct{ Code string }
		Contact     *struct{ Email, Phone *string }
	}
}

// newMember records a member through the API as the creator's editor, shares it with the
// organizer and the coordinator so that they may register and enrol it, and returns its ID.
func (w *memberWorld) newMember(t *testing.T, name, ageBand string, extra map[string]any) string {
	t.Helper()
	id := w.newUnsharedMember(t, name, ageBand, extra)
	for _, org := range []string{"organizer", "coordinator"} {
		w.share(t, w.as("creator", "EDITOR"), id, org)
	}
	return id
}

// newUnsharedMember records a member through the API as the creator's editor, shared with no one.
func (w *memberWorld) newUnsharedMember(t *testing.T, name, ageBand string, extra map[string]any) string {
	t.Helper()
	in := map[string]any{"displayName": name, "ageBand": ageBand}
	for k, v := range extra {
		in[k] = v
	}
	var p createdMember
	memberOK(t, w.as("creator", "EDITOR"), createMemberMutation, map[string]any{"in": in}, &p)
	return p.Member.ID
}

const shareMutation = `mutation($in: ShareMemberInput!) { m: shareMember(input: $in) { member { id } userErrors { field message code } } }`

// share shares a member with an organization of the world, as c.
func (w *memberWorld) share(t *testing.T, c *apitest.Client, member, org string) {
	t.Helper()
	var p createdMember
	memberOK(t, c, shareMutation, map[string]any{"in": map[string]any{
		"member": member, "organization": relay.EncodeInt(relay.TypeOrganization, w.orgs[org])}}, &p)
}

// consent records a parent's written consent for a member as the creator's editor.
func (w *memberWorld) consent(t *testing.T, member, guardian string) {
	t.Helper()
	memberOK(t, w.as("creator", "EDITOR"), consentMutation, map[string]any{"in": map[string]any{
		"member": member, "guardianName": guardian, "relationship": "PARENT", "method": "WRITTEN",
		"givenAt": time.Now().Add(-time.Hour).Format(time.RFC3339)}}, nil)
}

// register registers a member for the world's event as the organizer's editor and returns
// the registration's ID and status.
func (w *memberWorld) register(t *testing.T, member string) (string, string) {
	t.Helper()
	var p struct{ Registration struct{ ID, Status string } }
	memberOK(t, w.as("organizer", "EDITOR"), registerMutation, map[string]any{"e": w.event, "m": member}, &p)
	return p.Registration.ID, p.Registration.Status
}

// join adds a member to the world's network as the coordinator's editor.
func (w *memberWorld) join(t *testing.T, member string) {
	t.Helper()
	memberOK(t, w.as("coordinator", "EDITOR"), joinMutation, map[string]any{"m": member, "n": w.network}, nil)
}

func TestCreateMember(t *testing.T) {
	t.Parallel()
	w := newMemberWorld(t, memberEventOptions{})
	var p createdMember
	memberOK(t, w.as("creator", "EDITOR"), createMemberMutation, map[string]any{"in": map[string]any{
		"displayName": "  Thida  ", "ageBand": "AGE_16_17", "country": "Burma", "email": "thida@example.org", "phone": "+95 9 123 456"}}, &p)
	m := p.Member
	if m.ID == "" || m.AgeBand != "AGE_16_17" || !m.Minor || m.Erased || m.Version != 1 || m.Country == nil || m.Country.Code != "MM" {
		t.Errorf("payload member %+v", m)
	}
	// The organization that recorded the member reads back what it wrote.
	if m.DisplayName == nil || *m.DisplayName != "Thida" || m.Contact == nil || m.Contact.Email == nil || *m.Contact.Email != "thida@example.org" ||
		m.Contact.Phone == nil || *m.Contact.Phone != "+95 9 123 456" {
		t.Errorf("the creating organization reads back %+v", m)
	}
	var name, email, phone, country string
	var org int64
	memberQueryValue(t, w.url, `SELECT display_name, email, phone, country_code, organization_id FROM members`, nil, &name, &email, &phone, &country, &org)
	if name != "Thida" || email != "thida@example.org" || phone != "+95 9 123 456" || country != "MM" || org != w.orgs["creator"] {
		t.Errorf("stored %q %q %q %q %d", name, email, phone, country, org)
	}
	var audit string
	memberQueryValue(t, w.url, `SELECT after::text FROM audit_log WHERE action = 'createMember'`, nil, &audit)
	for _, personal := range []string{"Thida", "thida@example.org", "123 456"} {
		if strings.Contains(audit, personal) {
			t.Errorf("the audit log holds %q: %s", personal, audit)
		}
	}
	if !strings.Contains(audit, `"ageBand": "AGE_16_17"`) {
		t.Errorf("audit entry %s lacks the age band", audit)
	}
	// Empty contact details are not stored.
	memberOK(t, w.as("other", "ADMIN"), createMemberMutation, map[string]any{"in": map[string]any{
		"displayName": "Sokha", "ageBand": "AGE_25_PLUS", "email": " ", "phone": ""}}, nil)
	if n := memberRows(t, w.url, `members WHERE display_name = 'Sokha' AND email IS NULL AND phone IS NULL AND organization_id = $1`, w.orgs["other"]); n != 1 {
		t.Errorf("%d members Sokha without contact details of the other organization, want 1", n)
	}
}

func TestCreateMemberRefusesBadInput(t *testing.T) {
	t.Parallel()
	w := newMemberWorld(t, memberEventOptions{})
	long := strings.Repeat("a", 101)
	for _, tc := range []struct {
		name        string
		in          map[string]any
		code, field string
	}{
		{"empty name", map[string]any{"displayName": "  "}, "REQUIRED", "input.displayName"},
		{"long name", map[string]any{"displayName": long}, "LENGTH", "input.displayName"},
		{"email without at", map[string]any{"email": "thida.example.org"}, "INVALID", "input.email"},
		{"email with a name", map[string]any{"email": "Thida <thida@example.org>"}, "INVALID", "input.email"},
		{"email too long", map[string]any{"email": strings.Repeat("a", 250) + "@x.org"}, "LENGTH", "input.email"},
		{"phone with letters", map[string]any{"phone": "call 555"}, "INVALID", "input.phone"},
		{"phone without digits", map[string]any{"phone": "+ +"}, "INVALID", "input.phone"},
		{"phone too long", map[string]any{"phone": strings.Repeat("1", 33)}, "LENGTH", "input.phone"},
		{"unknown country", map[string]any{"country": "Atlantis"}, "UNKNOWN_COUNTRY", "input.country"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := map[string]any{"displayName": "Thida", "ageBand": "AGE_18_24"}
			for k, v := range tc.in {
				in[k] = v
			}
			memberRefused(t, w, w.as("creator", "EDITOR"), createMemberMutation, map[string]any{"in": in}, tc.code, tc.field)
		})
	}
	// A name of exactly 100 characters is fine, and so is a phone of 32.
	memberOK(t, w.as("creator", "EDITOR"), createMemberMutation, map[string]any{"in": map[string]any{
		"displayName": strings.Repeat("b", 100), "ageBand": "AGE_18_24", "phone": strings.Repeat("1", 32)}}, nil)
	in := map[string]any{"in": map[string]any{"displayName": "Thida", "ageBand": "AGE_18_24"}}
	memberDenied(t, w, w.as("creator", "VIEWER"), createMemberMutation, in, "FORBIDDEN")
	memberDenied(t, w, w.as("anonymous", ""), createMemberMutation, in, "UNAUTHENTICATED")
}

func TestMinorNeedsGuardianConsent(t *testing.T) {
	t.Parallel()
	w := newMemberWorld(t, memberEventOptions{capacity: ptr(int32(10))})
	minor := w.newMember(t, "Kyaw", "AGE_13_15", nil)
	adult := w.newMember(t, "Aung", "AGE_18_24", nil)

	// Without consent a minor can neither join nor register, and nothing is written.
	memberRefused(t, w, w.as("coordinator", "EDITOR"), joinMutation, map[string]any{"m": minor, "n": w.network}, "CONSENT_REQUIRED", "input.member")
	memberRefused(t, w, w.as("organizer", "EDITOR"), registerMutation, map[string]any{"e": w.event, "m": minor}, "CONSENT_REQUIRED", "input.member")
	// An adult needs none.
	w.join(t, adult)
	w.register(t, adult)

	// A consent given in the future is refused; so is one by an organization with no tie to
	// the member, which is told what an unknown ID is told, and one by a holder of a share.
	future := map[string]any{"member": minor, "guardianName": "Daw Mya", "relationship": "PARENT", "method": "WRITTEN",
		"givenAt": time.Now().Add(24 * time.Hour).Format(time.RFC3339)}
	memberRefused(t, w, w.as("creator", "EDITOR"), consentMutation, map[string]any{"in": future}, "OUT_OF_RANGE", "input.givenAt")
	past := map[string]any{"member": minor, "guardianName": "Daw Mya", "relationship": "LEGAL_GUARDIAN", "method": "VERBAL",
		"givenAt": "2012-11-20T10:00:00+06:30"}
	memberRefused(t, w, w.as("other", "EDITOR"), consentMutation, map[string]any{"in": past}, "NOT_FOUND", "input.member")
	memberDenied(t, w, w.as("organizer", "ADMIN"), consentMutation, map[string]any{"in": past}, "FORBIDDEN")
	memberDenied(t, w, w.as("creator", "VIEWER"), consentMutation, map[string]any{"in": past}, "FORBIDDEN")
	noName := map[string]any{"member": minor, "guardianName": "", "relationship": "PARENT", "method": "WRITTEN", "givenAt": "2012-11-20T10:00:00+06:30"}
	memberRefused(t, w, w.as("creator", "EDITOR"), consentMutation, map[string]any{"in": noName}, "REQUIRED", "input.guardianName")

	var p struct {
		Member struct {
			Version         int
			GuardianConsent *struct{ Relationship, Method, GivenAt string }
		}
	}
	memberOK(t, w.as("creator", "EDITOR"), consentMutation, map[string]any{"in": past}, &p)
	// Created at 1, shared twice by newMember, then the consent.
	if p.Member.Version != 4 {
		t.Errorf("version %d after the consent, want 4", p.Member.Version)
	}
	// The creator reads back the consent it recorded.
	if p.Member.GuardianConsent == nil || p.Member.GuardianConsent.Relationship != "LEGAL_GUARDIAN" {
		t.Errorf("the creator reads back the consent %+v", p.Member.GuardianConsent)
	}
	var guardian, relationship, method string
	var givenAt time.Time
	memberQueryValue(t, w.url, `SELECT guardian_name, relationship, method, given_at FROM guardian_consents`, nil, &guardian, &relationship, &method, &givenAt)
	if guardian != "Daw Mya" || relationship != "LEGAL_GUARDIAN" || method != "VERBAL" || !givenAt.Equal(time.Date(2012, 11, 20, 3, 30, 0, 0, time.UTC)) {
		t.Errorf("consent stored as %q %s %s %s", guardian, relationship, method, givenAt)
	}
	// recorded_by is the key that wrote: the creator's editor key, the only editor key of the creator.
	if n := memberRows(t, w.url, `api_keys k JOIN guardian_consents g ON g.recorded_by = k.id WHERE k.organization_id = $1 AND k.role = 'EDITOR'`, w.orgs["creator"]); n != 1 {
		t.Errorf("consent not recorded by the creator's editor key")
	}
	var audit string
	memberQueryValue(t, w.url, `SELECT after::text FROM audit_log WHERE action = 'recordGuardianConsent'`, nil, &audit)
	if strings.Contains(audit, "Daw Mya") || !strings.Contains(audit, "LEGAL_GUARDIAN") {
		t.Errorf("consent audit %s", audit)
	}

	// With consent the minor joins and registers.
	w.join(t, minor)
	_, status := w.register(t, minor)
	if status != "CONFIRMED" {
		t.Errorf("status %s, want CONFIRMED", status)
	}
	// Now the coordinator sees the consent, how and when it was given.
	var seen struct {
		Node *struct {
			GuardianConsent *struct{ Relationship, Method, GivenAt string }
		}
	}
	w.as("coordinator", "VIEWER").Query(t, `query($id: ID!) { node(id: $id) { ... on Member { guardianConsent { relationship method givenAt } } } }`,
		map[string]any{"id": minor}).MustData(t, &seen)
	if seen.Node == nil || seen.Node.GuardianConsent == nil || seen.Node.GuardianConsent.Relationship != "LEGAL_GUARDIAN" ||
		seen.Node.GuardianConsent.Method != "VERBAL" || seen.Node.GuardianConsent.GivenAt != "2012-11-20T03:30:00Z" {
		t.Errorf("the coordinator sees %+v", seen.Node)
	}
}

func TestJoinAndLeaveNetwork(t *testing.T) {
	t.Parallel()
	w := newMemberWorld(t, memberEventOptions{})
	m := w.newMember(t, "Mai", "AGE_18_24", nil)
	vars := map[string]any{"m": m, "n": w.network}
	memberDenied(t, w, w.as("anonymous", ""), joinMutation, vars, "UNAUTHENTICATED")
	memberDenied(t, w, w.as("coordinator", "VIEWER"), joinMutation, vars, "FORBIDDEN")
	memberDenied(t, w, w.as("other", "ADMIN"), joinMutation, vars, "FORBIDDEN")
	memberDenied(t, w, w.as("creator", "ADMIN"), joinMutation, vars, "FORBIDDEN")

	var p struct{ Member struct{ DisplayName *string } }
	memberOK(t, w.as("coordinator", "EDITOR"), joinMutation, vars, &p)
	if p.Member.DisplayName == nil || *p.Member.DisplayName != "Mai" {
		t.Errorf("the coordinator's payload shows %v, want the name", p.Member.DisplayName)
	}
	memberRefused(t, w, w.as("coordinator", "ADMIN"), joinMutation, vars, "ALREADY_REGISTERED", "input.member")
	memberRefused(t, w, w.as("coordinator", "EDITOR"), joinMutation, map[string]any{"m": m, "n": "WW91dGhOZXR3b3JrOjk5OTk"}, "NOT_FOUND", "input.network")
	memberRefused(t, w, w.as("coordinator", "EDITOR"), joinMutation, map[string]any{"m": "TWVtYmVyOjk5OTk", "n": w.network}, "NOT_FOUND", "input.member")

	memberDenied(t, w, w.as("other", "EDITOR"), leaveMutation, vars, "FORBIDDEN")
	memberOK(t, w.as("coordinator", "EDITOR"), leaveMutation, vars, nil)
	if n := memberRows(t, w.url, `memberships WHERE left_at IS NOT NULL`); n != 1 {
		t.Errorf("%d ended memberships, want 1", n)
	}
	memberRefused(t, w, w.as("coordinator", "EDITOR"), leaveMutation, vars, "INVALID_STATE", "input.member")
	// Having left, the member's name is no longer the coordinator's to see, though it
	// still holds the share and reaches the member.
	var node struct {
		Node *struct {
			ID          string
			DisplayName *string
		}
	}
	w.as("coordinator", "EDITOR").Query(t, `query($id: ID!) { node(id: $id) { id ... on Member { displayName } } }`, map[string]any{"id": m}).MustData(t, &node)
	if node.Node == nil || node.Node.DisplayName != nil {
		t.Errorf("the coordinator sees %+v of a member who left, want the member without its name", node.Node)
	}
	// Joining again starts a new membership and keeps the old one.
	w.join(t, m)
	if n := memberRows(t, w.url, `memberships`); n != 2 {
		t.Errorf("%d memberships, want 2", n)
	}
	// A bad ID is refused without repeating it.
	res := w.as("coordinator", "EDITOR").Query(t, joinMutation, map[string]any{"m": "Mai Mai", "n": w.network})
	if res.ErrorCode(t) != "BAD_USER_INPUT" || strings.Contains(res.Errors[0].Message, "Mai") {
		t.Errorf("bad ID answered %+v", res.Errors)
	}
}

func TestEraseMember(t *testing.T) {
	t.Parallel()
	w := newMemberWorld(t, memberEventOptions{capacity: ptr(int32(10))})
	const name, email, phone, guardian = "Zin Mar Oo", "zinmar.oo@example.org", "+95 9 777 888", "U Tun Oo"
	m := w.newMember(t, name, "AGE_16_17", map[string]any{"email": email, "phone": phone})
	w.consent(t, m, guardian)
	w.join(t, m)
	w.register(t, m)
	// Read the name once, so that the access log has a row for the member.
	w.as("coordinator", "VIEWER").Query(t, `query($id: ID!) { node(id: $id) { ... on Member { displayName } } }`, map[string]any{"id": m})

	vars := map[string]any{"m": m}
	memberRefused(t, w, w.as("other", "ADMIN"), eraseMutation, vars, "NOT_FOUND", "input.member")
	memberDenied(t, w, w.as("organizer", "ADMIN"), eraseMutation, vars, "FORBIDDEN")
	memberDenied(t, w, w.as("coordinator", "ADMIN"), eraseMutation, vars, "FORBIDDEN")
	memberDenied(t, w, w.as("creator", "VIEWER"), eraseMutation, vars, "FORBIDDEN")
	memberDenied(t, w, w.as("anonymous", ""), eraseMutation, vars, "UNAUTHENTICATED")

	var p struct{ ErasedMemberID string }
	memberOK(t, w.as("creator", "EDITOR"), eraseMutation, vars, &p)
	if p.ErasedMemberID != m {
		t.Errorf("erasedMemberId %q, want %q", p.ErasedMemberID, m)
	}
	// Erasing again is harmless.
	memberOK(t, w.as("creator", "ADMIN"), eraseMutation, vars, nil)

	// Nothing of the member's personal data is left in any table.
	for table, rows := range dbtest.Snapshot(t, w.url) {
		for _, personal := range []string{name, "Zin Mar", email, "777 888", guardian} {
			if strings.Contains(rows, personal) {
				t.Errorf("table %s still holds %q", table, personal)
			}
		}
	}
	// The rows stay, so that the counts stay.
	var got struct {
		Node struct {
			DisplayName *string
			Contact     *struct{ Email *string }
			Erased      bool
		}
		Event struct {
			RegistrationCounts struct{ Confirmed struct{ Value *int } }
		}
		YouthNetwork struct{ MemberCount struct{ Value *int } }
	}
	w.as("organizer", "EDITOR").Query(t, `query($m: ID!, $e: ID!) {
		node(id: $m) { ... on Member { displayName contact { email } erased } }
		event(id: $e) { registrationCounts { confirmed { value } } }
		youthNetwork(slug: "asean-youth") { memberCount { value } } }`, map[string]any{"m": m, "e": w.event}).MustData(t, &got)
	if got.Node.DisplayName != nil || got.Node.Contact != nil || !got.Node.Erased {
		t.Errorf("erased member shows %+v", got.Node)
	}
	if v := got.Event.RegistrationCounts.Confirmed.Value; v == nil || *v != 1 {
		t.Errorf("confirmed after erasure %v, want 1", v)
	}
	if n := memberRows(t, w.url, `audit_log WHERE action = 'eraseMember'`); n != 2 {
		t.Errorf("%d erasures audited, want 2", n)
	}
	// A retry of the erased member's creation does not bring the member back, while a retry
	// of the erasure still answers as the first time.
	retried := w.as("creator", "EDITOR").WithHeader("Idempotency-Key", "create-retried")
	var created createdMember
	createRetried := map[string]any{"in": map[string]any{"displayName": "Retried Name", "ageBand": "AGE_18_24"}}
	memberOK(t, retried, createMemberMutation, createRetried, &created)
	eraseKey := w.as("creator", "EDITOR").WithHeader("Idempotency-Key", "erase-retried")
	memberOK(t, eraseKey, eraseMutation, map[string]any{"m": created.Member.ID}, nil)
	if got := retried.Query(t, createMemberMutation, createRetried).ErrorCode(t); got != "IDEMPOTENCY_KEY_REUSED" {
		t.Errorf("retrying an erased member's creation: %s, want IDEMPOTENCY_KEY_REUSED", got)
	}
	memberOK(t, eraseKey, eraseMutation, map[string]any{"m": created.Member.ID}, nil)
	if n := memberRows(t, w.url, `members WHERE display_name = 'Retried Name'`); n != 0 {
		t.Errorf("%d members named again after a retry, want 0", n)
	}
	// An erased member joins and registers no more; its consent cannot be recorded again.
	second := w.newMember(t, "Second", "AGE_18_24", nil)
	memberOK(t, w.as("creator", "EDITOR"), eraseMutation, map[string]any{"m": second}, nil)
	memberRefused(t, w, w.as("coordinator", "EDITOR"), joinMutation, map[string]any{"m": second, "n": w.network}, "INVALID_STATE", "input.member")
	memberRefused(t, w, w.as("organizer", "EDITOR"), registerMutation, map[string]any{"e": w.event, "m": second}, "INVALID_STATE", "input.member")
	memberRefused(t, w, w.as("creator", "EDITOR"), consentMutation, map[string]any{"in": map[string]any{"member": second, "guardianName": "G",
		"relationship": "PARENT", "method": "WRITTEN", "givenAt": "2012-11-20T10:00:00+06:30"}}, "INVALID_STATE", "input.member")
}

// TestMemberCountsAreBatched lists many events with their registration counts and many
// networks with their member counts: the statements must not grow with the number of rows.
func TestMemberCountsAreBatched(t *testing.T) {
	t.Parallel()
	statements := map[int]int64{}
	for _, n := range []int{2, 20} {
		w := newMemberWorld(t, memberEventOptions{})
		_, err := w.st.SeedOnce(context.Background(), "more-events", func(wr *store.Writer) error {
			campaign := &models.Campaign{Slug: "more", Name: "More", Status: "ACTIVE", StartPrecision: "DAY", EndPrecision: "DAY", Version: 1}
			if err := wr.Insert(campaign); err != nil {
				return err
			}
			for i := range n {
				if err := wr.Insert(memberEvent(campaign.ID, w.orgs["organizer"], fmt.Sprintf("Event %02d", i), memberEventOptions{})); err != nil {
					return err
				}
				coord := w.orgs["coordinator"]
				net := &models.YouthNetwork{Slug: fmt.Sprintf("net-%02d", i), Name: fmt.Sprintf("Net %02d", i), Scope: "REGIONAL", OwnerID: &coord, Version: 1}
				if err := wr.Insert(net); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Events struct {
				Nodes []struct {
					RegistrationCounts struct{ Confirmed, Waitlisted, Attended struct{ Suppressed bool } }
				}
			}
			YouthNetworks struct {
				Nodes []struct{ MemberCount struct{ Suppressed bool } }
			}
		}
		res := w.as("other", "VIEWER").Query(t, `{ events(first: 50) { nodes { registrationCounts {
			confirmed { value suppressed label } waitlisted { value suppressed } attended { value suppressed } } } }
			youthNetworks(first: 50) { nodes { memberCount { value suppressed label } } } }`, nil)
		res.MustData(t, &got)
		if len(got.Events.Nodes) != n+1 || len(got.YouthNetworks.Nodes) != n+1 {
			t.Fatalf("%d events and %d networks, want %d", len(got.Events.Nodes), len(got.YouthNetworks.Nodes), n+1)
		}
		for _, e := range got.Events.Nodes {
			if e.RegistrationCounts.Confirmed.Suppressed {
				t.Errorf("an empty event's count is withheld from an outsider; 0 is published as 0")
			}
		}
		statements[n] = res.Statements
		t.Logf("%d events and %d networks with their counts: %d statements", n+1, n+1, res.Statements)
	}
	// The key, the two pages, and for each page's records one batch each of counts (and
	// of the networks' coordinators), read ahead (the relation table, internal/loader): the
	// same for 2 as for 20; a statement per event or network would be over 40.
	if statements[2] != 6 || statements[20] != 6 {
		t.Errorf("statements: %d for 2 events and networks, %d for 20; want 6 for both", statements[2], statements[20])
	}
}

// TestMemberCountsUnderFiveAreSuppressed counts a network's members and an event's
// registrations as they grow from 1 to 5: those who may not see the members get "fewer
// than 5" until there are 5, then "about 5", and no count of the waitlist of an event with a
// capacity; the coordinator and the organizer always get the exact count.
func TestMemberCountsUnderFiveAreSuppressed(t *testing.T) {
	t.Parallel()
	w := newMemberWorld(t, memberEventOptions{capacity: ptr(int32(100))})
	members := w.seedMembers(t, "five-members", 5)
	const query = `query($e: ID!) { event(id: $e) { registrationCounts { confirmed { value suppressed label } waitlisted { value suppressed label } } }
		youthNetwork(slug: "asean-youth") { memberCount { value suppressed label } } }`
	type count struct {
		Value      *int
		Suppressed bool
		Label      string
	}
	read := func(org, role string) (confirmed, waitlisted, network count) {
		var got struct {
			Event struct {
				RegistrationCounts struct{ Confirmed, Waitlisted count }
			}
			YouthNetwork struct{ MemberCount count }
		}
		w.as(org, role).Query(t, query, map[string]any{"e": w.event}).MustData(t, &got)
		return got.Event.RegistrationCounts.Confirmed, got.Event.RegistrationCounts.Waitlisted, got.YouthNetwork.MemberCount
	}
	exact := func(n int) count { return count{Value: &n, Label: fmt.Sprint(n)} }
	about := func(n int) count { return count{Value: &n, Label: fmt.Sprint("about ", n)} }
	suppressed := count{Suppressed: true, Label: "fewer than 5"}
	for i, m := range members {
		w.join(t, m)
		w.register(t, m)
		n := i + 1
		for _, c := range []struct{ org, role string }{{"anonymous", ""}, {"other", "ADMIN"}, {"creator", "EDITOR"}, {"organizer", "VIEWER"}, {"coordinator", "VIEWER"}} {
			confirmed, waitlisted, network := read(c.org, c.role)
			// The event has a capacity, so its waitlist is the organizer's alone.
			wantEvent, wantNone, wantNetwork := suppressed, count{Suppressed: true, Label: "withheld"}, suppressed
			if n >= 5 {
				wantEvent, wantNetwork = about(n), about(n)
			}
			if c.org == "organizer" {
				wantEvent, wantNone = exact(n), exact(0)
			}
			if c.org == "coordinator" {
				wantNetwork = exact(n)
			}
			if diff := cmp.Diff(wantEvent, confirmed); diff != "" {
				t.Errorf("%d members, %s %s, confirmed (-want +got):\n%s", n, c.org, c.role, diff)
			}
			if diff := cmp.Diff(wantNone, waitlisted); diff != "" {
				t.Errorf("%d members, %s %s, waitlisted (-want +got):\n%s", n, c.org, c.role, diff)
			}
			if diff := cmp.Diff(wantNetwork, network); diff != "" {
				t.Errorf("%d members, %s %s, network (-want +got):\n%s", n, c.org, c.role, diff)
			}
		}
	}
	// The coordinator lists the members in the order they joined, a page at a time.
	var got struct {
		YouthNetwork struct {
			Members struct {
				TotalCount int
				Nodes      []struct{ ID, DisplayName string }
				PageInfo   struct{ HasNextPage bool }
			}
		}
	}
	w.as("coordinator", "VIEWER").Query(t, `{ youthNetwork(slug: "asean-youth") { members(first: 3) { totalCount nodes { id displayName } pageInfo { hasNextPage } } } }`, nil).MustData(t, &got)
	ms := got.YouthNetwork.Members
	if ms.TotalCount != 5 || len(ms.Nodes) != 3 || !ms.PageInfo.HasNextPage || ms.Nodes[0].ID != members[0] || ms.Nodes[2].DisplayName != "Member 002" {
		t.Errorf("the coordinator's first page of members: %+v", ms)
	}
	for _, c := range []struct{ org, role, code string }{{"anonymous", "", "UNAUTHENTICATED"}, {"organizer", "ADMIN", "FORBIDDEN"}, {"creator", "ADMIN", "FORBIDDEN"}} {
		if got := w.as(c.org, c.role).Query(t, `{ youthNetwork(slug: "asean-youth") { members { nodes { id } } } }`, nil).ErrorCode(t); got != c.code {
			t.Errorf("%s %s listing members: %s, want %s", c.org, c.role, got, c.code)
		}
	}
}

// TestUnsharedMembersCannotBeRegisteredOrEnrolled guards against an organizer or coordinator
// reaching a member's name by registering or enrolling a guessed ID: until the organization
// that recorded the member shares it, such a member is answered as not found.
func TestUnsharedMembersCannotBeRegisteredOrEnrolled(t *testing.T) {
	t.Parallel()
	w := newMemberWorld(t, memberEventOptions{})
	m := w.newUnsharedMember(t, "Sokha", "AGE_18_24", nil)
	before := dbtest.Snapshot(t, w.url)
	for _, tc := range []struct {
		org, mutation string
		vars          map[string]any
	}{
		{"organizer", registerMutation, map[string]any{"e": w.event, "m": m}},
		{"coordinator", joinMutation, map[string]any{"m": m, "n": w.network}},
	} {
		memberRefused(t, w, w.as(tc.org, "EDITOR"), tc.mutation, tc.vars, "NOT_FOUND", "input.member")
	}
	if diff := cmp.Diff(before, dbtest.Snapshot(t, w.url)); diff != "" {
		t.Fatalf("refused requests changed the database:\n%s", diff)
	}
	// Only the organization that recorded the member may share it; to another, it does not exist.
	memberRefused(t, w, w.as("other", "EDITOR"), shareMutation, map[string]any{"in": map[string]any{
		"member": m, "organization": relay.EncodeInt(relay.TypeOrganization, w.orgs["other"])}}, "NOT_FOUND", "input.member")
	w.share(t, w.as("creator", "EDITOR"), m, "organizer")
	w.register(t, m)
}
