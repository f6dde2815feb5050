package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
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

// errorWorld is the little data the error cases refer to.
type errorWorld struct {
	org      *models.Organization
	campaign *models.Campaign
	draft    *models.Campaign
	event    *models.Event
	network  *models.YouthNetwork
}

func buildErrorWorld(t *testing.T, st *store.Store) *errorWorld {
	t.Helper()
	w := &errorWorld{}
	_, err := st.SeedOnce(context.Background(), "errors", func(tx *store.Writer) error {
		mm := &models.Country{Code: "MM", Name: "Myanmar", AliasList: []string{"Burma"}, AseanMember: true}
		w.org = &models.Organization{Slug: "usaid", Name: "USAID", Kind: "DONOR"}
		if err := tx.Insert(mm, w.org); err != nil {
			return err
		}
		w.campaign = &models.Campaign{Slug: "mtv-exit", Name: "MTV EXIT", Status: "ACTIVE", StartPrecision: "YEAR", EndPrecision: "DAY"}
		w.draft = &models.Campaign{Slug: "secret", Name: "Secret", Status: "DRAFT", StartPrecision: "DAY", EndPrecision: "DAY"}
		if err := tx.Insert(w.campaign, w.draft); err != nil {
			return err
		}
		w.event = &models.Event{CampaignID: w.campaign.ID, Title: "Concert", Kind: "CONCERT", Status: "SCHEDULED",
			StartBound: time.Date(2012, 12, 8, 12, 30, 0, 0, time.UTC), DatePrecision: "MINUTE", CountryCode: &mm.Code,
			OrganizerID: w.org.ID}
		w.network = &models.YouthNetwork{Slug: "asean-youth", Name: "ASEAN Youth", Scope: "REGIONAL"}
		return tx.Insert(w.event, w.network)
	})
	if err != nil {
		t.Fatalf("build the data set: %v", err)
	}
	return w
}

