package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/relay"
	"campaigns/internal/store"
	"campaigns/models"
)

// unknownMember is a member ID that no member has.
var unknownMember = relay.EncodeInt(relay.TypeMember, 999_999)

const (
	updateMemberMutation = `mutation($in: UpdateMemberInput!) { m: updateMember(input: $in) {
		member { id displayName ageBand version contact { email phone } country { code } } userErrors { field message code } } }`
	unshareMutation = `mutation($in: UnshareMemberInput!) { m: unshareMember(input: $in) { member { id version } userErrors { field message code } } }`
)

// refusal is what a refused request answers, without its request id: the errors' codes and
// messages and the payload's user errors, so that two refusals can be compared.
func refusal(t *testing.T, res *apitest.Response) string {
	t.Helper()
	var parts []string
	for _, e := range res.Errors {
		parts = append(parts, e.Code()+": "+e.Message)
	}
	var data map[string]json.RawMessage
	if len(res.Data) > 0 && string(res.Data) != "null" {
		if err := json.Unmarshal(res.Data, &data); err != nil {
			t.Fatalf("decode data %s: %v", res.Data, err)
		}
		parts = append(parts, string(data["m"]))
	}
	return strings.Join(parts, "\n")
}

// memberCase is one mutation that touches a member, sent with the member's ID replaced by
// member: vars builds its variables.
type memberCase struct {
	name, query string
	vars        func(w *memberWorld, member string) map[string]any
}

func (w *memberWorld) org(name string) string {
	return relay.EncodeInt(relay.TypeOrganization, w.orgs[name])
}

// memberCases are every mutation that takes a member's ID.
var memberCases = []memberCase{
	{"updateMember", updateMemberMutation, func(w *memberWorld, m string) map[string]any {
		return map[string]any{"in": map[string]any{"member": m, "expectedVersion": 4, "displayName": "Renamed"}}
	}},
	{"recordGuardianConsent", consentMutation, func(w *memberWorld, m string) map[string]any {
		return map[string]any{"in": map[string]any{"member": m, "guardianName": "Replacing Guardian", "relationship": "OTHER_CAREGIVER",
			"method": "VERBAL", "givenAt": "2020-01-01T00:00:00Z"}}
	}},
	{"shareMember", shareMutation, func(w *memberWorld, m string) map[string]any {
		return map[string]any{"in": map[string]any{"member": m, "organization": w.org("other")}}
	}},
	{"unshareMember", unshareMutation, func(w *memberWorld, m string) map[string]any {
		return map[string]any{"in": map[string]any{"member": m, "organization": w.org("coordinator")}}
	}},
	{"eraseMember", eraseMutation, func(w *memberWorld, m string) map[string]any { return map[string]any{"m": m} }},
	{"registerForEvent", registerMutation, func(w *memberWorld, m string) map[string]any { return map[string]any{"e": w.event, "m": m} }},
	{"joinNetwork", joinMutation, func(w *memberWorld, m string) map[string]any { return map[string]any{"m": m, "n": w.network} }},
	{"leaveNetwork", leaveMutation, func(w *memberWorld, m string) map[string]any { return map[string]any{"m": m, "n": w.network} }},
}

