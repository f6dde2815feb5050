package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/api"
	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/limits"
	"campaigns/internal/persisted"
)

// intProblem is the sentence every refused Int gets, after its name.
const intProblem = "must be a whole number between -2147483648 and 2147483647; got "

// refusedOutright checks that a request is answered with an error of code whose message is
// want, with no data for it, and that the database is as it was.
func refusedOutright(t *testing.T, url string, c *apitest.Client, query string, vars map[string]any, code, want string) {
	t.Helper()
	before := dbtest.Snapshot(t, url)
	res := c.Query(t, query, vars)
	if res.Status >= 500 || len(res.Errors) == 0 {
		t.Fatalf("status %d, errors %+v, data %s; want %s", res.Status, res.Errors, res.Data, code)
	}
	if e := res.Errors[0]; e.Code() != code || e.Message != want {
		t.Errorf("error %q (%s), want %q (%s)", e.Message, e.Code(), want, code)
	}
	if diff := cmp.Diff(before, dbtest.Snapshot(t, url)); diff != "" {
		t.Errorf("refused, yet the database changed:\n%s", diff)
	}
}

// TestExpectedVersionInRange: an expectedVersion past 32 bits was cut to int32 and so
// matched version 1, and the change was written; -1 and 2^31 were conflicts. Each is the
// client's mistake, answered before anything is written, whether sent as a variable or
// written in the document.
func TestExpectedVersionInRange(t *testing.T) {
	t.Parallel()
	w := newCampaignWriteWorld(t)
	owner := w.c.As(w.owner)
	const update = `mutation($in: UpdateCampaignInput!) { updateCampaign(input: $in) { campaign { version name } userErrors { field code message } } }`
	for _, v := range []int64{4294967297, 1<<31 + 0, -1 << 32, 1<<63 - 1} {
		t.Run(fmt.Sprintf("%d as a variable", v), func(t *testing.T) {
			refusedOutright(t, w.url, owner, update, map[string]any{"in": map[string]any{"id": w.campaign, "expectedVersion": v, "name": "Changed"}},
				"BAD_USER_INPUT", fmt.Sprintf("in.expectedVersion %s%d", intProblem, v))
		})
		t.Run(fmt.Sprintf("%d in the document", v), func(t *testing.T) {
			q := fmt.Sprintf(`mutation { updateCampaign(input: {id: %q, expectedVersion: %d, name: "Changed"}) { campaign { version } } }`, w.campaign, v)
			refusedOutright(t, w.url, owner, q, nil, "BAD_USER_INPUT", fmt.Sprintf("expectedVersion %s%d", intProblem, v))
		})
	}
	for _, v := range []int64{-1, 0} {
		t.Run(fmt.Sprintf("%d, a version no record has", v), func(t *testing.T) {
			refusedOutright(t, w.url, owner, update, map[string]any{"in": map[string]any{"id": w.campaign, "expectedVersion": v, "name": "Changed"}},
				"BAD_USER_INPUT", fmt.Sprintf("expectedVersion must be at least 1, the version of a new campaign; got %d", v))
		})
	}
	t.Run("the version it is at", func(t *testing.T) {
		var got struct{ Version int }
		mustMutate(t, owner, `mutation($in: UpdateCampaignInput!) { m: updateCampaign(input: $in) { record: campaign { version } userErrors { field code message } } }`,
			map[string]any{"in": map[string]any{"id": w.campaign, "expectedVersion": 1, "name": "Changed"}}, &got)
		if got.Version != 2 {
			t.Errorf("version %d after one change, want 2", got.Version)
		}
	})
}

