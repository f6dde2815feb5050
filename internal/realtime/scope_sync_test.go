package realtime_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"campaigns/internal/dbtest"
	"campaigns/internal/realtime"
	"campaigns/internal/relay"
)

const scopedSyncDoc = `query($since: String, $first: Int, $filter: ChangeFilter) {
	changes(since: $since, first: $first, filter: $filter) {
		token hasMore changes { op type id node { id ... on Campaign { name } ... on Event { title } } } } }`

// scopeWorld is the hidden world spread over two countries: the organizer (Myanmar) holds
// the public campaign mtv-exit (Myanmar) with its two public events there, and a public
// campaign thai (Thailand) with a public event in Bangkok; the other organization holds the
// draft campaign (listed in Myanmar), its draft event and a partner-only event in Myanmar;
// the stranger is based in Thailand; each country has a national youth network.
type scopeWorld struct {
	*hiddenWorld
	thai, bangkok          int64
	mmNetwork, thNetwork   int64
	organizer, strangerOrg int64
	orgIDs                 []string
	mmPublic, thPublic     []string // what anyone may read in each country
	thaiAll, mtvEvents     []string
	otherInMM              []string // what the other organization reads in Myanmar besides mmPublic
	inst                   *instance
}

func newScopeWorld(t *testing.T) *scopeWorld {
	t.Helper()
	w := &scopeWorld{hiddenWorld: newHiddenWorld(t)}
	w.exec(t, true, `INSERT INTO countries (code, name, aliases, asean_member) VALUES ('TH', 'Thailand', '{Siam}', true)`,
		`UPDATE organizations SET country_code = 'MM' WHERE slug = 'organizer'`,
		`UPDATE organizations SET country_code = 'TH' WHERE slug = 'stranger'`,
		fmt.Sprintf(`INSERT INTO campaign_countries (campaign_id, country_code) VALUES (%d, 'MM'), (%d, 'MM')`, w.campaign.ID, w.draft))
	w.organizer = w.org.ID
	w.strangerOrg = w.scalar(t, `SELECT id FROM organizations WHERE slug = 'stranger'`)
	w.thai = w.scalar(t, fmt.Sprintf(`INSERT INTO campaigns (slug, name, status, owner_id) VALUES ('thai', 'Thai campaign', 'ACTIVE', %d) RETURNING id`, w.organizer))
	w.exec(t, true, fmt.Sprintf(`INSERT INTO campaign_countries (campaign_id, country_code) VALUES (%d, 'TH')`, w.thai))
	w.bangkok = w.scalar(t, fmt.Sprintf(`INSERT INTO events (campaign_id, title, kind, status, starts_at, organizer_id, country_code)
		VALUES (%d, 'Bangkok concert', 'CONCERT', 'SCHEDULED', now(), %d, 'TH') RETURNING id`, w.thai, w.organizer))
	w.mmNetwork = w.scalar(t, `INSERT INTO youth_networks (slug, name, scope, country_code) VALUES ('mm-youth', 'Myanmar youth', 'NATIONAL', 'MM') RETURNING id`)
	w.thNetwork = w.scalar(t, `INSERT INTO youth_networks (slug, name, scope, country_code) VALUES ('th-youth', 'Thai youth', 'NATIONAL', 'TH') RETURNING id`)
	// A change the network's own row does not carry its country: its channels.
	w.exec(t, true, fmt.Sprintf(`INSERT INTO network_channels (network_id, platform, url) VALUES (%d, 'FACEBOOK', 'https://facebook.com/mmyouth')`, w.mmNetwork))

	org := func(id int64) string { return relay.EncodeInt(relay.TypeOrganization, id) }
	net := func(id int64) string { return relay.EncodeInt(relay.TypeYouthNetwork, id) }
	w.mtvEvents = []string{w.events[0].GlobalID(), w.events[1].GlobalID()}
	w.mmPublic = append([]string{campaignID(w.campaign.ID), net(w.mmNetwork), org(w.organizer)}, w.mtvEvents...)
	w.thaiAll = []string{campaignID(w.thai), eventID(w.bangkok)}
	w.thPublic = append([]string{net(w.thNetwork), org(w.strangerOrg)}, w.thaiAll...)
	w.otherInMM = []string{campaignID(w.draft), eventID(w.draftEvent), eventID(w.partnerOnly)}
	for _, slug := range []string{"organizer", "other", "stranger"} {
		w.orgIDs = append(w.orgIDs, org(w.scalar(t, fmt.Sprintf(`SELECT id FROM organizations WHERE slug = '%s'`, slug))))
	}
	w.inst = startInstance(t, w.st, realtime.Options{})
	settled(t, w.st)
	return w
}