// TestOnlyTheRecordingOrganizationDecidesForAMember walks every mutation that takes a member
// with the member's owner (creator), the holders of a share (the organizer, which registered
// the member, and the coordinator, which enrolled it), and a stranger (other), each with an
// editor's and an admin's key. A holder may place the member but decides nothing for it
// (FORBIDDEN); a stranger is told exactly what an unknown ID is told; no refusal writes.
func TestOnlyTheRecordingOrganizationDecidesForAMember(t *testing.T) {
	t.Parallel()
	w := newMemberWorld(t, memberEventOptions{capacity: ptr(int32(10))})
	m := w.newMember(t, "Hnin Wai", "AGE_16_17", map[string]any{"phone": "+95 9 111 222"})
	w.consent(t, m, "Daw Aye")
	w.register(t, m)
	w.join(t, m)

	// want per mutation and organization: "" is allowed, else the refusal's code. The
	// organizer may register (it did: ALREADY_REGISTERED) and the coordinator enrol.
	want := map[string]map[string]string{
		"updateMember":          {"organizer": "FORBIDDEN", "coordinator": "FORBIDDEN", "other": "NOT_FOUND"},
		"recordGuardianConsent": {"organizer": "FORBIDDEN", "coordinator": "FORBIDDEN", "other": "NOT_FOUND"},
		"shareMember":           {"organizer": "FORBIDDEN", "coordinator": "FORBIDDEN", "other": "NOT_FOUND"},
		"unshareMember":         {"organizer": "FORBIDDEN", "coordinator": "FORBIDDEN", "other": "NOT_FOUND"},
		"eraseMember":           {"organizer": "FORBIDDEN", "coordinator": "FORBIDDEN", "other": "NOT_FOUND"},
		// Only the event's organizer registers and only the network's coordinators enrol:
		// the others are refused for the event or network before the member is looked at.
		"registerForEvent": {"organizer": "ALREADY_REGISTERED", "coordinator": "FORBIDDEN", "other": "FORBIDDEN"},
		"joinNetwork":      {"organizer": "FORBIDDEN", "coordinator": "ALREADY_REGISTERED", "other": "FORBIDDEN"},
		"leaveNetwork":     {"organizer": "FORBIDDEN", "other": "FORBIDDEN"},
	}
	for _, mc := range memberCases {
		for _, org := range []string{"organizer", "coordinator", "other"} {
			code, ok := want[mc.name][org]
			if !ok {
				continue
			}
			for _, role := range []string{"EDITOR", "ADMIN"} {
				t.Run(mc.name+"/"+org+"/"+role, func(t *testing.T) {
					c := w.as(org, role)
					before := dbtest.Snapshot(t, w.url)
					res := c.Query(t, mc.query, mc.vars(w, m))
					got := refusal(t, res)
					if !strings.Contains(got, code) {
						t.Errorf("answered %s, want %s", got, code)
					}
					if diff := cmp.Diff(before, dbtest.Snapshot(t, w.url)); diff != "" {
						t.Errorf("refused, but the database changed:\n%s", diff)
					}
					if code == "NOT_FOUND" || code == "FORBIDDEN" && org == "other" {
						// The stranger learns nothing: the answer for a member it cannot
						// reach is the answer for an ID that no member has.
						if unknown := refusal(t, c.Query(t, mc.query, mc.vars(w, unknownMember))); unknown != got {
							t.Errorf("a hidden member answers\n%s\nan unknown one\n%s", got, unknown)
						}
					}
				})
			}
		}
	}

	// The holders still see what their roles show, and nothing changed hands.
	var seen struct {
		Node *struct {
			DisplayName     *string
			GuardianConsent *struct{ Relationship string }
		}
	}
	w.as("organizer", "VIEWER").Query(t, `query($id: ID!) { node(id: $id) { ... on Member { displayName guardianConsent { relationship } } } }`,
		map[string]any{"id": m}).MustData(t, &seen)
	if seen.Node == nil || seen.Node.DisplayName == nil || *seen.Node.DisplayName != "Hnin Wai" || seen.Node.GuardianConsent == nil ||
		seen.Node.GuardianConsent.Relationship != "PARENT" {
		t.Errorf("the organizer sees %+v, want the name and the owner's consent", seen.Node)
	}
	if n := memberRows(t, w.url, `member_shares WHERE organization_id = $1`, w.orgs["other"]); n != 0 {
		t.Errorf("%d shares with the stranger, want 0", n)
	}

	// The owner may do each of them; the member it erases last.
	for _, mc := range memberCases {
		if mc.name == "registerForEvent" || mc.name == "joinNetwork" || mc.name == "leaveNetwork" {
			continue // the owner neither organizes the event nor coordinates the network
		}
		memberOK(t, w.as("creator", "EDITOR"), mc.query, mc.vars(w, m), nil)
	}
	for _, action := range []string{"updateMember", "recordGuardianConsent", "shareMember", "unshareMember", "eraseMember"} {
		if n := memberRows(t, w.url, `audit_log WHERE action = $1 AND api_key_id IN (SELECT id FROM api_keys WHERE organization_id = $2)`, action, w.orgs["creator"]); n < 1 {
			t.Errorf("%s by the owner is not in the audit log", action)
		}
	}
}