// TestIntMessages: 2.5 for an Int was "cannot use value 0 as Int" in a variable and "Int
// cannot represent non-integer value: 2.5" in a document; both now name the argument and
// say what it must be. A value that is no whole number is a variable or document of the
// wrong type (GRAPHQL_VALIDATION_FAILED, as before); a whole number out of range is
// BAD_USER_INPUT. Whole numbers written as 2.0 are taken, as JavaScript clients send them.
func TestIntMessages(t *testing.T) {
	t.Parallel()
	st := dbtest.Seeded(t)
	c := apitest.New(st)
	const list = `query($first: Int) { campaigns(first: $first) { nodes { slug } } }`
	const invalid = "GRAPHQL_VALIDATION_FAILED"
	for _, tc := range []struct {
		name  string
		query string
		vars  map[string]any
		code  string
		want  string
	}{
		{"2.5 as a variable", list, map[string]any{"first": 2.5}, invalid, "first " + intProblem + "2.5"},
		{"2.5 in the document", `{ campaigns(first: 2.5) { totalCount } }`, nil, invalid, "first " + intProblem + "2.5"},
		{"2.5 as a variable's default", `query($first: Int = 2.5) { campaigns(first: $first) { totalCount } }`, nil, invalid, "first " + intProblem + "2.5"},
		{"2.5 inside an input object", `mutation($in: CreateEventInput!) { createEvent(input: $in) { userErrors { code } } }`,
			map[string]any{"in": map[string]any{"capacity": 2.5}}, invalid, "in.capacity " + intProblem + "2.5"},
		{"2.5 inside an input object in the document", `mutation { createEvent(input: {campaign: "x", title: "x", kind: CONCERT, startsAt: "2013-01-01T00:00:00Z", timeZone: "UTC", capacity: 2.5}) { userErrors { code } } }`,
			nil, invalid, "input.capacity " + intProblem + "2.5"},
		{"a word as a variable", list, map[string]any{"first": "ten"}, invalid, `first ` + intProblem + `"ten"`},
		{"a string in the document", `{ campaigns(first: "3") { totalCount } }`, nil, invalid, `first ` + intProblem + `"3"`},
		{"a number past 64 bits in the document", `{ campaigns(first: 99999999999999999999) { totalCount } }`, nil, invalid, "first " + intProblem + "99999999999999999999"},
		{"2^31 as a variable", list, map[string]any{"first": 2147483648}, "BAD_USER_INPUT", "first " + intProblem + "2147483648"},
		{"2^31 in the document", `{ campaigns(first: 2147483648) { totalCount } }`, nil, "BAD_USER_INPUT", "first " + intProblem + "2147483648"},
		{"-2^31-1 in the document", `{ campaigns(last: -2147483649) { totalCount } }`, nil, "BAD_USER_INPUT", "last " + intProblem + "-2147483649"},
		{"1e20 as a variable", list, map[string]any{"first": 1e20}, "BAD_USER_INPUT", "first " + intProblem + "100000000000000000000"},
		{"in range, past the page size", list, map[string]any{"first": 101}, "BAD_USER_INPUT", "first must be between 0 and 100, got 101"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := c.Query(t, tc.query, tc.vars)
			if len(res.Errors) == 0 {
				t.Fatalf("no error; data %s", res.Data)
			}
			if e := res.Errors[0]; e.Code() != tc.code || e.Message != tc.want {
				t.Errorf("error %q (%s), want %q (%s)", e.Message, e.Code(), tc.want, tc.code)
			}
		})
	}
	for _, first := range []any{2.0, "2", json.Number("2.0"), 2} {
		t.Run(fmt.Sprintf("%v (%T) is 2", first, first), func(t *testing.T) {
			var got struct {
				Campaigns struct{ Nodes []struct{ Slug string } }
			}
			c.Query(t, list, map[string]any{"first": first}).MustData(t, &got)
			if len(got.Campaigns.Nodes) != 2 {
				t.Errorf("%d campaigns, want 2", len(got.Campaigns.Nodes))
			}
		})
	}
}

