package realtime_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"

	"campaigns/internal/apitest"
	"campaigns/internal/realtime"
	"campaigns/internal/relay"
)

type syncItem struct {
	Op, Type, ID string
	Node         *struct{ ID, Name, Title string }
}

// syncAll syncs as the caller with key from since (none for a first sync) in pages of
// first until no more are ready, and returns every item and the last token.
func syncAll(t *testing.T, base, key, since string, first int) ([]syncItem, string) {
	t.Helper()
	var items []syncItem
	for {
		vars := map[string]any{"first": first}
		if since != "" {
			vars["since"] = since
		}
		set := decode[struct {
			Changes struct {
				Token   string
				HasMore bool
				Changes []syncItem
			}
		}](t, post(t, base, key, syncDoc, vars))
		items = append(items, set.Changes.Changes...)
		since = set.Changes.Token
		if !set.Changes.HasMore {
			return items, since
		}
	}
}

// about returns the ops of the items about id, in order.
func about(items []syncItem, id string) []string {
	var ops []string
	for _, it := range items {
		if it.ID == id {
			ops = append(ops, it.Op)
		}
	}
	return ops
}

// TestFirstSyncIsASnapshot: a first sync, in one page or in many, holds no tombstone at
// all and no ID of a record the caller may not read (drafts, partner-only events, a
// public event turned draft, a public campaign since deleted, members); the organization
// that owns the drafts gets them, and no tombstone either.
func TestFirstSyncIsASnapshot(t *testing.T) {
	h := newHiddenWorld(t)
	in := startInstance(t, h.st, realtime.Options{})
	h.editHidden(t)
	gone := h.scalar(t, fmt.Sprintf(`INSERT INTO campaigns (slug, name, status, owner_id) VALUES ('short', 'Short-lived', 'ACTIVE', %d) RETURNING id`, h.org.ID))
	h.exec(t, true, fmt.Sprintf(`UPDATE campaigns SET name = 'Shorter-lived' WHERE id = %d`, gone))
	h.exec(t, true, fmt.Sprintf(`DELETE FROM campaigns WHERE id = %d`, gone))
	h.exec(t, true, `UPDATE events SET status = 'DRAFT' WHERE title = 'Concert 2'`)
	member := h.scalar(t, fmt.Sprintf(`INSERT INTO members (display_name, age_band, organization_id) VALUES ('Aye', 'AGE_16_17', %d) RETURNING id`, h.other))
	h.exec(t, true, fmt.Sprintf(`INSERT INTO registrations (event_id, member_id, status) VALUES (%d, %d, 'CONFIRMED')`, h.draftEvent, member))
	settled(t, h.st)

	hidden := []string{campaignID(h.draft), eventID(h.draftEvent), eventID(h.partnerOnly), campaignID(gone),
		h.events[1].GlobalID(), relay.EncodeInt(relay.TypeMember, member)}
	for _, caller := range []struct{ name, key string }{{"anonymous", ""}, {"a stranger", h.strangerKey}} {
		for _, first := range []int{500, 2} {
			items, _ := syncAll(t, in.srv.URL, caller.key, "", first)
			if len(items) == 0 {
				t.Fatalf("%s, pages of %d: an empty sync", caller.name, first)
			}
			for _, it := range items {
				if it.Node == nil || slices.Contains(hidden, it.ID) || it.Type == relay.TypeMember {
					t.Errorf("%s, pages of %d: %+v", caller.name, first, it)
				}
			}
		}
	}
	items, _ := syncAll(t, in.srv.URL, h.otherKey, "", 3)
	for _, id := range []string{campaignID(h.draft), eventID(h.draftEvent), eventID(h.partnerOnly)} {
		if ops := about(items, id); len(ops) == 0 {
			t.Errorf("the owner's first sync lacks %s", id)
		}
	}
	for _, it := range items {
		if it.Node == nil {
			t.Errorf("the owner's first sync holds a tombstone: %+v", it)
		}
	}
}

