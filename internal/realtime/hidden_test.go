package realtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"campaigns/internal/apitest"
	"campaigns/internal/realtime"
	"campaigns/internal/relay"
)

// hiddenWorld adds to the world records that an anonymous caller, and an organization with
// no part in them, may not read: another organization's draft campaign with a draft event
// in Myanmar, and a partner-only event of that organization in the world's public campaign,
// in Myanmar too.
type hiddenWorld struct {
	*world
	other       int64  // the other organization
	otherKey    string // an EDITOR key of it
	strangerKey string // a key of an organization with no part in anything
	draft       int64  // the other organization's draft campaign
	draftEvent  int64  // a draft event of the draft campaign
	partnerOnly int64  // a partner-only event of the other organization in the public campaign
}

func newHiddenWorld(t *testing.T) *hiddenWorld {
	t.Helper()
	h := &hiddenWorld{world: newWorld(t)}
	h.otherKey = apitest.Key(t, h.st, "other", "EDITOR")
	h.strangerKey = apitest.Key(t, h.st, "stranger", "VIEWER")
	h.other = h.scalar(t, `SELECT id FROM organizations WHERE slug = 'other'`)
	h.draft = h.scalar(t, fmt.Sprintf(`INSERT INTO campaigns (slug, name, status, owner_id) VALUES ('secret', 'Secret plan', 'DRAFT', %d) RETURNING id`, h.other))
	h.draftEvent = h.scalar(t, fmt.Sprintf(`INSERT INTO events (campaign_id, title, kind, status, starts_at, organizer_id, country_code)
		VALUES (%d, 'Secret rehearsal', 'CONCERT', 'DRAFT', now(), %d, 'MM') RETURNING id`, h.draft, h.other))
	h.partnerOnly = h.scalar(t, fmt.Sprintf(`INSERT INTO events (campaign_id, title, kind, status, starts_at, organizer_id, country_code, visibility)
		VALUES (%d, 'Partners briefing', 'MEETING', 'SCHEDULED', now(), %d, 'MM', 'PARTNERS') RETURNING id`, h.campaign.ID, h.other))
	return h
}

// scalar runs one statement that returns one bigint, and commits.
func (w *world) scalar(t testing.TB, sql string) int64 {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, w.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var v int64
	if err := conn.QueryRow(ctx, sql).Scan(&v); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return v
}

func eventID(id int64) string    { return relay.EncodeInt(relay.TypeEvent, id) }
func campaignID(id int64) string { return relay.EncodeInt(relay.TypeCampaign, id) }

// editHidden changes the hidden records in every way a subscriber could hear of.
func (h *hiddenWorld) editHidden(t *testing.T) {
	t.Helper()
	h.exec(t, true, fmt.Sprintf(`UPDATE events SET title = 'Secret rehearsal, moved' WHERE id = %d`, h.draftEvent))
	h.exec(t, true, fmt.Sprintf(`UPDATE events SET title = 'Partners briefing, moved' WHERE id = %d`, h.partnerOnly))
	h.exec(t, true, fmt.Sprintf(`UPDATE campaigns SET name = 'Secret plan, revised' WHERE id = %d`, h.draft))
	h.exec(t, true, fmt.Sprintf(`INSERT INTO events (campaign_id, title, kind, status, starts_at, organizer_id, country_code)
		VALUES (%d, 'Another secret', 'CONCERT', 'DRAFT', now(), %d, 'MM')`, h.campaign.ID, h.other))
	h.exec(t, true, fmt.Sprintf(`DELETE FROM events WHERE title = 'Another secret' AND organizer_id = %d`, h.other))
}

// firstEventChange reads a subscriber's next item and checks that it is the change of the
// event with the given title.
func firstEventChange(t *testing.T, who string, s subscriber, title string) eventChanged {
	t.Helper()
	r, ok := s.next(t)
	if !ok {
		t.Fatalf("%s: the stream ended", who)
	}
	return isEventChange(t, who, r, title)
}

// isEventChange checks that r is the change of the event with the given title.
func isEventChange(t *testing.T, who string, r gqlResult, title string) eventChanged {
	t.Helper()
	got := decode[eventChanged](t, r)
	if c := got.EventChanged; c.Event == nil || c.Event.Title != title {
		t.Errorf("%s: first item %+v (event %v), want the change of %q", who, c, c.Event, title)
	}
	return got
}