// TestDatesInWindow: an event in year 0000 or 9999 was written. Every date a partner writes
// falls between 1900-01-01 and 2200-12-31, or the write is refused with OUT_OF_RANGE on the
// field and nothing is written.
func TestDatesInWindow(t *testing.T) {
	t.Parallel()
	w := newCampaignWriteWorld(t)
	owner := w.c.As(w.owner)
	const createEvent = `mutation($in: CreateEventInput!) { m: createEvent(input: $in) { record: event { id version } userErrors { field code message } } }`
	event := func(extra map[string]any) map[string]any {
		in := map[string]any{"campaign": w.campaign, "title": "Concert", "kind": "CONCERT", "startsAt": "2013-03-04T19:00:00+07:00", "timeZone": "Asia/Bangkok"}
		for k, v := range extra {
			in[k] = v
		}
		return map[string]any{"in": in}
	}
	var created struct {
		ID      string
		Version int
	}
	mustMutate(t, owner, createEvent, event(map[string]any{"startsAt": "1900-01-01T00:00:00Z", "endsAt": "2200-12-31T23:59:59Z"}), &created)
	const updateEvent = `mutation($in: UpdateEventInput!) { m: updateEvent(input: $in) { record: event { id } userErrors { field code message } } }`
	const reschedule = `mutation($in: RescheduleEventInput!) { m: rescheduleEvent(input: $in) { record: event { id } userErrors { field code message } } }`
	const createCampaign = `mutation($in: CreateCampaignInput!) { m: createCampaign(input: $in) { record: campaign { id } userErrors { field code message } } }`
	const updateCampaign = `mutation($in: UpdateCampaignInput!) { m: updateCampaign(input: $in) { record: campaign { id } userErrors { field code message } } }`
	const recordValues = `mutation($in: RecordIndicatorValuesInput!) { m: recordIndicatorValues(input: $in) { record: indicator { code } userErrors { field code message } } }`
	values := func(start, end string) map[string]any {
		return map[string]any{"in": map[string]any{"campaign": w.campaign, "code": "reach", "name": "Reach", "unit": "PEOPLE", "start": start, "end": end, "actual": 10}}
	}
	for _, tc := range []struct {
		name, query string
		vars        map[string]any
		field       string
	}{
		{"an event starting in 0000", createEvent, event(map[string]any{"startsAt": "0000-01-01T00:00:00Z"}), "input.startsAt"},
		{"an event starting in 9999", createEvent, event(map[string]any{"startsAt": "9999-12-31T19:00:00+07:00"}), "input.startsAt"},
		{"an event starting a minute before 1900", createEvent, event(map[string]any{"startsAt": "1899-12-31T23:59:00Z"}), "input.startsAt"},
		{"an event ending in 2201", createEvent, event(map[string]any{"endsAt": "2201-01-01T00:00:00Z"}), "input.endsAt"},
		{"registration opening in 0001", createEvent, event(map[string]any{"registration": map[string]any{"opensAt": "0001-01-01T00:00:00Z"}}), "input.registration.opensAt"},
		{"registration closing in 9999", createEvent, event(map[string]any{"registration": map[string]any{"closesAt": "9999-01-01T00:00:00Z"}}), "input.registration.closesAt"},
		{"an event's registration moved to 0000", updateEvent, map[string]any{"in": map[string]any{"id": created.ID, "expectedVersion": created.Version,
			"registration": map[string]any{"opensAt": "0000-06-01T00:00:00Z", "closesAt": "2013-01-01T00:00:00Z"}}}, "input.registration.opensAt"},
		{"an event rescheduled to 9999", reschedule, map[string]any{"in": map[string]any{"id": created.ID, "expectedVersion": created.Version, "startsAt": "9999-06-01T00:00:00Z"}}, "input.startsAt"},
		{"a campaign starting in 0000", createCampaign, map[string]any{"in": map[string]any{"slug": "year-zero", "name": "Year zero", "startsOn": "0000"}}, "input.startsOn"},
		{"a campaign ending in 9999", updateCampaign, map[string]any{"in": map[string]any{"id": w.campaign, "expectedVersion": 1, "endsOn": "9999-12"}}, "input.endsOn"},
		{"a funding commitment of 0001", recordFunding, map[string]any{"c": w.campaign, "f": w.orgs["usaid"], "amount": "10", "currency": "USD", "on": "0001-01-01"}, "input.committedOn"},
		{"an indicator period from 0000", recordValues, values("0000", "2013"), "input.start"},
		{"an indicator period to 9999", recordValues, values("2013", "9999"), "input.end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			refusedAsInput(t, w.url, owner, tc.query, tc.vars, "OUT_OF_RANGE", tc.field)
			_, errs := mutate(t, owner, tc.query, tc.vars)
			if len(errs) == 0 || !strings.Contains(errs[0].Message, "between 1900-01-01 and 2200-12-31") {
				t.Errorf("user errors %+v, want the window in the message", errs)
			}
		})
	}
	t.Run("the window's edges are taken", func(t *testing.T) {
		var ok struct{ Code string }
		mustMutate(t, owner, recordValues, values("1900", "2200-12-31"), &ok)
		var c struct{ ID string }
		mustMutate(t, owner, createCampaign, map[string]any{"in": map[string]any{"slug": "edges", "name": "Edges", "startsOn": "1900-01-01", "endsOn": "2200"}}, &c)
	})
}

