package api_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/store"
	"campaigns/models"
)

// authzWorld is what every mutation of the matrix acts on: records owned by organization A.
type authzWorld struct {
	st   *store.Store
	url  string
	keys map[string]string // by caller name
	ids  map[string]string // global IDs by name
}

// The callers of the matrix.
const (
	anonymous   = "anonymous"
	viewerA     = "A's viewer"
	editorA     = "A's editor"
	adminA      = "A's admin"
	editorOther = "another organization's editor"
	platform    = "a platform key"
)

var callers = []string{anonymous, viewerA, editorA, adminA, editorOther, platform}

func newAuthzWorld(t *testing.T) *authzWorld {
	t.Helper()
	st, url := dbtest.NewWithURL(t)
	w := &authzWorld{st: st, url: url, keys: map[string]string{}, ids: map[string]string{}}
	w.keys[viewerA] = apitest.Key(t, st, "org-a", "VIEWER")
	w.keys[editorA] = apitest.Key(t, st, "org-a", "EDITOR")
	w.keys[adminA] = apitest.Key(t, st, "org-a", "ADMIN")
	w.keys[editorOther] = apitest.Key(t, st, "org-b", "EDITOR")
	w.keys[platform] = apitest.Key(t, st, "operator", "PLATFORM")
	spare := apitest.Key(t, st, "org-a", "VIEWER")
	ctx := context.Background()
	a, err := st.OrganizationBySlug(ctx, "org-a")
	if err != nil {
		t.Fatal(err)
	}
	c3, err := st.OrganizationBySlug(ctx, "org-b")
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.SeedOnce(ctx, "authz-world", func(wr *store.Writer) error {
		if err := wr.Insert(&models.Country{Code: "MM", Name: "Myanmar", AliasList: []string{"Burma"}}); err != nil {
			return err
		}
		campaign := &models.Campaign{Slug: "a-campaign", Name: "A's campaign", Status: "ACTIVE", OwnerID: &a.ID,
			StartPrecision: "DAY", EndPrecision: "DAY", Version: 1}
		if err := wr.Insert(campaign); err != nil {
			return err
		}
		host := &models.CampaignPartner{CampaignID: campaign.ID, OrganizationID: c3.ID, Role: "HOST"}
		start := time.Now().Add(30 * 24 * time.Hour).Truncate(time.Minute)
		event := &models.Event{CampaignID: campaign.ID, Title: "A's training", Kind: "TRAINING", Status: "SCHEDULED",
			StartBound: start, DatePrecision: "MINUTE", TimeZone: ptr("Asia/Yangon"), OrganizerID: a.ID,
			Capacity: ptr(int32(10)), RegistrationEnabled: true, WaitlistEnabled: true, Version: 1}
		network := &models.YouthNetwork{Slug: "a-network", Name: "A's network", Scope: "REGIONAL", OwnerID: &a.ID, Version: 1}
		m1 := &models.Member{DisplayName: ptr("Member One"), AgeBand: "AGE_18_24", OrganizationID: a.ID, Version: 1}
		m2 := &models.Member{DisplayName: ptr("Member Two"), AgeBand: "AGE_18_24", OrganizationID: a.ID, Version: 1}
		if err := wr.Insert(host, event, network, m1, m2); err != nil {
			return err
		}
		reg := &models.Registration{EventID: event.ID, MemberID: m2.ID, Status: "CONFIRMED"}
		if err := wr.Insert(&models.NetworkCoordinator{NetworkID: network.ID, OrganizationID: a.ID},
			&models.Membership{NetworkID: network.ID, MemberID: m2.ID, JoinedAt: time.Now()}, reg); err != nil {
			return err
		}
		w.ids["campaign"], w.ids["event"], w.ids["network"] = campaign.GlobalID(), event.GlobalID(), network.GlobalID()
		w.ids["m1"], w.ids["m2"], w.ids["registration"] = m1.GlobalID(), m2.GlobalID(), reg.GlobalID()
		w.ids["orgA"], w.ids["orgB"] = a.GlobalID(), c3.GlobalID()
		return nil
	})
	if err != nil {
		t.Fatalf("build the world: %v", err)
	}
	keys, err := st.APIKeysOf(ctx, "org-a")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if len(spare) > len(k.Prefix) && spare[:len(k.Prefix)] == k.Prefix {
			w.ids["spareKey"] = k.GlobalID()
		}
	}
	return w
}