// exchange sends one GraphQL request through the handler, with the request id header when
// id is not empty, and returns the decoded answer and the response headers.
func exchange(t *testing.T, h http.Handler, method, query string, vars map[string]any, id string) (*apitest.Response, http.Header) {
	t.Helper()
	var req *http.Request
	switch method {
	case http.MethodGet:
		q := url.Values{"query": {query}}
		if vars != nil {
			b, err := json.Marshal(vars)
			if err != nil {
				t.Fatal(err)
			}
			q.Set("variables", string(b))
		}
		req = httptest.NewRequest(http.MethodGet, "/query?"+q.Encode(), nil)
	default:
		b, err := json.Marshal(map[string]any{"query": query, "variables": vars})
		if err != nil {
			t.Fatal(err)
		}
		req = httptest.NewRequest(method, "/query", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
	}
	if id != "" {
		req.Header.Set("X-Request-Id", id)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := &apitest.Response{Status: rec.Code}
	if err := json.Unmarshal(rec.Body.Bytes(), res); err != nil {
		t.Fatalf("decode response (status %d): %v\n%s", rec.Code, err, rec.Body.String())
	}
	return res, rec.Header()
}

// checkRequestIDs checks that every error names the request id the response header carries.
func checkRequestIDs(t *testing.T, res *apitest.Response, header http.Header) {
	t.Helper()
	id := header.Get("X-Request-Id")
	if id == "" {
		t.Fatal("no X-Request-Id header")
	}
	for i, e := range res.Errors {
		if got, _ := e.Extensions["requestId"].(string); got != id {
			t.Errorf("error %d (%s): requestId %q, want the header's %q", i, e.Message, got, id)
		}
	}
}

func TestErrorCodes(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	w := buildErrorWorld(t, st)
	c := apitest.New(st)
	orgID, eventID, campaignID := w.org.GlobalID(), w.event.GlobalID(), w.campaign.GlobalID()
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		code  string
		// inMessage are texts the message must contain.
		inMessage []string
	}{
		{name: "garbage event ID", query: `query($id: ID!) { event(id: $id) { id } }`, vars: map[string]any{"id": "garbage!"}, code: "BAD_USER_INPUT", inMessage: []string{"garbage!"}},
		{name: "garbage campaign ID", query: `{ campaign(id: "%%%") { id } }`, code: "BAD_USER_INPUT"},
		{name: "garbage node ID", query: `{ node(id: "not-an-id") { id } }`, code: "BAD_USER_INPUT"},
		{name: "empty node ID", query: `{ node(id: "") { id } }`, code: "BAD_USER_INPUT"},
		{name: "very long node ID", query: `query($id: ID!) { node(id: $id) { id } }`, vars: map[string]any{"id": strings.Repeat("QUFB", 2000)}, code: "BAD_USER_INPUT"},
		{name: "node ID of an unknown type", query: `query($id: ID!) { node(id: $id) { id } }`, vars: map[string]any{"id": relay.Encode("Spaceship", "1")}, code: "BAD_USER_INPUT"},
		{name: "node ID with a non-numeric key", query: `query($id: ID!) { node(id: $id) { id } }`, vars: map[string]any{"id": relay.Encode(relay.TypeCampaign, "abc")}, code: "BAD_USER_INPUT"},
		{name: "organization ID to event", query: `query($id: ID!) { event(id: $id) { id } }`, vars: map[string]any{"id": orgID}, code: "BAD_USER_INPUT", inMessage: []string{"Organization", "Event"}},
		{name: "event ID to campaign", query: `query($id: ID) { campaign(id: $id) { id } }`, vars: map[string]any{"id": eventID}, code: "BAD_USER_INPUT", inMessage: []string{"Event", "Campaign"}},
		{name: "campaign ID to organization", query: `query($id: ID) { organization(id: $id) { id } }`, vars: map[string]any{"id": campaignID}, code: "BAD_USER_INPUT"},
		{name: "campaign ID to youthNetwork", query: `query($id: ID) { youthNetwork(id: $id) { id } }`, vars: map[string]any{"id": campaignID}, code: "BAD_USER_INPUT"},
		{name: "organization ID as campaign filter", query: `query($id: ID) { events(filter: {campaign: $id}) { totalCount } }`, vars: map[string]any{"id": orgID}, code: "BAD_USER_INPUT"},
		{name: "campaign ID as partner filter", query: `query($id: ID) { campaigns(filter: {partner: $id}) { totalCount } }`, vars: map[string]any{"id": campaignID}, code: "BAD_USER_INPUT"},
		{name: "campaign ID as organizer filter", query: `query($id: ID) { events(filter: {organizer: $id}) { totalCount } }`, vars: map[string]any{"id": campaignID}, code: "BAD_USER_INPUT"},
		{name: "campaign ID as network parent filter", query: `query($id: ID) { youthNetworks(filter: {parent: $id}) { totalCount } }`, vars: map[string]any{"id": campaignID}, code: "BAD_USER_INPUT"},
		{name: "unknown country in campaigns", query: `{ campaigns(filter: {country: "Atlantis"}) { totalCount } }`, code: "BAD_USER_INPUT", inMessage: []string{"Atlantis"}},
		{name: "unknown country in events", query: `{ events(filter: {country: "Atlantis"}) { totalCount } }`, code: "BAD_USER_INPUT", inMessage: []string{"Atlantis"}},
		{name: "unknown country in organizations", query: `{ organizations(filter: {country: "Atlantis"}) { totalCount } }`, code: "BAD_USER_INPUT", inMessage: []string{"Atlantis"}},
		{name: "unknown country in youthNetworks", query: `{ youthNetworks(filter: {country: "Atlantis"}) { totalCount } }`, code: "BAD_USER_INPUT", inMessage: []string{"Atlantis"}},
		{name: "unknown country in a nested filter", query: `{ campaigns { nodes { events(filter: {country: "Atlantis"}) { totalCount } } } }`, code: "BAD_USER_INPUT", inMessage: []string{"Atlantis"}},
		{name: "unknown country, very long", query: `query($c: String) { events(filter: {country: $c}) { totalCount } }`, vars: map[string]any{"c": strings.Repeat("Atlantis", 1000)}, code: "BAD_USER_INPUT", inMessage: []string{"Atlantis"}},
		{name: "syntax error", query: `{ campaigns { totalCount }`, code: "GRAPHQL_PARSE_FAILED"},
		{name: "unknown field", query: `{ campaigns { bogus } }`, code: "GRAPHQL_VALIDATION_FAILED", inMessage: []string{"bogus"}},
		{name: "unknown argument", query: `{ campaigns(sortBy: NAME) { totalCount } }`, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "bad DateTime in startsAfter", query: `{ events(filter: {startsAfter: "yesterday"}) { totalCount } }`, code: "BAD_USER_INPUT", inMessage: []string{"yesterday"}},
		{name: "bad DateTime in a variable", query: `query($f: EventFilter) { events(filter: $f) { totalCount } }`, vars: map[string]any{"f": map[string]any{"startsAfter": "2012-13-45T00:00:00Z"}}, code: "BAD_USER_INPUT"},
		{name: "DateTime without an offset", query: `{ events(filter: {startsBefore: "2012-12-08T19:00:00"}) { totalCount } }`, code: "BAD_USER_INPUT"},
		{name: "DateTime that is a number", query: `query($t: DateTime) { events(filter: {startsAfter: $t}) { totalCount } }`, vars: map[string]any{"t": 1354968000}, code: "BAD_USER_INPUT"},
		{name: "startsBefore not after startsAfter", query: `{ events(filter: {startsAfter: "2012-12-08T19:00:00Z", startsBefore: "2012-12-01T00:00:00Z"}) { totalCount } }`, code: "BAD_USER_INPUT"},
		{name: "campaign with id and slug", query: `query($id: ID) { campaign(id: $id, slug: "mtv-exit") { id } }`, vars: map[string]any{"id": campaignID}, code: "BAD_USER_INPUT"},
		{name: "campaign with neither", query: `{ campaign { id } }`, code: "BAD_USER_INPUT"},
		{name: "organization with both", query: `query($id: ID) { organization(id: $id, slug: "usaid") { id } }`, vars: map[string]any{"id": orgID}, code: "BAD_USER_INPUT"},
		{name: "organization with neither", query: `{ organization { id } }`, code: "BAD_USER_INPUT"},
		{name: "youthNetwork with neither", query: `{ youthNetwork { id } }`, code: "BAD_USER_INPUT"},
		{name: "nodes with 101 IDs", query: `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, vars: map[string]any{"ids": manyIDs(101)}, code: "BAD_USER_INPUT", inMessage: []string{"101"}},
		{name: "nodes with one bad ID", query: `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, vars: map[string]any{"ids": []string{campaignID, "garbage!"}}, code: "BAD_USER_INPUT"},
		{name: "first 101", query: `{ campaigns(first: 101) { totalCount } }`, code: "BAD_USER_INPUT", inMessage: []string{"101"}},
		{name: "first -1", query: `{ events(first: -1) { totalCount } }`, code: "BAD_USER_INPUT"},
		{name: "last 101 nested", query: `{ campaigns { nodes { events(last: 101) { totalCount } } } }`, code: "BAD_USER_INPUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, header := exchange(t, c.Handler, http.MethodPost, tt.query, tt.vars, "")
			if code := res.ErrorCode(t); code != tt.code {
				t.Fatalf("code %q (%s); want %s", code, res.Errors[0].Message, tt.code)
			}
			checkRequestIDs(t, res, header)
			msg := res.Errors[0].Message
			for _, s := range tt.inMessage {
				if !strings.Contains(msg, s) {
					t.Errorf("message %q does not name %q", msg, s)
				}
			}
			if len(msg) > 400 {
				t.Errorf("message is %d bytes long; a client's input must be cut short in it", len(msg))
			}
			for _, leak := range []string{"SELECT", "WHERE", "SQLSTATE", "gorm", "pgx"} {
				if strings.Contains(msg, leak) {
					t.Errorf("message %q shows %q", msg, leak)
				}
			}
			if res.Status >= 500 {
				t.Errorf("HTTP status %d", res.Status)
			}
		})
	}
}