// syncScoped syncs with filter as the caller with key from since (none for a first sync) in
// pages of first until no more are ready, and returns every item and the last token.
func syncScoped(t *testing.T, base, key, since string, first int, filter map[string]any) ([]syncItem, string) {
	t.Helper()
	pages, token := syncPages(t, base, key, since, first, filter)
	var items []syncItem
	for _, p := range pages {
		items = append(items, p...)
	}
	return items, token
}

// firstSync is a first sync (no token) with filter as the caller with key, in pages of
// first, and the sorted IDs of what it brought; it runs again, within a bound, while it
// brings some of want and nothing else. A sync's bound stops short of the newest changes
// when a transaction of another database ends between the sync's snapshot and its look at
// pg_stat_activity (store.syncBound): it cannot tell that transaction from one of its own
// database, so it holds the newer changes back until the next sync, as it must. Test
// packages running at once on the shared server make that happen now and then. An item
// outside want fails at once; one of want that never comes fails at the bound.
func firstSync(t *testing.T, base, key string, first int, filter map[string]any, what string, want []string) ([]syncItem, []string) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		items, _ := syncScoped(t, base, key, "", first, filter)
		got := ids(t, what, items)
		short := len(got) < len(want) && !slices.ContainsFunc(got, func(id string) bool { return !slices.Contains(want, id) })
		if !short || time.Now().After(deadline) {
			return items, got
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// syncOn syncs from since, and again from the token it ends with, within a bound, while
// what came is some of want and nothing else: a sync's bound may hold the newest changes
// back until the next sync (see firstSync), which brings them, as a client's would. It
// returns the last op of each ID, every item, and the last token.
func syncOn(t *testing.T, base, key, since string, first int, filter map[string]any, want map[string]string) (map[string]string, []syncItem, string) {
	t.Helper()
	deadline := time.Now().Add(wait)
	got := map[string]string{}
	var all []syncItem
	for {
		items, tok := syncScoped(t, base, key, since, first, filter)
		since = tok
		all = append(all, items...)
		for _, it := range items {
			got[it.ID] = it.Op
		}
		short := len(got) < len(want)
		for id, op := range got {
			if want[id] != op {
				short = false
			}
		}
		if !short || time.Now().After(deadline) {
			return got, all, since
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// syncPages is syncScoped page by page.
func syncPages(t *testing.T, base, key, since string, first int, filter map[string]any) ([][]syncItem, string) {
	t.Helper()
	var pages [][]syncItem
	for {
		if len(pages) > 1000 {
			t.Fatal("the sync does not end")
		}
		vars, doc := map[string]any{"first": first}, syncDoc // without a filter, as before filters existed
		if filter != nil {
			vars["filter"], doc = filter, scopedSyncDoc
		}
		if since != "" {
			vars["since"] = since
		}
		set := decode[struct {
			Changes struct {
				Token   string
				HasMore bool
				Changes []syncItem
			}
		}](t, post(t, base, key, doc, vars))
		pages = append(pages, set.Changes.Changes)
		since = set.Changes.Token
		if !set.Changes.HasMore {
			return pages, since
		}
	}
}

// ids returns the sorted IDs of items, and fails on an ID that comes twice.
func ids(t *testing.T, what string, items []syncItem) []string {
	t.Helper()
	var out []string
	for _, it := range items {
		if slices.Contains(out, it.ID) {
			t.Errorf("%s: %s (%s) comes more than once", what, it.ID, it.Type)
		}
		out = append(out, it.ID)
	}
	sort.Strings(out)
	return out
}

func sorted(ids ...[]string) []string {
	var out []string
	for _, l := range ids {
		out = append(out, l...)
	}
	sort.Strings(out)
	return out
}

// TestScopedSyncBringsOnlyItsScope: a first sync filtered by country (by code, name or
// alias), campaign (by ID or slug) or types brings what the caller may read of that scope
// and nothing else, in pages of any size: events held in the country, campaigns that list
// it, networks and organizations based there; the campaign and its events; the types.
func TestScopedSyncBringsOnlyItsScope(t *testing.T) {
	w := newScopeWorld(t)
	base := w.inst.srv.URL
	for _, c := range []struct {
		name   string
		key    string
		filter map[string]any
		want   []string
	}{
		{"anonymous, Burma", "", map[string]any{"country": "Burma"}, sorted(w.mmPublic)},
		{"anonymous, MM", "", map[string]any{"country": "MM"}, sorted(w.mmPublic)},
		{"a stranger, Thailand", w.strangerKey, map[string]any{"country": "thailand"}, sorted(w.thPublic)},
		{"the other organization, Myanmar", w.otherKey, map[string]any{"country": "Myanmar"}, sorted(w.mmPublic, w.otherInMM)},
		{"anonymous, the thai campaign by slug", "", map[string]any{"campaign": "thai"}, sorted(w.thaiAll)},
		{"anonymous, mtv-exit's events", "", map[string]any{"campaign": campaignID(w.campaign.ID), "types": []string{"EVENT"}}, sorted(w.mtvEvents)},
		{"anonymous, Myanmar's campaigns and networks", "", map[string]any{"country": "MM", "types": []string{"CAMPAIGN", "YOUTH_NETWORK"}},
			sorted([]string{campaignID(w.campaign.ID), relay.EncodeInt(relay.TypeYouthNetwork, w.mmNetwork)})},
		{"anonymous, organizations", "", map[string]any{"types": []string{"ORGANIZATION"}}, sorted(w.orgIDs)},
	} {
		for _, first := range []int{500, 2} {
			items, got := firstSync(t, base, c.key, first, c.filter, c.name, c.want)
			for _, it := range items {
				if it.Node == nil {
					t.Errorf("%s, pages of %d: a tombstone in a first sync: %+v", c.name, first, it)
				}
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("%s, pages of %d:\n got %v\nwant %v", c.name, first, got, c.want)
			}
		}
	}
	// A country that does not exist is bad input, as in every other filter.
	if code := post(t, base, "", scopedSyncDoc, map[string]any{"filter": map[string]any{"country": "Atlantis"}}).code(); code != "BAD_USER_INPUT" {
		t.Errorf("an unknown country: code %q", code)
	}
}

// TestSyncTokenIsBoundToItsFilter: a token goes on only with the filter it was issued with,
// however that filter is spelt (alias or code, slug or ID, types in any order); with another
// filter, or none, it is refused with BAD_USER_INPUT, and an unfiltered token is refused
// with a filter.
func TestSyncTokenIsBoundToItsFilter(t *testing.T) {
	w := newScopeWorld(t)
	base := w.inst.srv.URL
	_, mm := syncScoped(t, base, "", "", 500, map[string]any{"country": "Burma", "types": []string{"EVENT", "CAMPAIGN"}})
	_, thai := syncScoped(t, base, "", "", 500, map[string]any{"campaign": "thai"})
	_, plain := syncScoped(t, base, "", "", 500, nil)
	for _, c := range []struct {
		name   string
		token  string
		filter map[string]any
		ok     bool
	}{
		{"the same filter spelt otherwise", mm, map[string]any{"country": "mm", "types": []string{"CAMPAIGN", "EVENT", "EVENT"}}, true},
		{"the campaign by ID", thai, map[string]any{"campaign": campaignID(w.thai)}, true},
		{"no filter", plain, nil, true},
		{"an empty filter", plain, map[string]any{"types": []string{}}, true},
		{"another country", mm, map[string]any{"country": "TH", "types": []string{"CAMPAIGN", "EVENT"}}, false},
		{"fewer types", mm, map[string]any{"country": "MM", "types": []string{"EVENT"}}, false},
		{"without the filter", mm, nil, false},
		{"another campaign", thai, map[string]any{"campaign": "mtv-exit"}, false},
		{"an unfiltered token with a filter", plain, map[string]any{"country": "MM"}, false},
	} {
		r := post(t, base, "", scopedSyncDoc, map[string]any{"since": c.token, "filter": c.filter})
		switch {
		case c.ok && len(r.Errors) > 0:
			t.Errorf("%s: %+v", c.name, r.Errors)
		case !c.ok && r.code() != "BAD_USER_INPUT":
			t.Errorf("%s: code %q, want BAD_USER_INPUT", c.name, r.code())
		case !c.ok && !strings.Contains(r.Errors[0].Message, "another filter"):
			t.Errorf("%s: message %q does not say why", c.name, r.Errors[0].Message)
		}
	}
}

// TestSyncFilterOnAHiddenCampaignIsAnUnknownOne: a filter naming a campaign the caller may
// not read (another organization's draft), by ID or by slug, gets the very answer of one
// naming a campaign that does not exist, with or without a token; its owner syncs it.
func TestSyncFilterOnAHiddenCampaignIsAnUnknownOne(t *testing.T) {
	w := newScopeWorld(t)
	base := w.inst.srv.URL
	_, token := syncScoped(t, base, "", "", 500, nil)
	answer := func(key, campaign, since string) string {
		vars := map[string]any{"filter": map[string]any{"campaign": campaign}}
		if since != "" {
			vars["since"] = since
		}
		r := post(t, base, key, scopedSyncDoc, vars)
		for i := range r.Errors {
			delete(r.Errors[i].Extensions, "requestId") // each request has its own
		}
		b, _ := json.Marshal(r)
		return string(b)
	}
	for _, key := range []string{"", w.strangerKey} {
		for _, since := range []string{"", token} {
			hidden, unknown := answer(key, campaignID(w.draft), since), answer(key, campaignID(w.draft+1000), since)
			if hidden != unknown || !strings.Contains(hidden, "NOT_FOUND") {
				t.Errorf("by ID: hidden %s, unknown %s", hidden, unknown)
			}
			hidden, unknown = answer(key, "secret", since), answer(key, "no-such-campaign", since)
			if hidden != unknown || !strings.Contains(hidden, "NOT_FOUND") {
				t.Errorf("by slug: hidden %s, unknown %s", hidden, unknown)
			}
		}
	}
	want := sorted([]string{campaignID(w.draft), eventID(w.draftEvent)})
	if _, got := firstSync(t, base, w.otherKey, 500, map[string]any{"campaign": "secret"}, "the owner", want); !slices.Equal(got, want) {
		t.Errorf("the owner syncs its draft campaign as %v, want %v", got, want)
	}
}

// TestIncrementalSyncBringsARecordOnce: many changes of a record between two syncs come
// as one item with its latest state, in one page or across small ones; a record changed,
// hidden and changed again comes as one HIDDEN to a caller that had it.
func TestIncrementalSyncBringsARecordOnce(t *testing.T) {
	w := newScopeWorld(t)
	base := w.inst.srv.URL
	tokens := map[string]string{}
	for _, f := range []string{"", "MM"} {
		_, tokens[f] = syncScoped(t, base, "", "", 500, filterOf(f))
	}
	for i := range 5 {
		w.exec(t, true, fmt.Sprintf(`UPDATE events SET title = 'Concert 1, take %d' WHERE id = %d`, i, w.events[0].ID))
		w.exec(t, true, fmt.Sprintf(`UPDATE campaigns SET name = 'MTV EXIT, take %d' WHERE id = %d`, i, w.campaign.ID))
	}
	w.exec(t, true, fmt.Sprintf(`UPDATE events SET title = 'Concert 2, renamed' WHERE id = %d`, w.events[1].ID),
		fmt.Sprintf(`UPDATE events SET status = 'DRAFT' WHERE id = %d`, w.events[1].ID))
	w.exec(t, true, fmt.Sprintf(`UPDATE events SET title = 'Concert 2, draft' WHERE id = %d`, w.events[1].ID))
	settled(t, w.st)
	want := map[string]string{w.events[0].GlobalID(): "UPDATED Concert 1, take 4",
		campaignID(w.campaign.ID): "UPDATED MTV EXIT, take 4", w.events[1].GlobalID(): "HIDDEN"}
	for _, f := range []string{"", "MM"} {
		for _, first := range []int{500, 3, 1} {
			pages, _ := syncPages(t, base, "", tokens[f], first, filterOf(f))
			var items []syncItem
			for _, page := range pages {
				items = append(items, page...)
			}
			ids(t, fmt.Sprintf("filter %q, pages of %d", f, first), items)
			got := map[string]string{}
			for _, it := range items {
				got[it.ID] = it.Op
				if it.Node != nil {
					got[it.ID] += " " + it.Node.Name + it.Node.Title
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("filter %q, pages of %d: %v, want %v", f, first, got, want)
			}
		}
	}
}

func filterOf(country string) map[string]any {
	if country == "" {
		return nil
	}
	return map[string]any{"country": country}
}

// TestScopedSyncTombstones: under a filter, a record that leaves the caller's sight or the
// filter comes once as HIDDEN, and only to a caller that could read it within that filter
// at its token: an event moved from Myanmar to Thailand is HIDDEN for Myanmar's copies and
// new in Thailand's; an event hidden and moved tells Thailand's copies nothing (not even
// that it is there now); a campaign that drops a country is HIDDEN there; an event moved to
// another campaign leaves the first campaign's copies. Nothing more comes of them after.
func TestScopedSyncTombstones(t *testing.T) {
	w := newScopeWorld(t)
	base := w.inst.srv.URL
	filters := map[string]map[string]any{
		"MM": {"country": "MM"}, "TH": {"country": "TH"}, "mtv-exit": {"campaign": "mtv-exit"},
		"thai": {"campaign": "thai"}, "all": nil,
	}
	callers := map[string]string{"anonymous": "", "a stranger": w.strangerKey}
	tokens := map[string]string{}
	for c, key := range callers {
		for f, filter := range filters {
			_, tokens[c+"/"+f] = syncScoped(t, base, key, "", 500, filter)
		}
	}
	moved, hidden := w.events[0], w.events[1]
	w.exec(t, true, fmt.Sprintf(`UPDATE events SET country_code = 'TH', campaign_id = %d WHERE id = %d`, w.thai, moved.ID))
	w.exec(t, true, fmt.Sprintf(`UPDATE events SET status = 'DRAFT' WHERE id = %d`, hidden.ID))
	w.exec(t, true, fmt.Sprintf(`UPDATE events SET country_code = 'TH' WHERE id = %d`, hidden.ID))
	w.exec(t, true, fmt.Sprintf(`UPDATE events SET country_code = 'TH' WHERE id = %d`, w.draftEvent))
	w.exec(t, true, fmt.Sprintf(`DELETE FROM campaign_countries WHERE campaign_id = %d`, w.thai))
	settled(t, w.st)

	thai := campaignID(w.thai)
	want := map[string]map[string]string{
		"MM":       {moved.GlobalID(): "HIDDEN", hidden.GlobalID(): "HIDDEN"},
		"TH":       {moved.GlobalID(): "UPDATED", thai: "HIDDEN"},
		"mtv-exit": {moved.GlobalID(): "HIDDEN", hidden.GlobalID(): "HIDDEN"},
		"thai":     {moved.GlobalID(): "UPDATED", thai: "UPDATED"},
		"all":      {moved.GlobalID(): "UPDATED", hidden.GlobalID(): "HIDDEN", thai: "UPDATED"},
	}
	for c, key := range callers {
		for f, filter := range filters {
			got, items, tok := syncOn(t, base, key, tokens[c+"/"+f], 1, filter, want[f])
			tokens[c+"/"+f] = tok
			for _, it := range items {
				if (it.Node == nil) != (it.Op == "HIDDEN") {
					t.Errorf("%s, %s: %+v", c, f, it)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want[f]) {
				t.Errorf("%s, %s: %v, want %v", c, f, got, want[f])
			}
		}
	}

	// Announced once: later changes of the records that left reach only the scopes they are in.
	w.exec(t, true, fmt.Sprintf(`UPDATE events SET title = 'Concert 1, in Bangkok' WHERE id = %d`, moved.ID),
		fmt.Sprintf(`UPDATE events SET title = 'Concert 2, still a draft' WHERE id = %d`, hidden.ID),
		fmt.Sprintf(`UPDATE campaigns SET name = 'Thai campaign, regional' WHERE id = %d`, w.thai))
	settled(t, w.st)
	want = map[string]map[string]string{
		"MM": {}, "mtv-exit": {},
		"TH":   {moved.GlobalID(): "UPDATED"},
		"thai": {moved.GlobalID(): "UPDATED", thai: "UPDATED"},
		"all":  {moved.GlobalID(): "UPDATED", thai: "UPDATED"},
	}
	for c, key := range callers {
		for f, filter := range filters {
			got, _, _ := syncOn(t, base, key, tokens[c+"/"+f], 500, filter, want[f])
			if fmt.Sprint(got) != fmt.Sprint(want[f]) {
				t.Errorf("afterwards, %s, %s: %v, want %v", c, f, got, want[f])
			}
		}
	}
}

// TestFirstSyncOfTheSeedHoldsEachRecordOnce: an anonymous first sync of the seeded data, in
// pages of any size, brings each public record exactly once (it brought one campaign 16
// times, once per change of its countries, partners and funding): the campaigns, events,
// youth networks and organizations that the lists show, and nothing else.
func TestFirstSyncOfTheSeedHoldsEachRecordOnce(t *testing.T) {
	st := dbtest.Seeded(t)
	in := startInstance(t, st, realtime.Options{})
	settled(t, st)
	lists := decode[struct {
		Campaigns, Events, YouthNetworks, Organizations struct{ Nodes []struct{ ID string } }
	}](t, post(t, in.srv.URL, "", `{ campaigns(first: 100) { nodes { id } } events(first: 100) { nodes { id } }
		youthNetworks(first: 100) { nodes { id } } organizations(first: 100) { nodes { id } } }`, nil))
	var want []string
	for _, l := range [][]struct{ ID string }{lists.Campaigns.Nodes, lists.Events.Nodes, lists.YouthNetworks.Nodes, lists.Organizations.Nodes} {
		for _, n := range l {
			want = append(want, n.ID)
		}
	}
	sort.Strings(want)
	if len(want) < 10 {
		t.Fatalf("the seed lists only %d records", len(want))
	}
	t.Logf("%d public records", len(want))
	for _, first := range []int{500, 7, 1} {
		items, got := firstSync(t, in.srv.URL, "", first, nil, fmt.Sprintf("pages of %d", first), want)
		if !slices.Equal(got, want) {
			t.Errorf("pages of %d: %d items\n got %v\nwant %v", first, len(items), got, want)
		}
	}
}

// TestSmallPagesStillTellWhatLeft: a record hidden in the middle of a sync's range, with
// changes before and after, comes HIDDEN exactly once when pages end between its changes:
// the change before the hiding one is superseded (nothing of it comes), the hiding one
// tells, and the one after does not tell again.
func TestSmallPagesStillTellWhatLeft(t *testing.T) {
	w := newScopeWorld(t)
	base := w.inst.srv.URL
	for _, f := range []string{"", "MM"} {
		_, token := syncScoped(t, base, "", "", 500, filterOf(f))
		w.exec(t, true, fmt.Sprintf(`UPDATE events SET title = 'Renamed %s' WHERE id = %d`, f, w.events[1].ID))
		w.exec(t, true, fmt.Sprintf(`UPDATE events SET title = 'Concert 1, %s' WHERE id = %d`, f, w.events[0].ID))
		w.exec(t, true, fmt.Sprintf(`UPDATE events SET status = 'DRAFT', title = 'Hidden %s' WHERE id = %d`, f, w.events[1].ID))
		w.exec(t, true, fmt.Sprintf(`UPDATE campaigns SET name = 'MTV EXIT, %s' WHERE id = %d`, f, w.campaign.ID))
		w.exec(t, true, fmt.Sprintf(`UPDATE events SET title = 'Still hidden %s' WHERE id = %d`, f, w.events[1].ID))
		settled(t, w.st)
		items, _ := syncScoped(t, base, "", token, 1, filterOf(f))
		if ops := about(items, w.events[1].GlobalID()); !slices.Equal(ops, []string{"HIDDEN"}) {
			t.Errorf("filter %q: the hidden event came as %v, want one HIDDEN", f, ops)
		}
		w.exec(t, true, fmt.Sprintf(`UPDATE events SET status = 'SCHEDULED' WHERE id = %d`, w.events[1].ID))
	}
}
