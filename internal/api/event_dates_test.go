package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"campaigns/internal/api"
	"campaigns/internal/apitest"
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
