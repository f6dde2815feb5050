package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"campaigns/internal/api"
	"campaigns/internal/apitest"
	"campaigns/internal/config"
	"campaigns/internal/limits"
	"campaigns/internal/store"
)

// The seeded events, as the fact sheet dates them: a day in Phnom Penh, "late November" with
// no place (so in UTC), and "December" in Yangon.
const (
	leadersMeeting = "ASEAN–U.S. Leaders' Meeting"
	youthSession   = "ASEAN–MTV EXIT Youth Session"
	rangoonConcert = "MTV EXIT concert in People's Square, Rangoon"
)

// datesWorld is the seeded database behind a server whose clock the test sets, and a
// partner (an editor key of an organization with an active campaign of its own) that writes
// events into it through the API.
type datesWorld struct {
	st       *store.Store
	url      string
	c        *apitest.Client
	editor   *apitest.Client
	campaign string

	mu  sync.Mutex
	now time.Time
}

func newDatesWorld(t *testing.T) *datesWorld {
	t.Helper()
	st, url := seededWorld(t)
	w := &datesWorld{st: st, url: url, now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	w.c = &apitest.Client{Handler: api.New(st, api.Options{Limits: limits.Config{MaxCost: apitest.TestMaxCost}, Clock: w.clock})}
	w.editor = w.c.As(apitest.Key(t, st, "dates-partner", "EDITOR"))
	var c struct{ ID string }
	mustMutate(t, w.editor, `mutation { m: createCampaign(input: {slug: "dates-campaign", name: "Dates", status: ACTIVE}) {
		record: campaign { id } userErrors { field code message } } }`, nil, &c)
	w.campaign = c.ID
	return w
}

func (w *datesWorld) clock() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

// at sets the server's clock.
func (w *datesWorld) at(t time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = t
}

const createEventMutation = `mutation($in: CreateEventInput!) { m: createEvent(input: $in) {
	record: event { id title status recordedStatus startsAt endsAt startsOn datePrecision dateQualifier dateLabel timeZone endsBy version }
	userErrors { field code message } } }`

// writtenEvent is an event as createEventMutation reads it back.
type writtenEvent struct {
	ID             string
	Title          string
	Status         string
	RecordedStatus string
	StartsAt       *string
	EndsAt         *string
	StartsOn       string
	DatePrecision  string
	DateQualifier  *string
	DateLabel      string
	TimeZone       *string
	EndsBy         string
	Version        int
}

// create writes a scheduled public event in the world's campaign with the given start
// fields, and returns it as read back.
func (w *datesWorld) create(t *testing.T, title string, start map[string]any) writtenEvent {
	t.Helper()
	in := map[string]any{"campaign": w.campaign, "title": title, "kind": "CONCERT", "status": "SCHEDULED"}
	for k, v := range start {
		in[k] = v
	}
	var e writtenEvent
	mustMutate(t, w.editor, createEventMutation, map[string]any{"in": in}, &e)
	return e
}

// eventList is a list of events as a frontend reads it.
type eventList struct {
	TotalCount int
	Titles     []string
}

// events lists the events that the client sees under filter (and order, if given), with
// their count.
func events(t *testing.T, c *apitest.Client, filter map[string]any, order map[string]any) eventList {
	t.Helper()
	var got struct {
		Events struct {
			TotalCount int
			Nodes      []struct{ Title string }
		}
	}
	vars := map[string]any{"f": filter}
	if order != nil {
		vars["o"] = order
	}
	c.Query(t, `query($f: EventFilter, $o: EventOrder) { events(first: 100, filter: $f, orderBy: $o) { totalCount nodes { title } } }`, vars).MustData(t, &got)
	out := eventList{TotalCount: got.Events.TotalCount, Titles: []string{}}
	for _, n := range got.Events.Nodes {
		out.Titles = append(out.Titles, n.Title)
	}
	return out
}

// TestWindowsKeepEventsKnownToTheMonth: a window kept the events whose period began in it,
// so startsAfter 1 December dropped the concert of "December 2012" and startsAfter
// 20 November the Youth Session of "late November 2012". A window keeps every event whose
// start period overlaps it, and counts the same events it lists.
func TestWindowsKeepEventsKnownToTheMonth(t *testing.T) {
	t.Parallel()
	w := newDatesWorld(t)
	for _, tc := range []struct {
		name   string
		filter map[string]any
		want   []string
	}{
		{"from 1 December, the concert of December", map[string]any{"startsAfter": "2012-12-01T00:00:00Z"}, []string{rangoonConcert}},
		{"from 20 November, late November and December", map[string]any{"startsAfter": "2012-11-20T00:00:00Z"}, []string{youthSession, rangoonConcert}},
		{"from mid-December in Yangon, still December", map[string]any{"startsAfter": "2012-12-15T00:00:00+06:30"}, []string{rangoonConcert}},
		{"from 1 January 2013 in Yangon, December is over", map[string]any{"startsAfter": "2013-01-01T00:00:00+06:30"}, []string{}},
		{"from a minute before midnight of 31 December in Yangon", map[string]any{"startsAfter": "2012-12-31T23:59:00+06:30"}, []string{rangoonConcert}},
		{"before 20 November: the 19th only, late November starts on the 21st", map[string]any{"startsBefore": "2012-11-20T00:00:00Z"}, []string{leadersMeeting}},
		{"before 25 November", map[string]any{"startsBefore": "2012-11-25T00:00:00Z"}, []string{leadersMeeting, youthSession}},
		{"the week of 26 November", map[string]any{"startsAfter": "2012-11-26T00:00:00Z", "startsBefore": "2012-12-03T00:00:00Z"}, []string{youthSession, rangoonConcert}},
		{"a window inside December", map[string]any{"startsAfter": "2012-12-10T00:00:00Z", "startsBefore": "2012-12-11T00:00:00Z"}, []string{rangoonConcert}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := events(t, w.c, tc.filter, nil)
			if diff := cmp.Diff(eventList{TotalCount: len(tc.want), Titles: tc.want}, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEventsSortByPeriod: "late November 2012" sorted before "19 November 2012", by the 1st
// of its month. Events sort by the start of their period as the qualifier narrows it, then
// the more precise first, then no qualifier, EARLY, MID and LATE, both ways and across pages.
func TestEventsSortByPeriod(t *testing.T) {
	t.Parallel()
	w := newDatesWorld(t)
	seeded := events(t, w.c, nil, nil)
	if diff := cmp.Diff([]string{leadersMeeting, youthSession, rangoonConcert}, seeded.Titles); diff != "" {
		t.Errorf("the seeded events in order (-want +got):\n%s", diff)
	}

	// Events of March 2014 in Bangkok that begin at the same instant, 1 March 00:00 local,
	// written in an order of their own, and some after it.
	bkk := map[string]any{"timeZone": "Asia/Bangkok"}
	with := func(m map[string]any) map[string]any {
		for k, v := range bkk {
			m[k] = v
		}
		return m
	}
	w.create(t, "early March", with(map[string]any{"startsOn": "2014-03", "dateQualifier": "EARLY"}))
	w.create(t, "2014", with(map[string]any{"startsOn": "2014"}))
	w.create(t, "late March", with(map[string]any{"startsOn": "2014-03", "dateQualifier": "LATE"}))
	w.create(t, "1 March, 00:00", with(map[string]any{"startsAt": "2014-03-01T00:00:00+07:00"}))
	w.create(t, "March", with(map[string]any{"startsOn": "2014-03"}))
	w.create(t, "1 March", with(map[string]any{"startsOn": "2014-03-01"}))
	w.create(t, "mid-March", with(map[string]any{"startsOn": "2014-03", "dateQualifier": "MID"}))
	w.create(t, "20 March, 19:00", with(map[string]any{"startsAt": "2014-03-20T19:00:00+07:00"}))
	w.create(t, "21 March", with(map[string]any{"startsOn": "2014-03-21"}))
	w.create(t, "early 2014", with(map[string]any{"startsOn": "2014", "dateQualifier": "EARLY"}))
	w.create(t, "late 2014", with(map[string]any{"startsOn": "2014", "dateQualifier": "LATE"}))
	w.create(t, "February", with(map[string]any{"startsOn": "2014-02"}))

	want := []string{
		"2014", "early 2014", // 1 January
		"February",
		"1 March, 00:00", "1 March", "March", "early March", // 1 March: a time, a day, a month, then EARLY
		"mid-March",              // from the 11th
		"20 March, 19:00",        //
		"21 March", "late March", // the 21st: a day before a month's last third
		"late 2014", // from 1 September
	}
	filter := map[string]any{"campaign": w.campaign}
	if diff := cmp.Diff(want, events(t, w.c, filter, nil).Titles); diff != "" {
		t.Errorf("ascending (-want +got):\n%s", diff)
	}
	reversed := append([]string(nil), want...)
	for i, j := 0, len(reversed)-1; i < j; i, j = i+1, j-1 {
		reversed[i], reversed[j] = reversed[j], reversed[i]
	}
	if diff := cmp.Diff(reversed, events(t, w.c, filter, map[string]any{"field": "STARTS_AT", "direction": "DESC"}).Titles); diff != "" {
		t.Errorf("descending (-want +got):\n%s", diff)
	}

	// Page by page, forwards and backwards, the cursors give the same order.
	var forward []string
	var after any
	for page := 0; ; page++ {
		var got struct {
			Events struct {
				Nodes    []struct{ Title string }
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
		w.c.Query(t, `query($f: EventFilter, $a: String) { events(first: 5, after: $a, filter: $f) { nodes { title } pageInfo { hasNextPage endCursor } } }`,
			map[string]any{"f": filter, "a": after}).MustData(t, &got)
		for _, n := range got.Events.Nodes {
			forward = append(forward, n.Title)
		}
		if !got.Events.PageInfo.HasNextPage || page > 5 {
			break
		}
		after = got.Events.PageInfo.EndCursor
	}
	if diff := cmp.Diff(want, forward); diff != "" {
		t.Errorf("paged forwards (-want +got):\n%s", diff)
	}
	var backward []string
	var before any
	for page := 0; ; page++ {
		var got struct {
			Events struct {
				Nodes    []struct{ Title string }
				PageInfo struct {
					HasPreviousPage bool
					StartCursor     string
				}
			}
		}
		w.c.Query(t, `query($f: EventFilter, $b: String) { events(last: 5, before: $b, filter: $f) { nodes { title } pageInfo { hasPreviousPage startCursor } } }`,
			map[string]any{"f": filter, "b": before}).MustData(t, &got)
		var titles []string
		for _, n := range got.Events.Nodes {
			titles = append(titles, n.Title)
		}
		backward = append(titles, backward...)
		if !got.Events.PageInfo.HasPreviousPage || page > 5 {
			break
		}
		before = got.Events.PageInfo.StartCursor
	}
	if diff := cmp.Diff(want, backward); diff != "" {
		t.Errorf("paged backwards (-want +got):\n%s", diff)
	}
}

// TestLocalDateFilters: a country calendar asks for "December 2012 in Myanmar", a local
// month, where the filters took UTC instants only. startsDuring, startsOnOrAfter and
// startsOnOrBefore read dates in each event's own zone, and keep an event whose start period
// overlaps them.
func TestLocalDateFilters(t *testing.T) {
	t.Parallel()
	w := newDatesWorld(t)
	// Half past midnight on 1 December in Yangon is still 30 November in UTC; half past
	// eleven at night on 30 November in Los Angeles is already 1 December in UTC. (The
	// concert's December begins at midnight in Yangon, half an hour before the first.)
	w.create(t, "Yangon, just after midnight", map[string]any{"startsAt": "2012-12-01T00:30:00+06:30", "timeZone": "Asia/Yangon"})
	w.create(t, "Los Angeles, late at night", map[string]any{"startsAt": "2012-11-30T23:30:00-08:00", "timeZone": "America/Los_Angeles"})
	w.create(t, "Yangon, New Year's Eve", map[string]any{"startsOn": "2012-12-31", "timeZone": "Asia/Yangon"})
	w.create(t, "Yangon, early 2013", map[string]any{"startsOn": "2013", "dateQualifier": "EARLY", "timeZone": "Asia/Yangon"})
	for _, tc := range []struct {
		name   string
		filter map[string]any
		want   []string
	}{
		{"December 2012 in Myanmar, as Burma", map[string]any{"country": "Burma", "startsDuring": "2012-12"},
			[]string{rangoonConcert}},
		{"December 2012, everywhere", map[string]any{"startsDuring": "2012-12"},
			[]string{rangoonConcert, "Yangon, just after midnight", "Yangon, New Year's Eve"}},
		{"November 2012", map[string]any{"startsDuring": "2012-11"},
			[]string{leadersMeeting, youthSession, "Los Angeles, late at night"}},
		{"30 November 2012", map[string]any{"startsDuring": "2012-11-30"},
			[]string{youthSession, "Los Angeles, late at night"}},
		{"1 December 2012", map[string]any{"startsDuring": "2012-12-01"},
			[]string{rangoonConcert, "Yangon, just after midnight"}},
		{"the year 2013", map[string]any{"startsDuring": "2013"}, []string{"Yangon, early 2013"}},
		{"on or after 31 December 2012", map[string]any{"startsOnOrAfter": "2012-12-31"},
			[]string{rangoonConcert, "Yangon, New Year's Eve", "Yangon, early 2013"}},
		{"on or after 2013", map[string]any{"startsOnOrAfter": "2013"}, []string{"Yangon, early 2013"}},
		{"on or before 19 November 2012", map[string]any{"startsOnOrBefore": "2012-11-19"}, []string{leadersMeeting}},
		{"on or before November 2012", map[string]any{"startsOnOrBefore": "2012-11"},
			[]string{leadersMeeting, youthSession, "Los Angeles, late at night"}},
		{"from 20 November to 1 December", map[string]any{"startsOnOrAfter": "2012-11-20", "startsOnOrBefore": "2012-12-01"},
			[]string{youthSession, rangoonConcert, "Yangon, just after midnight", "Los Angeles, late at night"}},
		{"during 2012 and from 1 December", map[string]any{"startsDuring": "2012", "startsOnOrAfter": "2012-12-01"},
			[]string{rangoonConcert, "Yangon, just after midnight", "Yangon, New Year's Eve"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := events(t, w.c, tc.filter, nil)
			if diff := cmp.Diff(eventList{TotalCount: len(tc.want), Titles: tc.want}, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
	for _, tc := range []struct {
		name, filter, inMessage string
	}{
		{"a window with no day", `{startsOnOrAfter: "2012-12-02", startsOnOrBefore: "2012-12-01"}`, "no day"},
		{"a month that misses startsDuring", `{startsDuring: "2012-11", startsOnOrAfter: "2012-12"}`, "no day"},
		{"a year before 1900", `{startsDuring: "1899"}`, "between 1900-01-01 and 2200-12-31"},
		{"the year 0000", `{startsOnOrAfter: "0000"}`, "between 1900-01-01 and 2200-12-31"},
		{"a year after 2200", `{startsOnOrBefore: "2201-01-01"}`, "between 1900-01-01 and 2200-12-31"},
		{"not a date", `{startsDuring: "December 2012"}`, "not a date"},
		{"a date with a time", `{startsDuring: "2012-12-01T00:00:00Z"}`, "not a date"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := w.c.Query(t, `{ events(filter: `+tc.filter+`) { totalCount } }`, nil)
			if res.ErrorCode(t) != "BAD_USER_INPUT" || !strings.Contains(res.Errors[0].Message, tc.inMessage) {
				t.Errorf("errors %+v, want BAD_USER_INPUT saying %q", res.Errors, tc.inMessage)
			}
		})
	}
}

// TestUpcomingUsesTheServersClock: an "upcoming" screen hid an event known to the month as
// soon as its month began, and nothing said what upcoming meant. upcoming: true keeps an
// event until its start period has ended in its own zone, judged by the server's clock.
func TestUpcomingUsesTheServersClock(t *testing.T) {
	t.Parallel()
	w := newDatesWorld(t)
	yangon := time.FixedZone("+0630", 6*3600+1800)
	for _, tc := range []struct {
		name     string
		now      time.Time
		upcoming []string
	}{
		{"before any of them", time.Date(2012, 11, 1, 0, 0, 0, 0, time.UTC), []string{leadersMeeting, youthSession, rangoonConcert}},
		{"on the morning of the 19th in Phnom Penh", time.Date(2012, 11, 19, 9, 0, 0, 0, time.FixedZone("+07", 7*3600)),
			[]string{leadersMeeting, youthSession, rangoonConcert}},
		{"the 20th in Phnom Penh", time.Date(2012, 11, 20, 0, 0, 0, 0, time.FixedZone("+07", 7*3600)), []string{youthSession, rangoonConcert}},
		{"the 25th: late November is under way", time.Date(2012, 11, 25, 0, 0, 0, 0, time.UTC), []string{youthSession, rangoonConcert}},
		{"1 December in UTC: late November is over", time.Date(2012, 12, 1, 0, 0, 0, 0, time.UTC), []string{rangoonConcert}},
		{"a minute before the new year in Yangon", time.Date(2012, 12, 31, 23, 59, 0, 0, yangon), []string{rangoonConcert}},
		{"the new year in Yangon", time.Date(2013, 1, 1, 0, 0, 0, 0, yangon), []string{}},
		{"2026", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.at(tc.now)
			got := events(t, w.c, map[string]any{"upcoming": true}, nil)
			if diff := cmp.Diff(eventList{TotalCount: len(tc.upcoming), Titles: tc.upcoming}, got); diff != "" {
				t.Errorf("upcoming (-want +got):\n%s", diff)
			}
			begun := events(t, w.c, map[string]any{"upcoming": false}, nil)
			if begun.TotalCount+got.TotalCount != 3 {
				t.Errorf("upcoming %v and begun %v do not add up to the three events", got.Titles, begun.Titles)
			}
			for _, title := range begun.Titles {
				for _, u := range got.Titles {
					if u == title {
						t.Errorf("%q is both upcoming and begun", title)
					}
				}
			}
		})
	}
	t.Run("with a window", func(t *testing.T) {
		w.at(time.Date(2012, 11, 25, 0, 0, 0, 0, time.UTC))
		got := events(t, w.c, map[string]any{"upcoming": true, "startsDuring": "2012-12"}, nil)
		if diff := cmp.Diff([]string{rangoonConcert}, got.Titles); diff != "" {
			t.Errorf("upcoming in December (-want +got):\n%s", diff)
		}
	})
}

// TestStatusIsDerivedFromThePeriod: the seeded events of 2012 read SCHEDULED in 2026. A
// scheduled event whose time is over reads COMPLETED, and the status filter goes by what is
// shown; the table keeps what the fact sheet said (recordedStatus).
func TestStatusIsDerivedFromThePeriod(t *testing.T) {
	t.Parallel()
	w := newDatesWorld(t)
	type shown struct {
		Title          string
		Status         string
		RecordedStatus string
		EndsBy         string
	}
	read := func(t *testing.T) map[string]shown {
		t.Helper()
		var got struct {
			Events struct{ Nodes []shown }
		}
		w.c.Query(t, `{ events(first: 10) { nodes { title status recordedStatus endsBy } } }`, nil).MustData(t, &got)
		out := map[string]shown{}
		for _, e := range got.Events.Nodes {
			out[e.Title] = e
		}
		return out
	}
	w.at(time.Date(2012, 11, 25, 0, 0, 0, 0, time.UTC))
	want := map[string]shown{
		leadersMeeting: {leadersMeeting, "COMPLETED", "COMPLETED", "2012-11-20T00:00:00+07:00"},
		youthSession:   {youthSession, "SCHEDULED", "SCHEDULED", "2012-12-01T00:00:00Z"},
		rangoonConcert: {rangoonConcert, "SCHEDULED", "SCHEDULED", "2013-01-01T00:00:00+06:30"},
	}
	if diff := cmp.Diff(want, read(t)); diff != "" {
		t.Errorf("in late November 2012 (-want +got):\n%s", diff)
	}
	if got := events(t, w.c, map[string]any{"status": []string{"SCHEDULED"}}, nil); !cmp.Equal(got.Titles, []string{youthSession, rangoonConcert}) {
		t.Errorf("status SCHEDULED in November 2012: %v", got.Titles)
	}

	w.at(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	for title, e := range want {
		e.Status = "COMPLETED"
		want[title] = e
	}
	if diff := cmp.Diff(want, read(t)); diff != "" {
		t.Errorf("in 2026 (-want +got):\n%s", diff)
	}
	if got := events(t, w.c, map[string]any{"status": []string{"SCHEDULED"}}, nil); got.TotalCount != 0 || len(got.Titles) != 0 {
		t.Errorf("status SCHEDULED in 2026: %v (count %d), want none", got.Titles, got.TotalCount)
	}
	if got := events(t, w.c, map[string]any{"status": []string{"COMPLETED"}}, nil); got.TotalCount != 3 {
		t.Errorf("status COMPLETED in 2026: %v (count %d), want all three", got.Titles, got.TotalCount)
	}
	// The one event read by ID says the same.
	var one struct{ Node struct{ Status string } }
	var ids struct {
		Events struct{ Nodes []struct{ ID, Title string } }
	}
	w.c.Query(t, `{ events(first: 10) { nodes { id title } } }`, nil).MustData(t, &ids)
	for _, e := range ids.Events.Nodes {
		if e.Title == rangoonConcert {
			w.c.Query(t, `query($id: ID!) { node(id: $id) { ... on Event { status } } }`, map[string]any{"id": e.ID}).MustData(t, &one)
		}
	}
	if one.Node.Status != "COMPLETED" {
		t.Errorf("node: status %q, want COMPLETED", one.Node.Status)
	}
	// Nothing was rewritten: the table holds what the fact sheet said.
	conn, err := pgx.Connect(context.Background(), w.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	rows, _ := conn.Query(context.Background(), `SELECT status FROM events ORDER BY id`)
	statuses, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"COMPLETED", "SCHEDULED", "SCHEDULED"}, statuses); diff != "" {
		t.Errorf("stored statuses (-want +got):\n%s", diff)
	}
}

// jsonOf is v as JSON, for messages.
func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestWritePartialDates: createEvent required startsAt and timeZone to the minute, so no
// partner could write what the seed holds ("late November 2012", no place). createEvent,
// updateEvent and rescheduleEvent take a date of year, month or day precision with its
// qualifier, or an exact start with its zone; a bad combination is a user error with a code
// on its field, and nothing is written.
func TestWritePartialDates(t *testing.T) {
	t.Parallel()
	w := newDatesWorld(t)
	ptr := func(s string) *string { return &s }
	t.Run("as the seed holds them", func(t *testing.T) {
		for _, tc := range []struct {
			start map[string]any
			want  writtenEvent
		}{
			{map[string]any{"startsOn": "2013-03", "dateQualifier": "LATE", "timeZone": "Asia/Bangkok"},
				writtenEvent{StartsOn: "2013-03", DatePrecision: "MONTH", DateQualifier: ptr("LATE"), DateLabel: "late March 2013",
					TimeZone: ptr("Asia/Bangkok"), EndsBy: "2013-04-01T00:00:00+07:00"}},
			{map[string]any{"startsOn": "2012-11", "dateQualifier": "LATE"},
				writtenEvent{StartsOn: "2012-11", DatePrecision: "MONTH", DateQualifier: ptr("LATE"), DateLabel: "late November 2012",
					EndsBy: "2012-12-01T00:00:00Z"}},
			{map[string]any{"startsOn": "2014", "timeZone": "Asia/Manila"},
				writtenEvent{StartsOn: "2014", DatePrecision: "YEAR", DateLabel: "2014", TimeZone: ptr("Asia/Manila"), EndsBy: "2015-01-01T00:00:00+08:00"}},
			{map[string]any{"startsOn": "2014", "dateQualifier": "MID", "timeZone": "Asia/Manila"},
				writtenEvent{StartsOn: "2014", DatePrecision: "YEAR", DateQualifier: ptr("MID"), DateLabel: "mid-2014", TimeZone: ptr("Asia/Manila"),
					EndsBy: "2014-09-01T00:00:00+08:00"}},
			{map[string]any{"startsOn": "2012-11-19", "timeZone": "Asia/Phnom_Penh"},
				writtenEvent{StartsOn: "2012-11-19", DatePrecision: "DAY", DateLabel: "19 November 2012", TimeZone: ptr("Asia/Phnom_Penh"),
					EndsBy: "2012-11-20T00:00:00+07:00"}},
			{map[string]any{"startsAt": "2012-12-08T12:30:00Z", "endsAt": "2012-12-08T16:30:00Z", "timeZone": "Asia/Yangon"},
				writtenEvent{StartsAt: ptr("2012-12-08T19:00:00+06:30"), EndsAt: ptr("2012-12-08T23:00:00+06:30"), StartsOn: "2012-12-08",
					DatePrecision: "MINUTE", DateLabel: "8 December 2012, 19:00 +0630", TimeZone: ptr("Asia/Yangon"), EndsBy: "2012-12-08T23:00:00+06:30"}},
			{map[string]any{"startsAt": "2012-12-08T19:00:00+06:30", "timeZone": "Asia/Yangon"},
				writtenEvent{StartsAt: ptr("2012-12-08T19:00:00+06:30"), StartsOn: "2012-12-08", DatePrecision: "MINUTE",
					DateLabel: "8 December 2012, 19:00 +0630", TimeZone: ptr("Asia/Yangon"), EndsBy: "2012-12-09T00:00:00+06:30"}},
		} {
			t.Run(jsonOf(tc.start), func(t *testing.T) {
				got := w.create(t, "Written", tc.start)
				tc.want.ID, tc.want.Title, tc.want.Version = got.ID, "Written", 1
				tc.want.Status, tc.want.RecordedStatus = "COMPLETED", "SCHEDULED" // the clock is in 2026
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("read back (-want +got):\n%s", diff)
				}
			})
		}
	})

	t.Run("refused", func(t *testing.T) {
		in := func(start map[string]any) map[string]any {
			m := map[string]any{"campaign": w.campaign, "title": "Refused", "kind": "CONCERT"}
			for k, v := range start {
				m[k] = v
			}
			return map[string]any{"in": m}
		}
		for _, tc := range []struct {
			name        string
			start       map[string]any
			code, field string
		}{
			{"no start", map[string]any{"timeZone": "Asia/Yangon"}, "REQUIRED", "input.startsAt"},
			{"both starts", map[string]any{"startsAt": "2013-03-04T19:00:00+07:00", "startsOn": "2013-03", "timeZone": "Asia/Bangkok"}, "INVALID", "input.startsOn"},
			{"an exact start with no zone", map[string]any{"startsAt": "2013-03-04T19:00:00+07:00"}, "REQUIRED", "input.timeZone"},
			{"a qualifier on a day", map[string]any{"startsOn": "2013-03-04", "dateQualifier": "LATE"}, "INVALID", "input.dateQualifier"},
			{"a qualifier with no date", map[string]any{"startsAt": "2013-03-04T19:00:00+07:00", "timeZone": "Asia/Bangkok", "dateQualifier": "EARLY"}, "INVALID", "input.dateQualifier"},
			{"an end to a month", map[string]any{"startsOn": "2013-03", "endsAt": "2013-03-31T00:00:00Z"}, "INVALID", "input.endsAt"},
			{"a year before 1900", map[string]any{"startsOn": "1899"}, "OUT_OF_RANGE", "input.startsOn"},
			{"the year 0000", map[string]any{"startsOn": "0000-01"}, "OUT_OF_RANGE", "input.startsOn"},
			{"a day after 2200", map[string]any{"startsOn": "2201-01-01"}, "OUT_OF_RANGE", "input.startsOn"},
			{"an unknown zone", map[string]any{"startsOn": "2013-03", "timeZone": "Mars/Olympus"}, "UNKNOWN_TIME_ZONE", "input.timeZone"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				refusedAsInput(t, w.url, w.editor, createEventMutation, in(tc.start), tc.code, tc.field)
			})
		}
		res := w.editor.Query(t, createEventMutation, in(map[string]any{"startsOn": "late March"}))
		if res.ErrorCode(t) != "BAD_USER_INPUT" || !strings.Contains(res.Errors[0].Message, "not a date") {
			t.Errorf("a date in words: %+v, want BAD_USER_INPUT", res.Errors)
		}
	})

	const update = `mutation($in: UpdateEventInput!) { m: updateEvent(input: $in) {
		record: event { id startsAt endsAt startsOn datePrecision dateQualifier dateLabel timeZone version }
		userErrors { field code message } } }`
	const reschedule = `mutation($in: RescheduleEventInput!) { m: rescheduleEvent(input: $in) {
		record: event { id startsAt endsAt startsOn datePrecision dateQualifier dateLabel timeZone version }
		userErrors { field code message } } }`
	t.Run("refined, moved and re-zoned", func(t *testing.T) {
		e := w.create(t, "Concert", map[string]any{"startsOn": "2012-12", "timeZone": "Asia/Yangon"})
		steps := []struct {
			name  string
			query string
			in    map[string]any
			want  writtenEvent
		}{
			{"the day becomes known", update, map[string]any{"startsOn": "2012-12-08"},
				writtenEvent{StartsOn: "2012-12-08", DatePrecision: "DAY", DateLabel: "8 December 2012", TimeZone: ptr("Asia/Yangon")}},
			{"then the hour", update, map[string]any{"startsAt": "2012-12-08T19:00:00+06:30", "endsAt": "2012-12-08T23:00:00+06:30"},
				writtenEvent{StartsAt: ptr("2012-12-08T19:00:00+06:30"), EndsAt: ptr("2012-12-08T23:00:00+06:30"), StartsOn: "2012-12-08",
					DatePrecision: "MINUTE", DateLabel: "8 December 2012, 19:00 +0630", TimeZone: ptr("Asia/Yangon")}},
			{"only the end changes", update, map[string]any{"endsAt": nil},
				writtenEvent{StartsAt: ptr("2012-12-08T19:00:00+06:30"), StartsOn: "2012-12-08",
					DatePrecision: "MINUTE", DateLabel: "8 December 2012, 19:00 +0630", TimeZone: ptr("Asia/Yangon")}},
			{"put off to late January, its end dropped", reschedule, map[string]any{"startsOn": "2013-01", "dateQualifier": "LATE"},
				writtenEvent{StartsOn: "2013-01", DatePrecision: "MONTH", DateQualifier: ptr("LATE"), DateLabel: "late January 2013", TimeZone: ptr("Asia/Yangon")}},
			{"moved to another zone, still late January", update, map[string]any{"timeZone": "America/Los_Angeles"},
				writtenEvent{StartsOn: "2013-01", DatePrecision: "MONTH", DateQualifier: ptr("LATE"), DateLabel: "late January 2013", TimeZone: ptr("America/Los_Angeles")}},
			{"its qualifier dropped", update, map[string]any{"startsOn": "2013-01"},
				writtenEvent{StartsOn: "2013-01", DatePrecision: "MONTH", DateLabel: "January 2013", TimeZone: ptr("America/Los_Angeles")}},
		}
		version := e.Version
		for _, s := range steps {
			in := map[string]any{"id": e.ID, "expectedVersion": version}
			for k, v := range s.in {
				in[k] = v
			}
			var got writtenEvent
			mustMutate(t, w.editor, s.query, map[string]any{"in": in}, &got)
			version++
			s.want.ID, s.want.Version = e.ID, version
			if diff := cmp.Diff(s.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", s.name, diff)
			}
		}
		refusedAsInput(t, w.url, w.editor, update, map[string]any{"in": map[string]any{"id": e.ID, "expectedVersion": version,
			"endsAt": "2013-01-31T00:00:00Z"}}, "INVALID", "input.endsAt")
		refusedAsInput(t, w.url, w.editor, reschedule, map[string]any{"in": map[string]any{"id": e.ID, "expectedVersion": version}},
			"REQUIRED", "input.startsAt")
		refusedAsInput(t, w.url, w.editor, update, map[string]any{"in": map[string]any{"id": e.ID, "expectedVersion": version,
			"dateQualifier": "EARLY"}}, "INVALID", "input.dateQualifier")
	})
}

// TestRegistrationClosesWhenTheEventBegins: an event whose time had passed still took
// registrations while its status said SCHEDULED. Registration closes when the event begins:
// at its exact start, or once a start known to the month is over in its zone.
func TestRegistrationClosesWhenTheEventBegins(t *testing.T) {
	t.Parallel()
	w := newDatesWorld(t)
	w.at(time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC))
	register := func(t *testing.T, event string) []writeUserError {
		t.Helper()
		var m struct {
			M struct {
				Member     struct{ ID string }
				UserErrors []writeUserError
			}
		}
		w.editor.Query(t, `mutation { m: createMember(input: { displayName: "Dara", ageBand: AGE_18_24, country: "KH" }) {
			member { id } userErrors { field code message } } }`, nil).MustData(t, &m)
		if len(m.M.UserErrors) > 0 {
			t.Fatalf("create a member: %+v", m.M.UserErrors)
		}
		var r struct {
			M struct {
				Registration *struct{ Status string }
				UserErrors   []writeUserError
			}
		}
		w.editor.Query(t, `mutation($e: ID!, $m: ID!) { m: registerForEvent(input: { event: $e, member: $m }) {
			registration { status } userErrors { field code message } } }`, map[string]any{"e": event, "m": m.M.Member.ID}).MustData(t, &r)
		return r.M.UserErrors
	}
	exact := w.create(t, "Exact", map[string]any{"startsAt": "2013-03-04T19:00:00+07:00", "timeZone": "Asia/Bangkok", "registration": map[string]any{}})
	month := w.create(t, "March", map[string]any{"startsOn": "2013-03", "timeZone": "Asia/Bangkok", "registration": map[string]any{}})
	for _, tc := range []struct {
		name   string
		now    time.Time
		exact  bool
		inThis bool
	}{
		{"in January", time.Date(2013, 1, 15, 0, 0, 0, 0, time.UTC), true, true},
		{"an hour after the exact start", time.Date(2013, 3, 4, 20, 0, 0, 0, time.FixedZone("+07", 7*3600)), false, true},
		{"on the last evening of March in Bangkok", time.Date(2013, 3, 31, 23, 0, 0, 0, time.FixedZone("+07", 7*3600)), false, true},
		{"April in Bangkok", time.Date(2013, 4, 1, 0, 0, 0, 0, time.FixedZone("+07", 7*3600)), false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.at(tc.now)
			for _, e := range []struct {
				id   string
				open bool
			}{{exact.ID, tc.exact}, {month.ID, tc.inThis}} {
				errs := register(t, e.id)
				switch {
				case e.open && len(errs) > 0:
					t.Errorf("refused: %+v", errs)
				case !e.open && (len(errs) != 1 || errs[0].Code != "REGISTRATION_CLOSED"):
					t.Errorf("user errors %+v, want REGISTRATION_CLOSED", errs)
				}
			}
		})
	}
}

// TestExportsShowPeriods: the calendar of a campaign and the CSV export show the status of
// the request's time, and an event known to the month as an all-day span over its period.
func TestExportsShowPeriods(t *testing.T) {
	t.Parallel()
	w := newDatesWorld(t)
	get := func(t *testing.T, path string) string {
		t.Helper()
		rec := httptestGet(t, w.c.Handler, path)
		if rec.Code != 200 {
			t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
		}
		return strings.ReplaceAll(rec.Body.String(), "\r\n", "\n")
	}
	ics := get(t, "/calendar/campaigns/mtv-exit-southeast-asia.ics")
	for _, want := range []string{
		"DTSTART;VALUE=DATE:20121121\nDTEND;VALUE=DATE:20121201\n", // late November
		"DTSTART;VALUE=DATE:20121201\nDTEND;VALUE=DATE:20130101\n", // December
	} {
		if !strings.Contains(ics, want) {
			t.Errorf("the calendar misses %q:\n%s", want, ics)
		}
	}
	w.at(time.Date(2012, 11, 25, 0, 0, 0, 0, time.UTC))
	csvThen := get(t, "/export/events.csv?campaign=mtv-exit-southeast-asia")
	w.at(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	csvNow := get(t, "/export/events.csv?campaign=mtv-exit-southeast-asia")
	if strings.Count(csvThen, ",SCHEDULED,") != 2 || strings.Contains(csvThen, ",COMPLETED,") {
		t.Errorf("in November 2012, want both events SCHEDULED:\n%s", csvThen)
	}
	if strings.Count(csvNow, ",COMPLETED,") != 2 || strings.Contains(csvNow, ",SCHEDULED,") {
		t.Errorf("in 2026, want both events COMPLETED:\n%s", csvNow)
	}

	// The exports take the lists' date filters.
	w.at(time.Date(2012, 11, 25, 0, 0, 0, 0, time.UTC))
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"startsDuring=2012-12&country=Burma", []string{rangoonConcert}},
		{"startsOnOrBefore=2012-11", []string{leadersMeeting, youthSession}},
		{"startsOnOrAfter=2012-11-20&startsOnOrBefore=2012-11-30", []string{youthSession}},
		{"upcoming=true", []string{youthSession, rangoonConcert}},
		{"upcoming=false", []string{leadersMeeting}},
		{"startsAfter=2012-12-01T00:00:00Z", []string{rangoonConcert}},
	} {
		got := []string{}
		for _, line := range strings.Split(strings.TrimSpace(get(t, "/export/events.csv?"+tc.query)), "\n")[1:] {
			for _, title := range []string{leadersMeeting, youthSession, rangoonConcert} {
				if strings.Contains(line, title) {
					got = append(got, title)
				}
			}
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.query, diff)
		}
	}
	for _, q := range []string{"startsDuring=December", "startsOnOrAfter=2012-12-02&startsOnOrBefore=2012-12-01", "upcoming=yes", "startsDuring=1899"} {
		if rec := httptestGet(t, w.c.Handler, "/export/events.csv?"+q); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "BAD_USER_INPUT") {
			t.Errorf("%s: %d %s, want 400 BAD_USER_INPUT", q, rec.Code, rec.Body)
		}
	}
}

// httptestGet sends an anonymous GET to h.
func httptestGet(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

// TestDateFiltersKeepHiddenEventsHidden: the new filters, like the old, never show a draft
// or partner-only event to a caller who may not read it, in a list or in a count, and a
// filter naming a campaign the caller may not read answers as one naming no campaign.
func TestDateFiltersKeepHiddenEventsHidden(t *testing.T) {
	t.Parallel()
	w := newDatesWorld(t)
	w.at(time.Date(2012, 11, 25, 0, 0, 0, 0, time.UTC))
	venue := map[string]any{"name": "A hall", "city": "Yangon", "country": "Burma"}
	w.create(t, "Public", map[string]any{"startsOn": "2012-12", "timeZone": "Asia/Yangon", "venue": venue})
	w.create(t, "Partners only", map[string]any{"startsOn": "2012-12", "timeZone": "Asia/Yangon", "venue": venue, "visibility": "PARTNERS"})
	w.create(t, "Draft", map[string]any{"startsOn": "2012-12-20", "timeZone": "Asia/Yangon", "venue": venue, "status": "DRAFT"})
	var draft struct{ ID string }
	mustMutate(t, w.editor, `mutation { m: createCampaign(input: {slug: "dates-draft", name: "Draft campaign"}) {
		record: campaign { id } userErrors { field code message } } }`, nil, &draft)
	var inDraft writtenEvent
	mustMutate(t, w.editor, createEventMutation, map[string]any{"in": map[string]any{"campaign": draft.ID, "title": "In a draft campaign",
		"kind": "CONCERT", "status": "SCHEDULED", "startsOn": "2012-12", "timeZone": "Asia/Yangon", "venue": venue}}, &inDraft)
	other := w.c.As(apitest.Key(t, w.st, "dates-other", "VIEWER"))

	filters := []map[string]any{
		{"country": "Burma", "startsDuring": "2012-12"},
		{"country": "MM", "startsOnOrAfter": "2012-12-15", "startsOnOrBefore": "2012-12-31"},
		{"upcoming": true},
		{"upcoming": true, "status": []string{"SCHEDULED", "DRAFT"}},
		{"startsAfter": "2012-12-10T00:00:00Z"},
	}
	for _, f := range filters {
		t.Run(jsonOf(f), func(t *testing.T) {
			for name, c := range map[string]*apitest.Client{"anonymous": w.c, "another organization": other} {
				got := events(t, c, f, nil)
				for _, title := range got.Titles {
					if title == "Partners only" || title == "Draft" || title == "In a draft campaign" {
						t.Errorf("%s sees %q", name, title)
					}
				}
				var n struct {
					Events struct{ Count struct{ Value int } }
				}
				c.Query(t, `query($f: EventFilter) { events(filter: $f) { count(atMost: 100) { value } } }`, map[string]any{"f": f}).MustData(t, &n)
				if n.Events.Count.Value != got.TotalCount || got.TotalCount != len(got.Titles) {
					t.Errorf("%s: count %d, totalCount %d, %d listed", name, n.Events.Count.Value, got.TotalCount, len(got.Titles))
				}
			}
			mine := events(t, w.editor, f, nil)
			if !strings.Contains(strings.Join(mine.Titles, "|"), "Partners only") {
				t.Errorf("the organizer does not see its partner-only event: %v", mine.Titles)
			}
		})
	}
	unknown := "Q2FtcGFpZ246OTk5OTk5" // Campaign:999999
	for _, f := range []map[string]any{{"startsDuring": "2012-12"}, {"upcoming": true}} {
		asDraft := map[string]any{"campaign": draft.ID}
		asUnknown := map[string]any{"campaign": unknown}
		for k, v := range f {
			asDraft[k], asUnknown[k] = v, v
		}
		for name, c := range map[string]*apitest.Client{"anonymous": w.c, "another organization": other} {
			a := c.Query(t, `query($f: EventFilter) { events(filter: $f) { totalCount nodes { title } } }`, map[string]any{"f": asDraft})
			b := c.Query(t, `query($f: EventFilter) { events(filter: $f) { totalCount nodes { title } } }`, map[string]any{"f": asUnknown})
			if string(a.Data) != string(b.Data) || jsonOf(a.Errors) != jsonOf(b.Errors) {
				t.Errorf("%s: a draft campaign answers %s %v, an unknown one %s %v", name, a.Data, a.Errors, b.Data, b.Errors)
			}
		}
	}
}

// TestUpcomingUnderEachCampaignBatches: upcoming events nested under a list of campaigns are
// read for all of them in the one statement per level, as any nested list is: the filter's
// instant is the query's, not each field's.
func TestUpcomingUnderEachCampaignBatches(t *testing.T) {
	t.Parallel()
	st, _ := seededWorld(t)
	h := api.New(st, api.Options{Limits: limits.Config{MaxCost: apitest.TestMaxCost},
		Clock: func() time.Time { return time.Date(2012, 11, 25, 0, 0, 0, 0, time.UTC) }})
	c := &apitest.Client{Handler: h}
	count := func(first int) (int64, int) {
		var got struct {
			Campaigns struct {
				Nodes []struct {
					Events struct{ Nodes []struct{ Title string } }
				}
			}
		}
		res := c.Query(t, `query($n: Int) { campaigns(first: $n) { nodes { events(first: 5, filter: { upcoming: true }) { nodes { title } } } } }`,
			map[string]any{"n": first})
		res.MustData(t, &got)
		n := 0
		for _, cp := range got.Campaigns.Nodes {
			n += len(cp.Events.Nodes)
		}
		return res.Statements, n
	}
	one, _ := count(1)
	all, upcoming := count(20)
	if all != one {
		t.Errorf("%d statements for 20 campaigns, %d for one: the nested lists did not batch", all, one)
	}
	if upcoming != 2 {
		t.Errorf("%d upcoming events under the campaigns in late November 2012, want 2", upcoming)
	}
}

// TestDocsCampaignPageListsWhatIsUpcoming: docs/frontend.md's campaign page asked for
// `upcoming: events(first: 5)` and got the events of 2012. Its query now lists what is still
// to come by the server's clock, under the public limits.
func TestDocsCampaignPageListsWhatIsUpcoming(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../../docs/queries/campaign-page.graphql")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	st, _ := seededWorld(t)
	var now time.Time
	var mu sync.Mutex
	c := &apitest.Client{Handler: api.New(st, api.Options{Limits: cfg.Limits, Clock: func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}})}
	for _, tc := range []struct {
		name string
		at   time.Time
		want []string
	}{
		{"in late November 2012", time.Date(2012, 11, 25, 0, 0, 0, 0, time.UTC), []string{youthSession, rangoonConcert}},
		{"in the last days of December 2012", time.Date(2012, 12, 28, 0, 0, 0, 0, time.UTC), []string{rangoonConcert}},
		{"today", time.Now(), []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			now = tc.at
			mu.Unlock()
			var got struct {
				Campaign struct {
					Upcoming struct {
						TotalCount int
						Nodes      []struct{ Title, Status string }
					}
				}
			}
			c.Query(t, string(doc), map[string]any{"slug": "mtv-exit-southeast-asia"}).MustData(t, &got)
			titles := []string{}
			for _, n := range got.Campaign.Upcoming.Nodes {
				titles = append(titles, n.Title)
				if n.Status != "SCHEDULED" {
					t.Errorf("%s is upcoming yet reads %s", n.Title, n.Status)
				}
			}
			if diff := cmp.Diff(tc.want, titles); diff != "" || got.Campaign.Upcoming.TotalCount != len(tc.want) {
				t.Errorf("upcoming (-want +got):\n%s(totalCount %d)", diff, got.Campaign.Upcoming.TotalCount)
			}
		})
	}
}