// TestAHolderNeverPassesAMemberOn is the attack of issue 13: the owner shares a minor with
// the organizer, which registers it and then tries to hand it to a third organization in
// every way it has: sharing it, and enrolling it in a network that the third organization
// coordinates too. The third organization never reaches the member.
func TestAHolderNeverPassesAMemberOn(t *testing.T) {
	t.Parallel()
	w := newMemberWorld(t, memberEventOptions{capacity: ptr(int32(10))})
	m := w.newUnsharedMember(t, "Ei Mon", "AGE_13_15", map[string]any{"phone": "+95 9 333 444"})
	w.consent(t, m, "U Ba")
	w.share(t, w.as("creator", "EDITOR"), m, "organizer")
	w.register(t, m)

	// The organizer shares it on: refused, nothing written.
	memberDenied(t, w, w.as("organizer", "ADMIN"), shareMutation, map[string]any{"in": map[string]any{"member": m, "organization": w.org("coordinator")}}, "FORBIDDEN")
	// The coordinator tries to enrol it: the member does not exist for it.
	memberRefused(t, w, w.as("coordinator", "EDITOR"), joinMutation, map[string]any{"m": m, "n": w.network}, "NOT_FOUND", "input.member")

	// The organizer co-coordinates the coordinator's network and enrols the member there.
	if _, err := w.st.SeedOnce(t.Context(), "co-coordinator", func(wr *store.Writer) error {
		return wr.Insert(&models.NetworkCoordinator{NetworkID: w.networkID, OrganizationID: w.orgs["organizer"]})
	}); err != nil {
		t.Fatal(err)
	}
	memberOK(t, w.as("organizer", "EDITOR"), joinMutation, map[string]any{"m": m, "n": w.network}, nil)
	// The coordinator, whom the owner never chose, sees no trace of the member but the count.
	const probe = `query($id: ID!) { node(id: $id) { id ... on Member { displayName contact { phone } } }
		youthNetwork(slug: "asean-youth") { members { totalCount nodes { id displayName } } } }`
	body := w.as("coordinator", "ADMIN").Query(t, probe, map[string]any{"id": m})
	var got struct {
		Node         *struct{ ID string }
		YouthNetwork struct {
			Members struct {
				TotalCount int
				Nodes      []struct{ ID string }
			}
		}
	}
	body.MustData(t, &got)
	if got.Node != nil || got.YouthNetwork.Members.TotalCount != 0 || len(got.YouthNetwork.Members.Nodes) != 0 {
		t.Errorf("the coordinator reaches the member: %s", body.Data)
	}
	if n := memberRows(t, w.url, `member_access_log WHERE organization_id = $1`, w.orgs["coordinator"]); n != 0 {
		t.Errorf("%d reads of the member by the coordinator, want 0", n)
	}
	// The organizer, a holder enrolling it, lists it.
	w.as("organizer", "VIEWER").Query(t, probe, map[string]any{"id": m}).MustData(t, &got)
	if got.Node == nil || got.YouthNetwork.Members.TotalCount != 1 {
		t.Errorf("the organizer, which enrolled the member, sees %+v", got)
	}
}

