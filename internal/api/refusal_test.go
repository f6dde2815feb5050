package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
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

// hidWorld is organization A's records as three other parties see them: B, a stranger that
// reads what is published; C, a partner of A's draft campaign (without the right to edit it)
// and invited to co-host A's partner-only event; and the platform's operator.
type hidWorld struct {
	st   *store.Store
	url  string
	c    *apitest.Client
	keys map[string]string
	// ids are global IDs by name: published and hidden records of A's, and others.
	ids map[string]string
}

// The callers of a hidWorld.
const (
	hidOwner       = "A's editor"
	hidOwnerAdmin  = "A's admin"
	hidStranger    = "B's editor"
	hidStrangerAdm = "B's admin"
	hidPartner     = "C's editor"
	hidPlatform    = "the platform"
)

func newHidWorld(t *testing.T) *hidWorld {
	t.Helper()
	st, url := dbtest.NewWithURL(t)
	w := &hidWorld{st: st, url: url, c: apitest.New(st), keys: map[string]string{}, ids: map[string]string{}}
	w.keys[hidOwner] = apitest.Key(t, st, "org-a", "EDITOR")
	w.keys[hidOwnerAdmin] = apitest.Key(t, st, "org-a", "ADMIN")
	spare := apitest.Key(t, st, "org-a", "VIEWER")
	w.keys[hidStranger] = apitest.Key(t, st, "org-b", "EDITOR")
	w.keys[hidStrangerAdm] = apitest.Key(t, st, "org-b", "ADMIN")
	w.keys[hidPartner] = apitest.Key(t, st, "org-c", "EDITOR")
	w.keys[hidPlatform] = apitest.Key(t, st, "operator", "PLATFORM")
	ctx := context.Background()
	org := func(slug string) *models.Organization {
		o, err := st.OrganizationBySlug(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	a, b, c := org("org-a"), org("org-b"), org("org-c")
	_, err := st.SeedOnce(ctx, "hidden-world", func(wr *store.Writer) error {
		if err := wr.Insert(&models.Country{Code: "MM", Name: "Myanmar", AliasList: []string{"Burma"}}); err != nil {
			return err
		}
		campaign := func(slug, status string) *models.Campaign {
			return &models.Campaign{Slug: slug, Name: "Campaign " + slug, Status: status, OwnerID: &a.ID,
				StartPrecision: "DAY", EndPrecision: "DAY", Version: 1}
		}
		published, draft := campaign("published", "ACTIVE"), campaign("draft", "DRAFT")
		if err := wr.Insert(published, draft); err != nil {
			return err
		}
		start := time.Now().Add(30 * 24 * time.Hour).Truncate(time.Minute)
		event := func(title, visibility string) *models.Event {
			return &models.Event{CampaignID: published.ID, Title: title, Kind: "TRAINING", Status: "SCHEDULED",
				StartBound: start, DatePrecision: "MINUTE", TimeZone: ptr("Asia/Yangon"), OrganizerID: a.ID, Visibility: visibility,
				Capacity: ptr(int32(10)), RegistrationEnabled: true, WaitlistEnabled: true, Version: 1}
		}
		public, partnersOnly := event("Public training", "PUBLIC"), event("Partners' training", "PARTNERS")
		network := &models.YouthNetwork{Slug: "a-network", Name: "A's network", Scope: "REGIONAL", OwnerID: &a.ID, Version: 1}
		indPublished := &models.Indicator{CampaignID: published.ID, Code: "reach", Name: "Reach", Unit: "PEOPLE"}
		indDraft := &models.Indicator{CampaignID: draft.ID, Code: "reach", Name: "Reach", Unit: "PEOPLE"}
		member := &models.Member{DisplayName: ptr("Member"), AgeBand: "AGE_18_24", OrganizationID: a.ID, Version: 1}
		if err := wr.Insert(public, partnersOnly, network, indPublished, indDraft, member); err != nil {
			return err
		}
		reg := &models.Registration{EventID: partnersOnly.ID, MemberID: member.ID, Status: "CONFIRMED"}
		funding := &models.FundingCommitment{CampaignID: draft.ID, FunderID: a.ID, AmountMinor: 5000000, Currency: "USD", CommittedPrecision: "DAY"}
		err := wr.Insert(reg, funding, &models.NetworkCoordinator{NetworkID: network.ID, OrganizationID: a.ID},
			&models.CampaignPartner{CampaignID: draft.ID, OrganizationID: c.ID, Role: "HOST"},
			&models.CoHostInvitation{EventID: partnersOnly.ID, OrganizationID: c.ID, Status: "PENDING", InvitedBy: a.ID, InvitedAt: time.Now()})
		if err != nil {
			return err
		}
		for name, id := range map[string]string{
			"publishedCampaign": published.GlobalID(), "draftCampaign": draft.GlobalID(),
			"publicEvent": public.GlobalID(), "hiddenEvent": partnersOnly.GlobalID(), "network": network.GlobalID(),
			"publishedIndicator": indPublished.GlobalID(), "draftIndicator": indDraft.GlobalID(),
			"registration": reg.GlobalID(), "orgA": a.GlobalID(), "orgB": b.GlobalID(), "orgC": c.GlobalID(),
			"draftFunding": funding.GlobalID(), "member": member.GlobalID(),
		} {
			w.ids[name] = id
		}
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
		if strings.HasPrefix(spare, k.Prefix) {
			w.ids["spareKey"] = k.GlobalID()
		}
	}
	for _, k := range w.keys { // a key's first use stamps it, which is no write of a mutation
		w.c.As(k).Query(t, `{ __typename }`, nil)
	}
	return w
}

// hidUnknown is a global ID of typ that no record has.
func hidUnknown(typ string) string { return relay.EncodeInt(typ, 987654) }

// requestIDs matches the request id of an answer, the one part that differs between requests.
var requestIDs = regexp.MustCompile(`"requestId":"[^"]*"`)

// hidPost sends a mutation as key and returns its HTTP status and body, request id blanked.
func hidPost(t *testing.T, c *apitest.Client, key, query string, vars map[string]any) string {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	rec := httptest.NewRecorder()
	c.Handler.ServeHTTP(rec, req)
	return http.StatusText(rec.Code) + " " + requestIDs.ReplaceAllString(rec.Body.String(), `"requestId":""`)
}

// hidCase is one mutation aimed at a record through one of its inputs.
type hidCase struct {
	name, input, selection string
	// in builds the input with target as the record under test.
	in func(w *hidWorld, target string) map[string]any
	// typ is the record's type, for an unknown ID.
	typ string
	// hidden names a record of A's that refused can neither read nor change.
	hidden string
	// visible names a record of A's that refused reads but may not change ("" for none):
	// it is answered FORBIDDEN, or visibleCode when set.
	visible, visibleCode string
	// refused is who is refused; owner may do it, with hidden as the target.
	refused, owner string
}

func hidMutation(name, input, selection string) string {
	return `mutation($in: ` + input + `!) { m: ` + name + `(input: $in) { ` + selection + ` userErrors { field code message } } }`
}

func hidCases() []hidCase {
	soon := time.Now().Add(60 * 24 * time.Hour).Truncate(time.Minute).UTC().Format(time.RFC3339)
	id := func(more map[string]any) func(*hidWorld, string) map[string]any {
		return func(_ *hidWorld, target string) map[string]any {
			in := map[string]any{"id": target}
			for k, v := range more {
				in[k] = v
			}
			return in
		}
	}
	field := func(name string, more map[string]any) func(*hidWorld, string) map[string]any {
		return func(_ *hidWorld, target string) map[string]any {
			in := map[string]any{name: target}
			for k, v := range more {
				in[k] = v
			}
			return in
		}
	}
	translate := func(f string) func(*hidWorld, string) map[string]any {
		return field("record", map[string]any{"translations": []map[string]any{{"field": f, "language": "my", "text": "ဘာသာပြန်"}}})
	}
	campaign := func(name, input string, more map[string]any) hidCase {
		return hidCase{name: name, input: input, selection: "__typename", in: field("campaign", more), typ: relay.TypeCampaign,
			hidden: "draftCampaign", visible: "publishedCampaign", refused: hidStranger, owner: hidOwner}
	}
	event := func(name, input string, more map[string]any) hidCase {
		return hidCase{name: name, input: input, selection: "event { id }", in: id(more), typ: relay.TypeEvent,
			hidden: "hiddenEvent", visible: "publicEvent", refused: hidStranger, owner: hidOwner}
	}
	answer := func(name string) hidCase {
		// An invitation is answered by the invited: to anyone else, an event without one for
		// it, hidden or not, is as good as unknown.
		return hidCase{name: name, input: "AnswerCoHostInput", selection: "invitation { status }", in: field("event", nil), typ: relay.TypeEvent,
			hidden: "hiddenEvent", visible: "publicEvent", visibleCode: "NOT_FOUND", refused: hidStranger, owner: hidPartner}
	}
	return []hidCase{
		{name: "updateCampaign", input: "UpdateCampaignInput", selection: "campaign { id }", in: id(map[string]any{"expectedVersion": 1, "name": "Renamed"}),
			typ: relay.TypeCampaign, hidden: "draftCampaign", visible: "publishedCampaign", refused: hidStranger, owner: hidOwner},
		{name: "archiveCampaign", input: "ArchiveCampaignInput", selection: "campaign { id }", in: id(map[string]any{"expectedVersion": 1}),
			typ: relay.TypeCampaign, hidden: "draftCampaign", visible: "publishedCampaign", refused: hidStranger, owner: hidOwner},
		campaign("addCampaignPartner", "AddCampaignPartnerInput", map[string]any{"organization": "orgB", "role": "FUNDER"}),
		campaign("removeCampaignPartner", "RemoveCampaignPartnerInput", map[string]any{"organization": "orgC", "role": "HOST"}),
		campaign("recordFundingCommitment", "RecordFundingCommitmentInput", map[string]any{"funder": "orgA", "amount": "10.00", "currency": "USD"}),
		campaign("recordIndicatorValues", "RecordIndicatorValuesInput", map[string]any{"code": "new", "name": "New", "unit": "PEOPLE", "start": "2013", "end": "2013", "actual": 10}),
		campaign("createResult", "CreateResultInput", map[string]any{"type": "OUTCOME", "title": "Young people know the risks"}),
		{name: "createCampaign (parent)", input: "CreateCampaignInput", selection: "campaign { id }", in: field("parent", map[string]any{"slug": "child", "name": "Child"}),
			typ: relay.TypeCampaign, hidden: "draftCampaign", visible: "publishedCampaign", refused: hidStranger, owner: hidOwner},
		{name: "createEvent (campaign)", input: "CreateEventInput", selection: "event { id }",
			in:  field("campaign", map[string]any{"title": "New", "kind": "OUTREACH", "startsAt": soon, "timeZone": "Asia/Yangon", "capacity": -1}),
			typ: relay.TypeCampaign, hidden: "draftCampaign", visible: "publishedCampaign", refused: hidStranger, owner: ""},
		{name: "createEvent (campaign, valid)", input: "CreateEventInput", selection: "event { id }",
			in:  field("campaign", map[string]any{"title": "New", "kind": "OUTREACH", "startsAt": soon, "timeZone": "Asia/Yangon"}),
			typ: relay.TypeCampaign, hidden: "draftCampaign", visible: "publishedCampaign", refused: hidStranger, owner: hidOwner},
		event("updateEvent", "UpdateEventInput", map[string]any{"expectedVersion": 1, "title": "Renamed"}),
		// A version check would tell that the record exists, and its version.
		{name: "updateEvent (stale version)", input: "UpdateEventInput", selection: "event { id }", in: id(map[string]any{"expectedVersion": 7, "title": "Renamed"}),
			typ: relay.TypeEvent, hidden: "hiddenEvent", visible: "publicEvent", refused: hidStranger},
		event("cancelEvent", "CancelEventInput", map[string]any{"expectedVersion": 1}),
		event("rescheduleEvent", "RescheduleEventInput", map[string]any{"expectedVersion": 1, "startsAt": soon}),
		{name: "setTranslations (campaign)", input: "SetTranslationsInput", selection: "record { id }", in: translate("NAME"),
			typ: relay.TypeCampaign, hidden: "draftCampaign", visible: "publishedCampaign", refused: hidStranger, owner: hidOwner},
		{name: "setTranslations (event)", input: "SetTranslationsInput", selection: "record { id }", in: translate("TITLE"),
			typ: relay.TypeEvent, hidden: "hiddenEvent", visible: "publicEvent", refused: hidStranger, owner: hidOwner},
		{name: "setTranslations (indicator)", input: "SetTranslationsInput", selection: "record { id }", in: translate("NAME"),
			typ: relay.TypeIndicator, hidden: "draftIndicator", visible: "publishedIndicator", refused: hidStranger, owner: hidOwner},
		{name: "setTranslations (network)", input: "SetTranslationsInput", selection: "record { id }", in: translate("NAME"),
			typ: relay.TypeYouthNetwork, visible: "network", refused: hidStranger, owner: hidOwner},
		{name: "updateYouthNetwork", input: "UpdateYouthNetworkInput", selection: "youthNetwork { id }", in: id(map[string]any{"expectedVersion": 1, "name": "Renamed"}),
			typ: relay.TypeYouthNetwork, visible: "network", refused: hidStranger, owner: hidOwner},
		{name: "createYouthNetwork (parent)", input: "CreateYouthNetworkInput", selection: "youthNetwork { id }",
			in:  field("parent", map[string]any{"slug": "chapter", "name": "Chapter", "scope": "NATIONAL", "country": "MM"}),
			typ: relay.TypeYouthNetwork, visible: "network", refused: hidStranger, owner: hidOwner},
		{name: "createYouthNetwork (foundedAt)", input: "CreateYouthNetworkInput", selection: "youthNetwork { id }",
			in:  field("foundedAt", map[string]any{"slug": "founded", "name": "Founded", "scope": "REGIONAL"}),
			typ: relay.TypeEvent, hidden: "hiddenEvent", refused: hidStranger, owner: hidOwner},
		{name: "cancelRegistration", input: "CancelRegistrationInput", selection: "registration { id }", in: id(nil),
			typ: relay.TypeRegistration, hidden: "registration", refused: hidStranger, owner: hidOwner},
		{name: "recordAttendance", input: "RecordAttendanceInput", selection: "registration { id }", in: id(map[string]any{"attended": true}),
			typ: relay.TypeRegistration, hidden: "registration", refused: hidStranger, owner: hidOwner},
		{name: "revokeApiKey", input: "RevokeApiKeyInput", selection: "apiKey { id }", in: id(nil),
			typ: relay.TypeAPIKey, hidden: "spareKey", refused: hidStrangerAdm, owner: hidOwnerAdmin},
		{name: "inviteCoHost", input: "InviteCoHostInput", selection: "invitation { status }", in: field("event", map[string]any{"organization": "orgB"}),
			typ: relay.TypeEvent, hidden: "hiddenEvent", visible: "publicEvent", refused: hidStranger, owner: hidOwner},
		{name: "withdrawCoHostInvitation", input: "WithdrawCoHostInvitationInput", selection: "invitation { status }", in: field("event", map[string]any{"organization": "orgC"}),
			typ: relay.TypeEvent, hidden: "hiddenEvent", visible: "publicEvent", refused: hidStranger, owner: hidOwner},
		// registerForEvent is a member mutation, but its event is found as every other write
		// finds one.
		{name: "registerForEvent (event)", input: "RegisterForEventInput", selection: "registration { id }", in: field("event", map[string]any{"member": "member"}),
			typ: relay.TypeEvent, hidden: "hiddenEvent", visible: "publicEvent", refused: hidStranger},
		answer("acceptCoHost"),
		answer("declineCoHost"),
	}
}

// resolve replaces the names of w's records among an input's values by their IDs.
func (w *hidWorld) resolve(in map[string]any) map[string]any {
	for k, v := range in {
		if s, ok := v.(string); ok && w.ids[s] != "" {
			in[k] = w.ids[s]
		}
	}
	return in
}

// TestHiddenRecordsAnswerAsUnknown sends every mutation that names a record, other than the
// member mutations, aimed at a record of A's that the caller may not read, and at an ID
// nobody has: the two answers must be the same bytes (but for the request id), and neither
// may write. A record the caller reads but may not change is refused FORBIDDEN, and A may do
// what the others may not. (Organizations and countries are public, and createApiKey,
// createOrganization and upsertCountry name no record: the authorization matrix covers them.)
func TestHiddenRecordsAnswerAsUnknown(t *testing.T) {
	t.Parallel()
	for _, tc := range hidCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newHidWorld(t)
			query := hidMutation(strings.Fields(tc.name)[0], tc.input, tc.selection)
			send := func(key, target string) string {
				return hidPost(t, w.c, w.keys[key], query, map[string]any{"in": w.resolve(tc.in(w, target))})
			}
			before := dbtest.Snapshot(t, w.url)
			unknown := send(tc.refused, hidUnknown(tc.typ))
			if !strings.Contains(unknown, "NOT_FOUND") {
				t.Errorf("an unknown ID is answered %s, want NOT_FOUND", unknown)
			}
			if tc.hidden != "" {
				if hidden := send(tc.refused, w.ids[tc.hidden]); hidden != unknown {
					t.Errorf("%s on a record it may not read is told apart from an unknown ID:\nhidden:  %s\nunknown: %s", tc.refused, hidden, unknown)
				}
			}
			if tc.visible != "" {
				got := send(tc.refused, w.ids[tc.visible])
				if tc.visibleCode == "NOT_FOUND" {
					if got != unknown {
						t.Errorf("%s on a record without its invitation is told apart from an unknown ID:\nvisible: %s\nunknown: %s", tc.refused, got, unknown)
					}
				} else if !strings.Contains(got, `"code":"FORBIDDEN"`) {
					t.Errorf("%s on a record it reads but may not change: %s, want FORBIDDEN", tc.refused, got)
				}
			}
			if diff := cmp.Diff(before, dbtest.Snapshot(t, w.url)); diff != "" {
				t.Fatalf("refused, yet the database changed:\n%s", diff)
			}
			if tc.owner == "" || tc.hidden == "" {
				return
			}
			if got := send(tc.owner, w.ids[tc.hidden]); strings.Contains(got, `"code"`) || strings.Contains(got, `"errors"`) {
				t.Errorf("%s, who may, was refused: %s", tc.owner, got)
			}
		})
	}
}