// manyIDs returns n distinct well-formed campaign IDs.
func manyIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = relay.EncodeInt(relay.TypeCampaign, int64(1000+i))
	}
	return ids
}

func TestErrorCodeOfWrongVariableType(t *testing.T) {
	t.Parallel()
	c := apitest.New(dbtest.New(t))
	tests := []struct {
		name  string
		query string
		vars  map[string]any
	}{
		{"string for Int", `query($n: Int) { campaigns(first: $n) { totalCount } }`, map[string]any{"n": "ten"}},
		{"float for Int", `query($n: Int) { campaigns(first: $n) { totalCount } }`, map[string]any{"n": 1.5}},
		{"unknown enum value", `query($o: CampaignOrder) { campaigns(orderBy: $o) { totalCount } }`, map[string]any{"o": map[string]any{"field": "BOGUS"}}},
		{"missing required variable", `query($id: ID!) { event(id: $id) { id } }`, nil},
		{"object for ID", `query($id: ID!) { event(id: $id) { id } }`, map[string]any{"id": map[string]any{"a": 1}}},
		{"list for String", `query($s: String) { countries(filter: {search: $s}) { totalCount } }`, map[string]any{"s": []string{"a"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, header := exchange(t, c.Handler, http.MethodPost, tt.query, tt.vars, "")
			code := res.ErrorCode(t)
			t.Logf("%s: %s", code, res.Errors[0].Message)
			if code == "" || code == "INTERNAL_SERVER_ERROR" || code == "SERVICE_UNAVAILABLE" {
				t.Errorf("code %q (%s); want one that puts the blame on the input", code, res.Errors[0].Message)
			}
			checkRequestIDs(t, res, header)
			if string(res.Data) != "" && string(res.Data) != "null" {
				t.Errorf("data %s; want none", res.Data)
			}
		})
	}
}

func TestMissingRecordsAreNull(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	w := buildErrorWorld(t, st)
	c := apitest.New(st)
	missing := []string{
		relay.EncodeInt(relay.TypeCampaign, 999999),
		relay.EncodeInt(relay.TypeEvent, 999999),
		relay.EncodeInt(relay.TypeOrganization, 999999),
		relay.EncodeInt(relay.TypeYouthNetwork, 999999),
		relay.EncodeInt(relay.TypeVenue, 999999),
		relay.EncodeInt(relay.TypeIndicator, 999999),
		relay.EncodeInt(relay.TypeFunding, 999999),
		relay.Encode(relay.TypeCountry, "ZZ"),
		w.draft.GlobalID(), // a draft is not shown to anyone yet
	}
	for _, id := range missing {
		t.Run("node "+id, func(t *testing.T) {
			var got struct{ Node *struct{ ID string } }
			c.Query(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}).MustData(t, &got)
			if got.Node != nil {
				t.Errorf("node = %+v; want null", got.Node)
			}
		})
	}
	t.Run("nodes", func(t *testing.T) {
		ids := append(manyIDs(100-len(missing)-1), missing...)
		ids = append(ids, w.event.GlobalID())
		var got struct{ Nodes []*struct{ ID string } }
		c.Query(t, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": ids}).MustData(t, &got)
		want := make([]*struct{ ID string }, len(ids))
		want[len(ids)-1] = &struct{ ID string }{w.event.GlobalID()}
		if diff := cmp.Diff(want, got.Nodes); diff != "" {
			t.Errorf("nodes of 100 IDs, one found (-want +got):\n%s", diff)
		}
	})
	lookups := []struct {
		name, query string
		vars        map[string]any
	}{
		{"event by missing ID", `query($id: ID!) { x: event(id: $id) { id } }`, map[string]any{"id": relay.EncodeInt(relay.TypeEvent, 999999)}},
		{"campaign by missing ID", `query($id: ID) { x: campaign(id: $id) { id } }`, map[string]any{"id": relay.EncodeInt(relay.TypeCampaign, 999999)}},
		{"campaign by missing slug", `{ x: campaign(slug: "nope") { id } }`, nil},
		{"draft campaign by slug", `{ x: campaign(slug: "secret") { id } }`, nil},
		{"organization by missing slug", `{ x: organization(slug: "nope") { id } }`, nil},
		{"youthNetwork by missing slug", `{ x: youthNetwork(slug: "nope") { id } }`, nil},
		{"country by unknown code", `{ x: country(code: "ZZ") { id } }`, nil},
		{"country by unknown name", `{ x: country(code: "Atlantis") { id } }`, nil},
	}
	for _, tt := range lookups {
		t.Run(tt.name, func(t *testing.T) {
			var got struct{ X *struct{ ID string } }
			c.Query(t, tt.query, tt.vars).MustData(t, &got)
			if got.X != nil {
				t.Errorf("got %+v; want null", got.X)
			}
		})
	}
	// The lookups above must be able to find something: the same queries for records that
	// exist answer them.
	var found struct {
		A, B, C, D *struct{ ID string }
	}
	c.Query(t, `query($e: ID!) { a: event(id: $e) { id } b: campaign(slug: "mtv-exit") { id }
		c: country(code: "Burma") { id } d: organization(slug: "usaid") { id } }`,
		map[string]any{"e": w.event.GlobalID()}).MustData(t, &found)
	if found.A == nil || found.B == nil || found.C == nil || found.D == nil {
		t.Errorf("existing records not found: %+v", found)
	}
}

func TestErrorsCarryTheRequestID(t *testing.T) {
	t.Parallel()
	c := apitest.New(dbtest.New(t))
	queries := []string{
		`{ campaigns { totalCount }`,
		`{ campaigns { bogus } }`,
		`{ event(id: "garbage!") { id } }`,
		`{ a: event(id: "garbage!") { id } b: campaign { id } c: campaigns(first: 500) { totalCount } }`,
	}
	for i, q := range queries {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			// A plain id from the client is kept and echoed.
			res, header := exchange(t, c.Handler, http.MethodPost, q, nil, "client-request-0001")
			if got := header.Get("X-Request-Id"); got != "client-request-0001" {
				t.Errorf("X-Request-Id %q; want the client's", got)
			}
			if len(res.Errors) == 0 {
				t.Fatalf("no errors: %s", res.Data)
			}
			checkRequestIDs(t, res, header)
			// Without one, or with one that could forge a log line, the server makes one.
			for _, id := range []string{"", "bad id\nINFO forged"} {
				res, header = exchange(t, c.Handler, http.MethodPost, q, nil, id)
				if got := header.Get("X-Request-Id"); got == "" || got == id {
					t.Errorf("client id %q: X-Request-Id %q; want a new one", id, got)
				}
				checkRequestIDs(t, res, header)
			}
		})
	}
}