// TestUnshareMember withdraws the organizer's share: from then on the organizer reads the
// member as a stranger does, through every path, while its registration stays and counts.
func TestUnshareMember(t *testing.T) {
	t.Parallel()
	w := newMemberWorld(t, memberEventOptions{capacity: ptr(int32(10))})
	m := w.newMember(t, "Su Su", "AGE_18_24", map[string]any{"email": "susu@example.org"})
	reg, _ := w.register(t, m)
	w.join(t, m)

	// Who holds the member: the owner's admins see it, nobody else.
	const sharedQuery = `query($id: ID!) { node(id: $id) { ... on Member { recordedBy { slug } sharedWith { organization { slug } sharedAt } } } }`
	type shared struct {
		Node *struct {
			RecordedBy struct{ Slug string }
			SharedWith *[]struct {
				Organization struct{ Slug string }
				SharedAt     string
			}
		}
	}
	var s shared
	w.as("creator", "ADMIN").Query(t, sharedQuery, map[string]any{"id": m}).MustData(t, &s)
	if s.Node == nil || s.Node.SharedWith == nil || len(*s.Node.SharedWith) != 2 || (*s.Node.SharedWith)[0].Organization.Slug != "mem-organizer" ||
		(*s.Node.SharedWith)[1].Organization.Slug != "mem-coordinator" || s.Node.RecordedBy.Slug != "mem-creator" {
		t.Errorf("the owner's admin sees %+v", s.Node)
	}
	for _, who := range [][2]string{{"creator", "EDITOR"}, {"organizer", "ADMIN"}, {"coordinator", "ADMIN"}} {
		var s shared
		w.as(who[0], who[1]).Query(t, sharedQuery, map[string]any{"id": m}).MustData(t, &s)
		if s.Node == nil || s.Node.SharedWith != nil || s.Node.RecordedBy.Slug != "mem-creator" {
			t.Errorf("%s %s sees %+v, want who recorded the member but not who holds it", who[0], who[1], s.Node)
		}
	}

	// The organizer's sync position before the withdrawal.
	syncSettled(t, w.st)
	var sync struct{ Changes struct{ Token string } }
	w.as("organizer", "VIEWER").Query(t, `{ changes(first: 500) { token } }`, nil).MustData(t, &sync)

	memberRefused(t, w, w.as("creator", "EDITOR"), unshareMutation, map[string]any{"in": map[string]any{"member": m, "organization": w.org("other")}}, "NOT_FOUND", "input.organization")
	memberOK(t, w.as("creator", "EDITOR"), unshareMutation, map[string]any{"in": map[string]any{"member": m, "organization": w.org("organizer")}}, nil)
	// The owner changes the member after the withdrawal.
	memberOK(t, w.as("creator", "EDITOR"), updateMemberMutation, map[string]any{"in": map[string]any{"member": m, "expectedVersion": 4, "phone": "+95 9 555"}}, nil)
	syncSettled(t, w.st)

	var got struct {
		Node  *struct{ ID string }
		Event struct {
			RegistrationCounts struct{ Confirmed struct{ Value *int } }
			Registrations      struct {
				Nodes []struct {
					ID     string
					Member *struct{ ID string }
				}
			}
		}
		Changes struct {
			Changes []struct {
				Op, Type, ID string
				Node         *struct{ ID string }
			}
		}
	}
	w.as("organizer", "ADMIN").Query(t, `query($id: ID!, $e: ID!, $since: String) { node(id: $id) { id }
		event(id: $e) { registrationCounts { confirmed { value } } registrations { nodes { id member { id } } } }
		changes(since: $since, first: 500) { changes { op type id node { id } } } }`,
		map[string]any{"id": m, "e": w.event, "since": sync.Changes.Token}).MustData(t, &got)
	if got.Node != nil {
		t.Errorf("the former holder reaches the member")
	}
	if regs := got.Event.Registrations.Nodes; len(regs) != 1 || regs[0].ID != reg || regs[0].Member != nil {
		t.Errorf("the former holder's registrations: %+v, want its registration without the member", regs)
	}
	if v := got.Event.RegistrationCounts.Confirmed.Value; v == nil || *v != 1 {
		t.Errorf("the former holder's count %v, want 1", v)
	}
	// The former holder's sync says once that the member left its sight, and nothing of it.
	var told int
	for _, c := range got.Changes.Changes {
		if c.ID != m {
			continue
		}
		told++
		if c.Op != "HIDDEN" || c.Node != nil {
			t.Errorf("the former holder's sync shows the member: %+v", c)
		}
	}
	if told != 1 {
		t.Errorf("the former holder's sync names the member %d times, want once, as HIDDEN", told)
	}
	var later struct {
		Changes struct{ Changes []struct{ ID string } }
	}
	memberOK(t, w.as("creator", "EDITOR"), updateMemberMutation, map[string]any{"in": map[string]any{"member": m, "expectedVersion": 5, "phone": "+95 9 556"}}, nil)
	syncSettled(t, w.st)
	w.as("organizer", "ADMIN").Query(t, `query($since: String) { changes(since: $since, first: 500) { changes { id } } }`,
		map[string]any{"since": sync.Changes.Token}).MustData(t, &later)
	// The tombstone again for the change it missed, and nothing for the later one.
	if n := len(later.Changes.Changes); n > 1 {
		t.Errorf("after a later change the former holder's sync has %d items, want the one tombstone", n)
	}
	// Nor may it register the member again, or enrol it.
	memberRefused(t, w, w.as("organizer", "EDITOR"), registerMutation, map[string]any{"e": w.event, "m": m}, "NOT_FOUND", "input.member")
	// The remaining holder still sees it; the owner's admin sees one share left.
	w.as("creator", "ADMIN").Query(t, sharedQuery, map[string]any{"id": m}).MustData(t, &s)
	if s.Node == nil || s.Node.SharedWith == nil || len(*s.Node.SharedWith) != 1 || (*s.Node.SharedWith)[0].Organization.Slug != "mem-coordinator" {
		t.Errorf("after the withdrawal the owner's admin sees %+v", s.Node)
	}
	// The owner's admin learns who read the member (the coordinator read its name in the
	// payload of its join); nobody else does.
	const readersQuery = `query($id: ID!) { node(id: $id) { ... on Member { readers { organization { slug } reads reasons lastReadAt } } } }`
	var r struct {
		Node *struct {
			Readers *[]struct {
				Organization struct{ Slug string }
				Reads        int
				Reasons      []string
			}
		}
	}
	w.as("creator", "ADMIN").Query(t, readersQuery, map[string]any{"id": m}).MustData(t, &r)
	readers := map[string]int{}
	if r.Node != nil && r.Node.Readers != nil {
		for _, rd := range *r.Node.Readers {
			readers[rd.Organization.Slug+" "+strings.Join(rd.Reasons, ",")] = rd.Reads
		}
	}
	if readers["mem-organizer event-organizer"] < 1 || readers["mem-creator recording-organization"] < 1 || readers["mem-coordinator network-coordinator"] < 1 {
		t.Errorf("the owner's admin sees the readers %v", readers)
	}
	w.as("coordinator", "ADMIN").Query(t, readersQuery, map[string]any{"id": m}).MustData(t, &r)
	if r.Node == nil || r.Node.Readers != nil {
		t.Errorf("a holder sees the readers: %+v", r.Node)
	}
	var audit string
	memberQueryValue(t, w.url, `SELECT before::text FROM audit_log WHERE action = 'unshareMember'`, nil, &audit)
	if !strings.Contains(audit, w.org("organizer")) || strings.Contains(audit, "Su Su") || strings.Contains(audit, "susu@") {
		t.Errorf("the withdrawal's audit entry %s", audit)
	}
}