// TestTextWithoutNUL: a NUL in a slug or a country reached PostgreSQL, which answered in its
// own words. Every String and ID is refused with BAD_USER_INPUT and our words before any
// SQL runs, in a variable or in the document, and so is an Idempotency-Key that is not text.
func TestTextWithoutNUL(t *testing.T) {
	t.Parallel()
	st, url := seededWorld(t)
	anonymous := apitest.New(st)
	const nul = "M\u0000M"
	want := func(name string) string {
		return name + " must not contain the NUL character (\\u0000), which no text field can hold"
	}
	for _, tc := range []struct {
		name, query string
		vars        map[string]any
		field       string
	}{
		{"a slug", `query($s: String) { campaign(slug: $s) { id } }`, map[string]any{"s": "mtv\u0000exit"}, "slug"},
		{"a slug in the document", `{ youthNetwork(slug: "asean\u0000youth") { id } }`, nil, "slug"},
		{"a country", `query($c: String!) { country(code: $c) { name } }`, map[string]any{"c": nul}, "code"},
		{"a country filter", `query($c: String) { events(filter: {country: $c}) { totalCount } }`, map[string]any{"c": nul}, "country"},
		{"a country filter in the document", `{ campaigns(filter: {country: "M\u0000M"}) { totalCount } }`, nil, "country"},
		{"search text", `query($q: String!) { search(query: $q) { nodes { __typename } } }`, map[string]any{"q": "exit\u0000"}, "query"},
		{"a search's country", `query($q: String!, $c: String) { search(query: $q, country: $c) { nodes { __typename } } }`, map[string]any{"q": "exit", "c": nul}, "country"},
		{"an ID", `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": "Q2Ft\u0000"}, "id"},
		{"an ID in a list", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": []string{"Q2FtcGFpZ246MQ", "\u0000"}}, "ids[1]"},
		{"an ID filter", `query($c: ID) { events(filter: {campaign: $c}) { totalCount } }`, map[string]any{"c": "\u0000"}, "campaign"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := anonymous.Query(t, tc.query, tc.vars)
			if len(res.Errors) == 0 {
				t.Fatalf("no error; data %s", res.Data)
			}
			if e := res.Errors[0]; e.Code() != "BAD_USER_INPUT" || e.Message != want(tc.field) {
				t.Errorf("error %q (%s), want %q", e.Message, e.Code(), want(tc.field))
			}
			if res.Statements != 0 {
				t.Errorf("%d SQL statements ran, want none", res.Statements)
			}
		})
	}

	w := newCampaignWriteWorld(t)
	owner := w.c.As(w.owner)
	t.Run("a slug written", func(t *testing.T) {
		refusedOutright(t, w.url, owner, `mutation($s: String!) { createCampaign(input: {slug: $s, name: "N"}) { campaign { id } } }`,
			map[string]any{"s": "nul\u0000slug"}, "BAD_USER_INPUT", want("slug"))
	})
	t.Run("a member's name", func(t *testing.T) {
		refusedOutright(t, w.url, owner, `mutation($in: CreateMemberInput!) { createMember(input: $in) { member { id } } }`,
			map[string]any{"in": map[string]any{"displayName": "a\x00b", "ageBand": "AGE_18_24"}}, "BAD_USER_INPUT", want("displayName"))
	})
	t.Run("an Idempotency-Key that is not UTF-8", func(t *testing.T) {
		refusedOutright(t, w.url, owner.WithHeader("Idempotency-Key", "key-\xff"),
			`mutation { createCampaign(input: {slug: "with-key", name: "N"}) { campaign { id } } }`, nil,
			"BAD_REQUEST", "the Idempotency-Key header must be UTF-8 text without control characters, such as a UUID")
	})
	t.Run("an idempotencyKey input with NUL", func(t *testing.T) {
		refusedOutright(t, w.url, owner, `mutation($k: String) { createCampaign(input: {slug: "with-key", name: "N", idempotencyKey: $k}) { campaign { id } } }`,
			map[string]any{"k": "key\u0000"}, "BAD_USER_INPUT", want("idempotencyKey"))
	})
	_ = url
}

// TestPersistedVariablesInRange: a registered operation sent by its hash, with PERSISTED_ONLY
// on, has its variables read as any other request's.
func TestPersistedVariablesInRange(t *testing.T) {
	t.Parallel()
	const list = `query Campaigns($n: Int, $country: String) { campaigns(first: $n, filter: {country: $country}) { nodes { slug } } }`
	reg, err := api.LoadPersisted(registeredOperations(t, map[string]string{"campaigns.graphql": list}))
	if err != nil {
		t.Fatal(err)
	}
	h := api.New(dbtest.Seeded(t), api.Options{Limits: limits.Defaults(), Protocol: api.Protocol{Persisted: reg, PersistedOnly: true}})
	for _, tc := range []struct {
		name string
		req  *http.Request
		code string
		want string
	}{
		{"2.5 by POST", postPersisted(t, "", persisted.Hash(list), map[string]any{"n": 2.5}), "GRAPHQL_VALIDATION_FAILED", "n " + intProblem + "2.5"},
		{"2^32+1 by GET", getPersisted(t, persisted.Hash(list), `{"n": 4294967297}`), "BAD_USER_INPUT", "n " + intProblem + "4294967297"},
		{"NUL by POST", postPersisted(t, "", persisted.Hash(list), map[string]any{"country": "M\u0000M"}), "BAD_USER_INPUT",
			"country must not contain the NUL character (\\u0000), which no text field can hold"},
		{"NUL by GET", getPersisted(t, persisted.Hash(list), `{"country": "M\u0000M"}`), "BAD_USER_INPUT",
			"country must not contain the NUL character (\\u0000), which no text field can hold"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := send(t, h, tc.req)
			if a.Status >= 500 || a.code() != tc.code || a.Errors[0].Message != tc.want {
				t.Errorf("status %d, errors %+v; want %s %q", a.Status, a.Errors, tc.code, tc.want)
			}
		})
	}
}

// TestEnumVariablesExact: gqlparser takes an enum variable in any case, and the models hold
// enums as plain strings, so "concert" reached the events table's CHECK constraint (an
// internal error) and a filter on "active" quietly matched nothing. An enum variable must be
// one of the enum's values as written, as it must in a document.
func TestEnumVariablesExact(t *testing.T) {
	t.Parallel()
	w := newCampaignWriteWorld(t)
	owner := w.c.As(w.owner)
	refusedOutright(t, w.url, owner, `mutation($k: EventKind!, $c: ID!) { createEvent(input: {campaign: $c, title: "Concert", kind: $k, startsAt: "2013-01-01T00:00:00Z", timeZone: "Asia/Yangon"}) { event { kind } } }`,
		map[string]any{"k": "concert", "c": w.campaign}, "GRAPHQL_VALIDATION_FAILED",
		`k must be one of CONCERT, BROADCAST, ONLINE_PROGRAMME, OUTREACH, TRAINING, YOUTH_SESSION, MEETING; got "concert"`)
	refusedOutright(t, w.url, owner, `query($f: CampaignFilter) { campaigns(filter: $f) { totalCount } }`,
		map[string]any{"f": map[string]any{"status": []string{"ACTIVE", "active"}}}, "GRAPHQL_VALIDATION_FAILED",
		`f.status[1] must be one of DRAFT, PLANNED, ACTIVE, COMPLETED, ARCHIVED; got "active"`)
	var got struct{ Campaigns struct{ TotalCount int } }
	owner.Query(t, `query($f: CampaignFilter) { campaigns(filter: $f) { totalCount } }`, map[string]any{"f": map[string]any{"status": "ACTIVE"}}).MustData(t, &got)
	if got.Campaigns.TotalCount == 0 {
		t.Errorf("no ACTIVE campaign found; the seed has some")
	}
}