// TestIncrementalSyncHidesOnceToThoseWhoCouldRead: after a sync, a public event turned
// draft comes back HIDDEN, once, to every caller that could read it at its token, and not
// again on its next change; a caller whose first sync came after it was hidden hears
// nothing of it. Changes of records a caller never could read (another organization's
// draft edited, its partner-only event deleted) reach only that organization. A burst of
// hidden changes leaves an anonymous page empty, with no more to come.
func TestIncrementalSyncHidesOnceToThoseWhoCouldRead(t *testing.T) {
	h := newHiddenWorld(t)
	in := startInstance(t, h.st, realtime.Options{})
	settled(t, h.st)
	callers := []struct{ name, key string }{{"anonymous", ""}, {"a stranger", h.strangerKey}, {"the other organization", h.otherKey}, {"the organizer", h.key}}
	tokens := map[string]string{}
	for _, c := range callers {
		_, tokens[c.name] = syncAll(t, in.srv.URL, c.key, "", 500)
	}

	h.exec(t, true, `UPDATE events SET status = 'DRAFT' WHERE title = 'Concert 1'`)
	h.exec(t, true, `UPDATE events SET title = 'Concert 1, draft' WHERE title = 'Concert 1'`)
	h.exec(t, true, fmt.Sprintf(`UPDATE events SET title = 'Secret rehearsal, moved' WHERE id = %d`, h.draftEvent))
	h.exec(t, true, fmt.Sprintf(`DELETE FROM events WHERE id = %d`, h.partnerOnly))
	h.exec(t, true, fmt.Sprintf(`UPDATE campaigns SET name = 'Secret plan, revised' WHERE id = %d`, h.draft))
	settled(t, h.st)
	_, late := syncAll(t, in.srv.URL, "", "", 500) // a first sync after the event was hidden

	concert := h.events[0].GlobalID()
	want := map[string]map[string][]string{
		"anonymous":              {concert: {"HIDDEN"}},
		"a stranger":             {concert: {"HIDDEN"}},
		"the other organization": {concert: {"HIDDEN"}, eventID(h.draftEvent): {"UPDATED"}, eventID(h.partnerOnly): {"DELETED"}, campaignID(h.draft): {"UPDATED"}},
		"the organizer":          {concert: {"UPDATED"}, eventID(h.partnerOnly): {"DELETED"}}, // once, at its latest change
	}
	for _, c := range callers {
		items, tok := syncAll(t, in.srv.URL, c.key, tokens[c.name], 2)
		tokens[c.name] = tok
		got := map[string][]string{}
		for _, it := range items {
			got[it.ID] = append(got[it.ID], it.Op)
		}
		if fmt.Sprint(got) != fmt.Sprint(want[c.name]) {
			t.Errorf("%s synced %v, want %v", c.name, got, want[c.name])
		}
	}

	// Hidden now, and announced: further changes of the event reach only its organizer.
	h.exec(t, true, `UPDATE events SET title = 'Concert 1, still a draft' WHERE title = 'Concert 1, draft'`)
	burst := make([]string, 20)
	for i := range burst {
		burst[i] = fmt.Sprintf(`UPDATE events SET version = version + 1 WHERE id = %d`, h.draftEvent)
	}
	h.exec(t, true, burst...)
	settled(t, h.st)
	tokens["late"] = late
	for _, c := range []struct{ name, key string }{callers[0], callers[1], {"late", ""}} {
		vars := map[string]any{"since": tokens[c.name], "first": 1}
		set := decode[changeSet](t, post(t, in.srv.URL, c.key, syncDoc, vars)).Changes
		if len(set.Changes) != 0 || set.HasMore {
			t.Errorf("%s: %+v, hasMore %v", c.name, set.Changes, set.HasMore)
		}
	}
	items, _ := syncAll(t, in.srv.URL, h.key, tokens["the organizer"], 500)
	if ops := about(items, concert); !slices.Equal(ops, []string{"UPDATED"}) {
		t.Errorf("the organizer synced %v for its draft", ops)
	}
}