// TestAnonymousSubscriberHearsNothingOfHiddenEvents: another organization edits, creates
// and deletes draft and partner-only events; anonymous subscribers with no filter, with a
// country filter and with the public campaign's filter, over each transport, hear nothing
// of it: their first item is the next public change. The other organization's own
// subscriber hears its changes.
func TestAnonymousSubscriberHearsNothingOfHiddenEvents(t *testing.T) {
	h := newHiddenWorld(t)
	in := startInstance(t, h.st, realtime.Options{})
	transportWS, err := dialWS(t, in.srv.URL, "graphql-transport-ws", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	legacyWS, err := dialWS(t, in.srv.URL, "graphql-ws", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	subs := map[string]subscriber{
		"no filter (graphql-transport-ws)": transportWS.subscribe(t, "1", eventChangedDoc, nil),
		"country (graphql-ws)":             legacyWS.subscribe(t, "1", eventChangedDoc, map[string]any{"country": "Burma"}),
		"campaign (SSE)":                   sse(t, in.srv.URL, "", eventChangedDoc, map[string]any{"campaign": h.campaign.GlobalID()}),
		"country (SSE)":                    sse(t, in.srv.URL, "", eventChangedDoc, map[string]any{"country": "MM"}),
		"stranger's key, no filter (SSE)":  sse(t, in.srv.URL, h.strangerKey, eventChangedDoc, nil),
	}
	own := sse(t, in.srv.URL, h.otherKey, eventChangedDoc, map[string]any{"country": "MM"})
	in.awaitSubscribers(t, len(subs)+1)

	h.editHidden(t)
	h.exec(t, true, `UPDATE events SET title = 'Public news' WHERE title = 'Concert 2'`)
	for who, s := range subs {
		firstEventChange(t, who, s, "Public news")
	}
	r, _ := own.next(t)
	if got := decode[eventChanged](t, r).EventChanged; got.Op != "UPDATED" || got.Event == nil || got.Event.Title != "Secret rehearsal, moved" {
		t.Errorf("the organizer of the draft got %+v first", got)
	}
}

// TestSubscriptionToHiddenRecordIsRefusedAsUnknown: a subscription that names a draft
// campaign or a hidden event of another organization is refused with the very answer an
// ID that does not exist gets: same code, message and path, over both transports, for an
// anonymous caller and for a stranger's key. The organization's own key is let in.
func TestSubscriptionToHiddenRecordIsRefusedAsUnknown(t *testing.T) {
	h := newHiddenWorld(t)
	in := startInstance(t, h.st, realtime.Options{})
	const missing = 987654321
	cases := []struct {
		name, doc       string
		arg             string
		hidden, unknown string
	}{
		{"eventChanged(campaign: draft)", eventChangedDoc, "campaign", campaignID(h.draft), campaignID(missing)},
		{"eventChanged(event: draft)", eventChangedDoc, "event", eventID(h.draftEvent), eventID(missing)},
		{"eventChanged(event: partner-only)", eventChangedDoc, "event", eventID(h.partnerOnly), eventID(missing)},
		{"campaignChanged(campaign: draft)", `subscription($campaign: ID!) { campaignChanged(campaign: $campaign) { op resync } }`,
			"campaign", campaignID(h.draft), campaignID(missing)},
		{"eventRegistrationCounts(event: partner-only)", `subscription($event: ID!) { eventRegistrationCounts(event: $event) { resync } }`,
			"event", eventID(h.partnerOnly), eventID(missing)},
	}
	// answer is the first answer of a subscription, without its request ID.
	answer := func(t *testing.T, transport, key, doc string, vars map[string]any) string {
		t.Helper()
		var s subscriber
		if transport == "sse" {
			s = sse(t, in.srv.URL, key, doc, vars)
		} else {
			var payload map[string]any
			if key != "" {
				payload = map[string]any{"Authorization": "Bearer " + key}
			}
			c, err := dialWS(t, in.srv.URL, transport, nil, payload)
			if err != nil {
				t.Fatal(err)
			}
			s = c.subscribe(t, "1", doc, vars)
		}
		r, ok := s.next(t)
		if !ok {
			t.Fatalf("%s: the stream ended without an answer", transport)
		}
		for _, e := range r.Errors {
			delete(e.Extensions, "requestId")
		}
		b, _ := json.Marshal(r)
		return string(b)
	}
	for _, c := range cases {
		for _, transport := range []string{"graphql-transport-ws", "sse"} {
			for _, key := range []string{"", h.strangerKey} {
				t.Run(fmt.Sprintf("%s/%s/key=%v", c.name, transport, key != ""), func(t *testing.T) {
					hidden := answer(t, transport, key, c.doc, map[string]any{c.arg: c.hidden})
					unknown := answer(t, transport, key, c.doc, map[string]any{c.arg: c.unknown})
					if hidden != unknown {
						t.Errorf("hidden ID answered\n%s\nunknown ID answered\n%s", hidden, unknown)
					}
					if !strings.Contains(unknown, `"code":"NOT_FOUND"`) {
						t.Errorf("unknown ID answered %s, not NOT_FOUND", unknown)
					}
				})
			}
		}
	}
	in.awaitSubscribers(t, 0)
	// The owner's key may subscribe to its draft.
	own := sse(t, in.srv.URL, h.otherKey, `subscription($campaign: ID!) { campaignChanged(campaign: $campaign) { op campaign { name } } }`,
		map[string]any{"campaign": campaignID(h.draft)})
	in.awaitSubscribers(t, 1)
	h.exec(t, true, fmt.Sprintf(`UPDATE campaigns SET name = 'Secret plan, v2' WHERE id = %d`, h.draft))
	r, _ := own.next(t)
	if !strings.Contains(string(r.Data), "Secret plan, v2") {
		t.Errorf("the owner's subscription got %s %v", r.Data, r.Errors)
	}
}

// TestHiddenGoesOnceToSubscribersWhoSawIt: a public event turned back into a draft gives
// one HIDDEN to the subscriber that was delivered it, none to one that subscribed later and
// was never delivered it, and nothing more to either while it stays a draft; its
// organizer's subscriber keeps getting its changes. A campaign subscription, which named
// the campaign, hears HIDDEN once when the campaign goes back to draft, and the campaign
// again once it is out of draft.
func TestHiddenGoesOnceToSubscribersWhoSawIt(t *testing.T) {
	w := newWorld(t)
	in := startInstance(t, w.st, realtime.Options{})
	saw := sse(t, in.srv.URL, "", eventChangedDoc, nil)
	campaign := sse(t, in.srv.URL, "", `subscription($campaign: ID!) { campaignChanged(campaign: $campaign) { op resync campaign { name } } }`,
		map[string]any{"campaign": w.campaign.GlobalID()})
	organizer := sse(t, in.srv.URL, w.key, eventChangedDoc, nil)
	in.awaitSubscribers(t, 3)
	w.exec(t, true, `UPDATE events SET title = 'Seen' WHERE title = 'Concert 1'`)
	firstEventChange(t, "the first subscriber", saw, "Seen")
	firstEventChange(t, "the organizer", organizer, "Seen")

	late := sse(t, in.srv.URL, "", eventChangedDoc, nil)
	in.awaitSubscribers(t, 4)
	w.exec(t, true, `UPDATE events SET status = 'DRAFT' WHERE title = 'Seen'`)
	w.exec(t, true, `UPDATE events SET title = 'Seen, now a draft' WHERE title = 'Seen'`)
	w.exec(t, true, `UPDATE events SET title = 'Public news' WHERE title = 'Concert 2'`)

	r, _ := saw.next(t)
	if got := decode[eventChanged](t, r).EventChanged; got.Op != "HIDDEN" || got.Event != nil || got.EventID == nil || *got.EventID != w.events[0].GlobalID() {
		t.Errorf("the subscriber that saw the event got %+v first, not its HIDDEN", got)
	}
	firstEventChange(t, "the subscriber that saw the event, second", saw, "Public news")
	firstEventChange(t, "the subscriber that never saw the event", late, "Public news")
	untilEvent(t, "the organizer", organizer, "Public news", 3)

	w.exec(t, true, `UPDATE campaigns SET status = 'DRAFT' WHERE slug = 'mtv-exit'`)
	w.exec(t, true, `UPDATE campaigns SET name = 'Quiet' WHERE slug = 'mtv-exit'`)
	w.exec(t, true, `UPDATE campaigns SET status = 'ACTIVE', name = 'Back' WHERE slug = 'mtv-exit'`)
	type campaignChange struct {
		CampaignChanged struct {
			Op       string
			Campaign *struct{ Name string }
		}
	}
	var ops []string
	for range 2 {
		r, _ := campaign.next(t)
		c := decode[campaignChange](t, r).CampaignChanged
		name := ""
		if c.Campaign != nil {
			name = c.Campaign.Name
		}
		ops = append(ops, c.Op+":"+name)
	}
	if want := []string{"HIDDEN:", "UPDATED:Back"}; !slices.Equal(ops, want) {
		t.Errorf("the campaign's subscriber got %v, want %v", ops, want)
	}
}

// TestHiddenChangesDoNotFillASubscribersBuffer: a burst of changes to a hidden event does
// not close an anonymous subscriber as a slow consumer, nor delay the next public change:
// changes it may not read never enter its buffer.
func TestHiddenChangesDoNotFillASubscribersBuffer(t *testing.T) {
	h := newHiddenWorld(t)
	in := startInstance(t, h.st, realtime.Options{Buffer: 2})
	s := sse(t, in.srv.URL, "", eventChangedDoc, nil)
	in.awaitSubscribers(t, 1)
	burst := make([]string, 50)
	for i := range burst {
		burst[i] = fmt.Sprintf(`UPDATE events SET version = version + 1 WHERE id = %d`, h.draftEvent)
	}
	h.exec(t, true, burst...)
	h.exec(t, true, `UPDATE events SET title = 'Public news' WHERE title = 'Concert 2'`)
	r, ok := s.next(t)
	if !ok || len(r.Errors) > 0 {
		t.Fatalf("the subscriber got %v, %v", r.Errors, ok)
	}
	isEventChange(t, "anonymous", r, "Public news")
}

// TestSubscriptionForgetsPastItsBound: a subscription remembers at most Options.Shown
// entities; past that it tells its subscriber to resync, and gives no tombstone for what
// it forgot.
func TestSubscriptionForgetsPastItsBound(t *testing.T) {
	w := newWorld(t)
	w.exec(t, true, fmt.Sprintf(`INSERT INTO events (campaign_id, title, kind, status, starts_at, organizer_id, country_code)
		VALUES (%d, 'Concert 3', 'CONCERT', 'SCHEDULED', now(), %d, 'MM')`, w.campaign.ID, w.org.ID))
	in := startInstance(t, w.st, realtime.Options{Shown: 2})
	s := sse(t, in.srv.URL, "", eventChangedDoc, nil)
	in.awaitSubscribers(t, 1)
	for _, n := range []string{"1", "2", "3"} {
		w.exec(t, true, fmt.Sprintf(`UPDATE events SET title = 'Seen %s' WHERE title = 'Concert %s'`, n, n))
	}
	var got []string
	for range 4 {
		r, _ := s.next(t)
		c := decode[eventChanged](t, r).EventChanged
		switch {
		case c.Resync:
			got = append(got, "resync")
		case c.Event != nil:
			got = append(got, c.Event.Title)
		default:
			got = append(got, c.Op)
		}
	}
	if want := []string{"Seen 1", "Seen 2", "resync", "Seen 3"}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	w.exec(t, true, `UPDATE events SET status = 'DRAFT' WHERE title IN ('Seen 1', 'Seen 3')`)
	w.exec(t, true, `UPDATE events SET title = 'Public news' WHERE title = 'Seen 2'`)
	r, _ := s.next(t)
	if c := decode[eventChanged](t, r).EventChanged; c.Op != "HIDDEN" || c.EventID == nil || *c.EventID == w.events[0].GlobalID() {
		t.Errorf("got %+v: the forgotten event's HIDDEN, or no HIDDEN for the remembered one", c)
	}
	firstEventChange(t, "after the HIDDEN", s, "Public news")
}

// TestRemovedPartnerHearsHiddenOnce: a partner of a draft campaign, subscribed to the
// campaign and to every event, is told once that the campaign and its draft event left its
// sight when it stops being a partner, and hears nothing of their later changes; the
// owner's subscriber keeps hearing them.
func TestRemovedPartnerHearsHiddenOnce(t *testing.T) {
	h := newHiddenWorld(t)
	partnerKey := apitest.Key(t, h.st, "partner", "VIEWER")
	partner := h.scalar(t, `SELECT id FROM organizations WHERE slug = 'partner'`)
	h.exec(t, true, fmt.Sprintf(`INSERT INTO campaign_partners (campaign_id, organization_id, role) VALUES (%d, %d, 'FUNDER')`, h.draft, partner))
	in := startInstance(t, h.st, realtime.Options{})
	campaignDoc := `subscription($campaign: ID!) { campaignChanged(campaign: $campaign) { op campaign { name } } }`
	campaign := sse(t, in.srv.URL, partnerKey, campaignDoc, map[string]any{"campaign": campaignID(h.draft)})
	events := sse(t, in.srv.URL, partnerKey, eventChangedDoc, nil)
	owner := sse(t, in.srv.URL, h.otherKey, eventChangedDoc, nil)
	in.awaitSubscribers(t, 3)

	h.exec(t, true, fmt.Sprintf(`UPDATE events SET title = 'Secret rehearsal, seen' WHERE id = %d`, h.draftEvent))
	firstEventChange(t, "the partner", events, "Secret rehearsal, seen")
	firstEventChange(t, "the owner", owner, "Secret rehearsal, seen")
	h.exec(t, true, fmt.Sprintf(`DELETE FROM campaign_partners WHERE campaign_id = %d AND organization_id = %d`, h.draft, partner))
	h.exec(t, true, fmt.Sprintf(`UPDATE events SET title = 'Secret rehearsal, later' WHERE id = %d`, h.draftEvent))
	h.exec(t, true, fmt.Sprintf(`UPDATE campaigns SET name = 'Secret plan, later' WHERE id = %d`, h.draft))
	h.exec(t, true, `UPDATE events SET title = 'Public news' WHERE title = 'Concert 2'`)
	h.exec(t, true, fmt.Sprintf(`UPDATE campaigns SET status = 'ACTIVE' WHERE id = %d`, h.draft))

	r, _ := events.next(t)
	if c := decode[eventChanged](t, r).EventChanged; c.Op != "HIDDEN" || c.Event != nil || c.EventID == nil || *c.EventID != eventID(h.draftEvent) {
		t.Errorf("the former partner got %+v, not the draft event's HIDDEN", c)
	}
	firstEventChange(t, "the former partner", events, "Public news")
	type campaignChange struct {
		CampaignChanged struct {
			Op       string
			Campaign *struct{ Name string }
		}
	}
	var ops []string
	for range 2 {
		r, _ := campaign.next(t)
		c := decode[campaignChange](t, r).CampaignChanged
		if c.Campaign != nil {
			c.Op += ":" + c.Campaign.Name
		}
		ops = append(ops, c.Op)
	}
	if want := []string{"HIDDEN", "UPDATED:Secret plan, later"}; !slices.Equal(ops, want) {
		t.Errorf("the former partner's campaign subscription got %v, want %v", ops, want)
	}
	// The partner's leaving changed who reads the draft event: one more change of it for
	// those who still read it.
	untilEvent(t, "the owner", owner, "Public news", 3)
}

// untilEvent reads a subscriber's items until the change of the event with the given
// title, which must come within at most n items, none of them a tombstone. Each item reads
// its event when it is sent, so the titles of the items before it may have moved on.
func untilEvent(t *testing.T, who string, s subscriber, title string, n int) {
	t.Helper()
	for range n {
		r, ok := s.next(t)
		if !ok {
			t.Fatalf("%s: the stream ended", who)
		}
		c := decode[eventChanged](t, r).EventChanged
		if c.Event == nil {
			t.Fatalf("%s: a tombstone %+v", who, c)
		}
		if c.Event.Title == title {
			return
		}
	}
	t.Errorf("%s: no change of %q within %d items", who, title, n)
}

// TestDeletedEventComesAsDeleted: deleting an event with a co-host (whose row goes first,
// by cascade) reaches a subscriber that was shown the event as one DELETED, not as HIDDEN,
// and the sync says DELETED too.
func TestDeletedEventComesAsDeleted(t *testing.T) {
	h := newHiddenWorld(t)
	cohost := h.scalar(t, `INSERT INTO organizations (slug, name, kind) VALUES ('cohost', 'Co-host', 'MEDIA') RETURNING id`)
	h.exec(t, true, fmt.Sprintf(`INSERT INTO event_cohosts (event_id, organization_id) VALUES (%d, %d)`, h.partnerOnly, cohost))
	in := startInstance(t, h.st, realtime.Options{})
	settled(t, h.st)
	_, tok := syncAll(t, in.srv.URL, h.key, "", 500)
	s := sse(t, in.srv.URL, h.key, eventChangedDoc, map[string]any{"event": eventID(h.partnerOnly)})
	in.awaitSubscribers(t, 1)
	h.exec(t, true, fmt.Sprintf(`DELETE FROM events WHERE id = %d`, h.partnerOnly))
	h.exec(t, true, `UPDATE events SET title = 'Public news' WHERE title = 'Concert 2'`)
	r, _ := s.next(t)
	if c := decode[eventChanged](t, r).EventChanged; c.Op != "DELETED" || c.EventID == nil || *c.EventID != eventID(h.partnerOnly) {
		t.Errorf("the organizer's subscriber got %+v", c)
	}
	settled(t, h.st)
	items, _ := syncAll(t, in.srv.URL, h.key, tok, 500)
	if ops := about(items, eventID(h.partnerOnly)); !slices.Equal(ops, []string{"DELETED"}) {
		t.Errorf("the organizer synced %v", ops)
	}
}