// who says which callers a mutation allows; every other caller is refused.
type who int

const (
	ownEditors   who = iota // editors and admins of the owning organization A
	anyEditors              // editors and admins of any organization (it creates its own record)
	ownAdmins               // admins of A
	anyAdmins               // admins and platform keys of any organization, for their own
	platformOnly            // platform keys
)

func (w who) allows(caller string) bool {
	switch w {
	case ownEditors:
		return caller == editorA || caller == adminA
	case anyEditors:
		return caller == editorA || caller == adminA || caller == editorOther || caller == platform
	case ownAdmins:
		return caller == adminA
	case anyAdmins:
		return caller == adminA || caller == platform
	case platformOnly:
		return caller == platform
	}
	return false
}

type mutationCase struct {
	name  string
	who   who
	query string
	vars  func(ids map[string]string) map[string]any
}

// hiddenFrom names, by mutation, the refused callers who may not read its record at all:
// they are answered NOT_FOUND, as for a record that does not exist, rather than FORBIDDEN.
var hiddenFrom = map[string][]string{
	"cancelRegistration": {editorOther, platform}, // only the event's organizer reads a registration
	"recordAttendance":   {editorOther, platform},
	"revokeApiKey":       {platform}, // only its organization's admins know of a key
	// Only the organization that recorded a member, and those it shared it with, reach it.
	"recordGuardianConsent": {editorOther, platform},
	"eraseMember":           {editorOther, platform},
}

var soon = time.Now().Add(60 * 24 * time.Hour).Truncate(time.Minute).UTC().Format(time.RFC3339)