// TestUpdateMember corrects a member's data as its owner, with the checks of createMember.
func TestUpdateMember(t *testing.T) {
	t.Parallel()
	w := newMemberWorld(t, memberEventOptions{})
	m := w.newUnsharedMember(t, "Thida", "AGE_16_17", map[string]any{"email": "thida@example.org", "country": "MM"})
	update := func(in map[string]any) map[string]any {
		in["member"] = m
		return map[string]any{"in": in}
	}
	memberRefused(t, w, w.as("creator", "EDITOR"), updateMemberMutation, update(map[string]any{"expectedVersion": 1, "displayName": " "}), "REQUIRED", "input.displayName")
	memberRefused(t, w, w.as("creator", "EDITOR"), updateMemberMutation, update(map[string]any{"expectedVersion": 1, "phone": "call me"}), "INVALID", "input.phone")
	memberRefused(t, w, w.as("creator", "EDITOR"), updateMemberMutation, update(map[string]any{"expectedVersion": 1, "country": "Atlantis"}), "UNKNOWN_COUNTRY", "input.country")
	memberDenied(t, w, w.as("creator", "EDITOR"), updateMemberMutation, update(map[string]any{"expectedVersion": 7, "displayName": "Late"}), "CONFLICT")
	memberDenied(t, w, w.as("creator", "VIEWER"), updateMemberMutation, update(map[string]any{"expectedVersion": 1, "displayName": "Viewer"}), "FORBIDDEN")

	var p createdMember
	memberOK(t, w.as("creator", "EDITOR"), updateMemberMutation, update(map[string]any{"expectedVersion": 1, "displayName": "Thida Aye",
		"ageBand": "AGE_18_24", "email": nil, "phone": "+95 9 222", "country": nil}), &p)
	got := p.Member
	if got.DisplayName == nil || *got.DisplayName != "Thida Aye" || got.AgeBand != "AGE_18_24" || got.Version != 2 || got.Country != nil ||
		got.Contact == nil || got.Contact.Email != nil || got.Contact.Phone == nil || *got.Contact.Phone != "+95 9 222" {
		t.Errorf("after the update the owner reads %+v", got)
	}
	if n := memberRows(t, w.url, `members WHERE id = $1 AND email IS NULL AND country_code IS NULL AND phone = '+95 9 222'`, mustKey(t, m)); n != 1 {
		t.Errorf("the update is not stored")
	}
	var audit string
	memberQueryValue(t, w.url, `SELECT before::text || after::text FROM audit_log WHERE action = 'updateMember'`, nil, &audit)
	for _, personal := range []string{"Thida", "thida@", "222"} {
		if strings.Contains(audit, personal) {
			t.Errorf("the update's audit entry holds %q: %s", personal, audit)
		}
	}
	// An erased member has nothing left to correct.
	memberOK(t, w.as("creator", "EDITOR"), eraseMutation, map[string]any{"m": m}, nil)
	memberRefused(t, w, w.as("creator", "EDITOR"), updateMemberMutation, update(map[string]any{"expectedVersion": 3, "displayName": "Back"}), "INVALID_STATE", "input.member")
}