func TestInternalErrorsHideTheirCause(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	c := apitest.New(st)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`{ campaigns { totalCount nodes { id } } }`,
		`{ events(filter: {country: "MM"}) { totalCount } }`,
		`{ campaign(slug: "x") { id } }`,
	} {
		t.Run(q, func(t *testing.T) {
			res, header := exchange(t, c.Handler, http.MethodPost, q, nil, "")
			code := res.ErrorCode(t)
			t.Logf("%s: %s (status %d)", code, res.Errors[0].Message, res.Status)
			if code != "SERVICE_UNAVAILABLE" && code != "INTERNAL_SERVER_ERROR" {
				t.Fatalf("code %q (%s); want SERVICE_UNAVAILABLE or INTERNAL_SERVER_ERROR", code, res.Errors[0].Message)
			}
			checkRequestIDs(t, res, header)
			for _, e := range res.Errors {
				if code == "INTERNAL_SERVER_ERROR" && !strings.Contains(e.Message, header.Get("X-Request-Id")) {
					t.Errorf("message %q does not name the request id %s", e.Message, header.Get("X-Request-Id"))
				}
				for _, leak := range []string{"SELECT", "FROM", "WHERE", "sql", "closed", "campaigns c", "events e", "127.0.0.1", "postgres"} {
					if strings.Contains(e.Message, leak) {
						t.Errorf("message %q shows %q", e.Message, leak)
					}
				}
			}
			if res.Status >= 500 && res.Status != http.StatusServiceUnavailable {
				t.Errorf("HTTP status %d", res.Status)
			}
		})
	}
}