var mutationCases = []mutationCase{
	{"createCampaign", anyEditors, `mutation { m: createCampaign(input: {slug: "new-campaign", name: "New"}) { userErrors { code message } } }`, nil},
	{"updateCampaign", ownEditors, `mutation($id: ID!) { m: updateCampaign(input: {id: $id, expectedVersion: 1, name: "Renamed"}) { userErrors { code message } } }`, idVar("campaign")},
	{"archiveCampaign", ownEditors, `mutation($id: ID!) { m: archiveCampaign(input: {id: $id, expectedVersion: 1}) { userErrors { code message } } }`, idVar("campaign")},
	{"addCampaignPartner", ownEditors, `mutation($id: ID!, $org: ID!) { m: addCampaignPartner(input: {campaign: $id, organization: $org, role: FUNDER}) { userErrors { code message } } }`,
		func(ids map[string]string) map[string]any {
			return map[string]any{"id": ids["campaign"], "org": ids["orgB"]}
		}},
	{"removeCampaignPartner", ownEditors, `mutation($id: ID!, $org: ID!) { m: removeCampaignPartner(input: {campaign: $id, organization: $org, role: HOST}) { userErrors { code message } } }`,
		func(ids map[string]string) map[string]any {
			return map[string]any{"id": ids["campaign"], "org": ids["orgB"]}
		}},
	{"recordFundingCommitment", ownEditors, `mutation($id: ID!, $org: ID!) { m: recordFundingCommitment(input: {campaign: $id, funder: $org, amount: "10.00", currency: "USD"}) { userErrors { code message } } }`,
		func(ids map[string]string) map[string]any {
			return map[string]any{"id": ids["campaign"], "org": ids["orgA"]}
		}},
	{"recordIndicatorValues", ownEditors, `mutation($id: ID!) { m: recordIndicatorValues(input: {campaign: $id, code: "reach", name: "Reach", unit: PEOPLE, start: "2013", end: "2013", actual: 10}) { userErrors { code message } } }`, idVar("campaign")},
	{"createResult", ownEditors, `mutation($id: ID!) { m: createResult(input: {campaign: $id, type: OUTCOME, title: "Young people know the risks"}) { userErrors { code message } } }`, idVar("campaign")},
	{"createEvent", ownEditors, `mutation($id: ID!, $at: DateTime!) { m: createEvent(input: {campaign: $id, title: "New event", kind: OUTREACH, startsAt: $at, timeZone: "Asia/Yangon"}) { userErrors { code message } } }`,
		func(ids map[string]string) map[string]any { return map[string]any{"id": ids["campaign"], "at": soon} }},
	{"updateEvent", ownEditors, `mutation($id: ID!) { m: updateEvent(input: {id: $id, expectedVersion: 1, title: "Renamed"}) { userErrors { code message } } }`, idVar("event")},
	{"cancelEvent", ownEditors, `mutation($id: ID!) { m: cancelEvent(input: {id: $id, expectedVersion: 1}) { userErrors { code message } } }`, idVar("event")},
	{"rescheduleEvent", ownEditors, `mutation($id: ID!, $at: DateTime!) { m: rescheduleEvent(input: {id: $id, expectedVersion: 1, startsAt: $at}) { userErrors { code message } } }`,
		func(ids map[string]string) map[string]any { return map[string]any{"id": ids["event"], "at": soon} }},
	{"createYouthNetwork", anyEditors, `mutation { m: createYouthNetwork(input: {slug: "new-network", name: "New", scope: REGIONAL}) { userErrors { code message } } }`, nil},
	{"updateYouthNetwork", ownEditors, `mutation($id: ID!) { m: updateYouthNetwork(input: {id: $id, expectedVersion: 1, name: "Renamed"}) { userErrors { code message } } }`, idVar("network")},
	{"createMember", anyEditors, `mutation { m: createMember(input: {displayName: "New member", ageBand: AGE_18_24}) { userErrors { code message } } }`, nil},
	{"recordGuardianConsent", ownEditors, `mutation($id: ID!) { m: recordGuardianConsent(input: {member: $id, guardianName: "A guardian", relationship: PARENT, method: WRITTEN, givenAt: "2012-11-20T10:00:00+07:00"}) { userErrors { code message } } }`, idVar("m1")},
	{"joinNetwork", ownEditors, `mutation($m: ID!, $n: ID!) { m: joinNetwork(input: {member: $m, network: $n}) { userErrors { code message } } }`,
		func(ids map[string]string) map[string]any { return map[string]any{"m": ids["m1"], "n": ids["network"]} }},
	{"leaveNetwork", ownEditors, `mutation($m: ID!, $n: ID!) { m: leaveNetwork(input: {member: $m, network: $n}) { userErrors { code message } } }`,
		func(ids map[string]string) map[string]any { return map[string]any{"m": ids["m2"], "n": ids["network"]} }},
	{"eraseMember", ownEditors, `mutation($id: ID!) { m: eraseMember(input: {member: $id}) { userErrors { code message } } }`, idVar("m2")},
	{"registerForEvent", ownEditors, `mutation($e: ID!, $m: ID!) { m: registerForEvent(input: {event: $e, member: $m}) { userErrors { code message } } }`,
		func(ids map[string]string) map[string]any { return map[string]any{"e": ids["event"], "m": ids["m1"]} }},
	{"cancelRegistration", ownEditors, `mutation($id: ID!) { m: cancelRegistration(input: {id: $id}) { userErrors { code message } } }`, idVar("registration")},
	{"recordAttendance", ownEditors, `mutation($id: ID!) { m: recordAttendance(input: {id: $id, attended: true}) { userErrors { code message } } }`, idVar("registration")},
	{"createApiKey", anyAdmins, `mutation { m: createApiKey(input: {role: VIEWER, name: "new"}) { userErrors { code message } } }`, nil},
	{"revokeApiKey", ownAdmins, `mutation($id: ID!) { m: revokeApiKey(input: {id: $id}) { userErrors { code message } } }`, idVar("spareKey")},
	{"createOrganization", platformOnly, `mutation { m: createOrganization(input: {slug: "new-org", name: "New", kind: CIVIL_SOCIETY}) { userErrors { code message } } }`, nil},
	{"updateOrganization", platformOnly, `mutation($id: ID!) { m: updateOrganization(input: {id: $id, name: "Renamed"}) { userErrors { code message } } }`, idVar("orgA")},
	{"upsertCountry", platformOnly, `mutation { m: upsertCountry(input: {code: "LA", name: "Lao People's Democratic Republic", aseanMember: true}) { userErrors { code message } } }`, nil},
}