// TestChangeAudienceAgreesWithWhoReadsTheRecord holds the audience that migration 00009
// writes on each change to the rules of the read paths: for every campaign and event, and
// every caller, the latest change's audience includes the caller exactly when node(id)
// answers it the record. Checked again after a partner leaves a draft campaign, a co-host
// is added and a campaign comes out of draft: changes that the entity's own row does not
// show, but which change who reads it.
func TestChangeAudienceAgreesWithWhoReadsTheRecord(t *testing.T) {
	h := newHiddenWorld(t)
	keys := map[string]string{"anonymous": "", "organizer": h.key, "other": h.otherKey, "stranger": h.strangerKey,
		"partner": apitest.Key(t, h.st, "partner", "VIEWER"), "cohost": apitest.Key(t, h.st, "cohost", "VIEWER")}
	orgs := map[string]int64{}
	for name := range keys {
		if name != "anonymous" { // each organization's slug is its name here
			orgs[name] = h.scalar(t, fmt.Sprintf(`SELECT id FROM organizations WHERE slug = '%s'`, name))
		}
	}
	h.exec(t, true,
		fmt.Sprintf(`INSERT INTO campaign_partners (campaign_id, organization_id, role) VALUES (%d, %d, 'FUNDER'), (%d, %d, 'HOST')`,
			h.draft, orgs["partner"], h.draft, orgs["partner"]),
		fmt.Sprintf(`INSERT INTO event_cohosts (event_id, organization_id) VALUES (%d, %d)`, h.partnerOnly, orgs["cohost"]))
	in := startInstance(t, h.st, realtime.Options{})
	entities := map[string][2]any{
		"public campaign": {relay.TypeCampaign, h.campaign.ID}, "draft campaign": {relay.TypeCampaign, h.draft},
		"public event": {relay.TypeEvent, h.events[0].ID}, "draft event": {relay.TypeEvent, h.draftEvent},
		"partner-only event": {relay.TypeEvent, h.partnerOnly},
	}
	check := func(stage string) {
		t.Helper()
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, h.url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		for what, e := range entities {
			var all bool
			var audience []int64
			if err := conn.QueryRow(ctx, `SELECT audience_all, audience FROM changes WHERE entity_type = $1 AND entity_id = $2
				ORDER BY xid DESC, seq DESC LIMIT 1`, e[0], e[1]).Scan(&all, &audience); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			id := relay.EncodeInt(e[0].(string), e[1].(int64))
			for name, key := range keys {
				r := post(t, in.srv.URL, key, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id})
				reads := decode[struct{ Node *struct{ ID string } }](t, r).Node != nil
				inAudience := all || name != "anonymous" && slices.Contains(audience, orgs[name])
				if reads != inAudience {
					t.Errorf("%s: %s: %s reads it: %v; in the latest change's audience (%v, %v): %v", stage, what, name, reads, all, audience, inAudience)
				}
			}
		}
	}
	check("at first")
	h.exec(t, true, fmt.Sprintf(`DELETE FROM campaign_partners WHERE campaign_id = %d AND organization_id = %d AND role = 'FUNDER'`, h.draft, orgs["partner"]))
	check("after one of two partner roles was removed")
	h.exec(t, true, fmt.Sprintf(`DELETE FROM campaign_partners WHERE campaign_id = %d AND organization_id = %d`, h.draft, orgs["partner"]))
	h.exec(t, true, fmt.Sprintf(`INSERT INTO event_cohosts (event_id, organization_id) VALUES (%d, %d)`, h.draftEvent, orgs["stranger"]))
	h.exec(t, true, fmt.Sprintf(`INSERT INTO campaign_partners (campaign_id, organization_id, role) VALUES (%d, %d, 'HOST')`, h.campaign.ID, orgs["partner"]))
	check("after a partner left the draft, a co-host was added and a partner joined the public campaign")
	h.exec(t, true, fmt.Sprintf(`UPDATE campaigns SET status = 'ACTIVE' WHERE id = %d`, h.draft),
		fmt.Sprintf(`UPDATE events SET status = 'SCHEDULED' WHERE id = %d`, h.draftEvent),
		fmt.Sprintf(`UPDATE campaigns SET owner_id = %d WHERE id = %d`, orgs["cohost"], h.campaign.ID))
	check("after the draft campaign and its event came out of draft and the public campaign changed owner")
	h.exec(t, true, fmt.Sprintf(`UPDATE campaigns SET status = 'DRAFT' WHERE id = %d`, h.campaign.ID))
	check("after the public campaign went back to draft")
}