// TestNodeHidesWhatHangsOffADraft: an indicator or a funding commitment of a draft campaign
// is, to whoever may not see the draft, null from node, as the writes answer it NOT_FOUND;
// through it the draft's name was readable by anyone.
func TestNodeHidesWhatHangsOffADraft(t *testing.T) {
	t.Parallel()
	w := newHidWorld(t)
	const q = `query($id: ID!) { node(id: $id) { id ... on Indicator { campaign { name } } } }`
	for _, record := range []string{"draftIndicator", "draftFunding"} {
		for key, sees := range map[string]bool{"": false, hidStranger: false, hidOwner: true, hidPartner: true} {
			var got struct{ Node *struct{ ID string } }
			w.c.As(w.keys[key]).Query(t, q, map[string]any{"id": w.ids[record]}).MustData(t, &got)
			if (got.Node != nil) != sees {
				t.Errorf("%s as %q: node %+v, want seen %v", record, key, got.Node, sees)
			}
		}
	}
	var got struct{ Node *struct{ ID string } }
	w.c.Query(t, q, map[string]any{"id": w.ids["publishedIndicator"]}).MustData(t, &got)
	if got.Node == nil {
		t.Error("an indicator of a published campaign is hidden from anonymous callers")
	}
}

// TestNodeHidesVenuesOfHiddenEvents: the place of a partner-only event, its name and
// coordinates, is no more public than the event: node(id) of its venue is null to whoever
// may not read an event held there. Venue IDs count up, so anyone could walk them.
func TestNodeHidesVenuesOfHiddenEvents(t *testing.T) {
	t.Parallel()
	w := newHidWorld(t)
	venueOf := func(title, visibility string) string {
		var got struct {
			CreateEvent struct {
				Event struct{ Venue struct{ ID string } }
			}
		}
		w.c.As(w.keys[hidOwner]).Query(t, `mutation($in: CreateEventInput!) { createEvent(input: $in) { event { venue { id } } } }`,
			map[string]any{"in": map[string]any{"campaign": w.ids["publishedCampaign"], "title": title, "kind": "MEETING", "status": "SCHEDULED",
				"visibility": visibility, "startsAt": "2030-01-01T10:00:00+07:00", "timeZone": "Asia/Yangon",
				"venue": map[string]any{"name": title + " venue", "city": "Yangon", "country": "MM", "latitude": 16.8, "longitude": 96.1}}}).MustData(t, &got)
		return got.CreateEvent.Event.Venue.ID
	}
	hidden, public := venueOf("Shelter meeting", "PARTNERS"), venueOf("Concert", "PUBLIC")
	const q = `query($id: ID!) { node(id: $id) { ... on Venue { name coordinates { latitude } } } }`
	for _, tc := range []struct {
		venue, key string
		sees       bool
	}{
		{hidden, "", false}, {hidden, hidStranger, false}, {hidden, hidOwner, true},
		{public, "", true}, {public, hidStranger, true},
	} {
		var got struct{ Node *struct{ Name string } }
		w.c.As(w.keys[tc.key]).Query(t, q, map[string]any{"id": tc.venue}).MustData(t, &got)
		if (got.Node != nil) != tc.sees {
			t.Errorf("venue %s as %q: %+v, want seen %v", tc.venue, tc.key, got.Node, tc.sees)
		}
	}
}