// TestConsentNotBeforeBirth refuses a consent older than the member can be by its age band.
func TestConsentNotBeforeBirth(t *testing.T) {
	t.Parallel()
	w := newMemberWorld(t, memberEventOptions{})
	m := w.newUnsharedMember(t, "Ko Ko", "UNDER_13", nil)
	in := map[string]any{"member": m, "guardianName": "Daw Hla", "relationship": "PARENT", "method": "WRITTEN", "givenAt": "2012-11-20T10:00:00+06:30"}
	memberRefused(t, w, w.as("creator", "EDITOR"), consentMutation, map[string]any{"in": in}, "OUT_OF_RANGE", "input.givenAt")
	in["givenAt"] = "0001-01-01T00:00:00Z"
	memberRefused(t, w, w.as("creator", "EDITOR"), consentMutation, map[string]any{"in": in}, "OUT_OF_RANGE", "input.givenAt")
	in["givenAt"] = "2024-05-01T10:00:00+06:30"
	memberOK(t, w.as("creator", "EDITOR"), consentMutation, map[string]any{"in": in}, nil)
}

// mustKey decodes a member's global ID.
func mustKey(t *testing.T, id string) int64 {
	t.Helper()
	k, err := relay.DecodeInt(relay.TypeMember, id)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestSyncDoesNotCountRegistrations registers members for a public event between two syncs.
// The organizer, who sees the counts exactly, is told the event changed; anonymous callers
// and other organizations, who see them rounded, are told nothing, since an item for each
// registration would count what the rounding hides.
func TestSyncDoesNotCountRegistrations(t *testing.T) {
	t.Parallel()
	w := newMemberWorld(t, memberEventOptions{capacity: ptr(int32(10))})
	tokens := map[string]string{}
	callers := [][2]string{{"anonymous", ""}, {"other", "ADMIN"}, {"organizer", "VIEWER"}}
	// A change shows in a sync once every older transaction has ended (store.Changes): wait
	// for the world's writes, so that the first syncs hold the event and later ones do not
	// bring it for its creation.
	syncSettled(t, w.st)
	for _, c := range callers {
		var s struct{ Changes struct{ Token string } }
		w.as(c[0], c[1]).Query(t, `{ changes(first: 500) { token } }`, nil).MustData(t, &s)
		tokens[c[0]] = s.Changes.Token
	}
	for _, name := range []string{"Aung", "Bo", "Chit"} {
		w.register(t, w.newMember(t, name, "AGE_18_24", nil))
	}
	syncSettled(t, w.st)
	for _, c := range callers {
		var s struct {
			Changes struct{ Changes []struct{ Type, ID string } }
		}
		w.as(c[0], c[1]).Query(t, `query($since: String) { changes(since: $since, first: 500) { changes { type id } } }`,
			map[string]any{"since": tokens[c[0]]}).MustData(t, &s)
		var told int
		for _, ch := range s.Changes.Changes {
			if ch.ID == w.event {
				told++
			}
		}
		if want := map[string]bool{"organizer": true}[c[0]]; (told > 0) != want {
			t.Errorf("%s: the event is in the sync %d times after 3 registrations, want it there: %v", c[0], told, want)
		}
	}
}

// syncSettled waits until every transaction that wrote a change has ended, as the sync sees
// it; a bounded wait, since a transaction held open would stall the sync for good.
func syncSettled(t *testing.T, st *store.Store) {
	t.Helper()
	for range 1000 {
		ok, err := st.Settled(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the changes never settled: is a transaction held open?")
}