func TestQueryOverGET(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	w := buildErrorWorld(t, st)
	c := apitest.New(st)

	res, _ := exchange(t, c.Handler, http.MethodGet, `{ campaigns { totalCount nodes { slug } } }`, nil, "")
	var got struct {
		Campaigns struct {
			TotalCount int
			Nodes      []struct{ Slug string }
		}
	}
	res.MustData(t, &got)
	if diff := cmp.Diff(1, got.Campaigns.TotalCount); diff != "" || len(got.Campaigns.Nodes) != 1 || got.Campaigns.Nodes[0].Slug != w.campaign.Slug {
		t.Errorf("campaigns over GET: %+v", got)
	}

	res, _ = exchange(t, c.Handler, http.MethodGet, `query($id: ID!) { event(id: $id) { title } }`, map[string]any{"id": w.event.GlobalID()}, "")
	var ev struct{ Event struct{ Title string } }
	res.MustData(t, &ev)
	if ev.Event.Title != w.event.Title {
		t.Errorf("event over GET with variables: %+v", ev)
	}

	res, header := exchange(t, c.Handler, http.MethodGet, `{ campaigns { bogus } }`, nil, "")
	if code := res.ErrorCode(t); code != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("bad query over GET: code %q", code)
	}
	checkRequestIDs(t, res, header)

	// The schema has no mutations yet; a mutation over GET must still be refused, never run.
	res, header = exchange(t, c.Handler, http.MethodGet, `mutation { deleteEverything }`, nil, "")
	if len(res.Errors) == 0 || (string(res.Data) != "" && string(res.Data) != "null") {
		t.Errorf("mutation over GET: data %s, errors %+v; want refused", res.Data, res.Errors)
	}
	checkRequestIDs(t, res, header)
}