// refusalCode returns the code of a refused mutation: its error's, or else its first user
// error's.
func refusalCode(t *testing.T, res *apitest.Response) string {
	t.Helper()
	if len(res.Errors) > 0 {
		return res.Errors[0].Code()
	}
	var got struct {
		M struct {
			UserErrors []struct{ Code string }
		}
	}
	res.MustData(t, &got)
	if len(got.M.UserErrors) == 0 {
		t.Fatalf("expected a refusal, got %s", res.Data)
	}
	return got.M.UserErrors[0].Code
}

func idVar(name string) func(map[string]string) map[string]any {
	return func(ids map[string]string) map[string]any { return map[string]any{"id": ids[name]} }
}

// TestAuthorizationMatrix sends every mutation as every kind of caller. A refusal must answer
// UNAUTHENTICATED (no key), NOT_FOUND (a caller who may not read the record: as an error or a
// user error, as for an unknown ID) or FORBIDDEN, and leave every table exactly as it was; an
// allowed caller must succeed with no user errors.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	for _, mc := range mutationCases {
		t.Run(mc.name, func(t *testing.T) {
			t.Parallel()
			w := newAuthzWorld(t)
			c := apitest.New(w.st)
			vars := map[string]any{}
			if mc.vars != nil {
				vars = mc.vars(w.ids)
			}
			// Use every key once first: a key's first use records last_used_at, which is not
			// a write of the mutation under test.
			for _, caller := range callers {
				c.As(w.keys[caller]).Query(t, `{ __typename }`, nil)
			}
			before := dbtest.Snapshot(t, w.url)
			for _, caller := range callers {
				if mc.who.allows(caller) {
					continue
				}
				res := c.As(w.keys[caller]).Query(t, mc.query, vars)
				want := "FORBIDDEN"
				switch {
				case caller == anonymous:
					want = "UNAUTHENTICATED"
				case slices.Contains(hiddenFrom[mc.name], caller):
					want = "NOT_FOUND"
				}
				if got := refusalCode(t, res); got != want {
					t.Errorf("%s: code %s (%+v %s), want %s", caller, got, res.Errors, res.Data, want)
				}
				if diff := cmp.Diff(before, dbtest.Snapshot(t, w.url)); diff != "" {
					t.Fatalf("%s was refused but the database changed:\n%s", caller, diff)
				}
			}
			for _, caller := range callers {
				if !mc.who.allows(caller) {
					continue
				}
				w := newAuthzWorld(t)
				vars := map[string]any{}
				if mc.vars != nil {
					vars = mc.vars(w.ids)
				}
				var got struct {
					M struct {
						UserErrors []struct{ Code, Message string }
					}
				}
				apitest.New(w.st).As(w.keys[caller]).Query(t, mc.query, vars).MustData(t, &got)
				if len(got.M.UserErrors) > 0 {
					t.Errorf("%s: user errors %+v", caller, got.M.UserErrors)
				}
			}
		})
	}
}
