package api_test

import (
	"os"
	"regexp"
	"testing"
	"time"

	"campaigns/internal/api"
	"campaigns/internal/apitest"
	"campaigns/internal/config"
	"campaigns/internal/dbtest"
)

// TestMobileSyncLoopRuns runs the sync loop of docs/mobile-sync.md as an app in Myanmar
// would, with the default limits, against the seeded data: a first sync to its end brings
// each record once and only Myanmar's; after a partner adds an event in Myanmar and one in
// Thailand, the next sync brings the Myanmar one alone; the token is refused without its
// filter.
func TestMobileSyncLoopRuns(t *testing.T) {
	page, err := os.ReadFile("../../docs/mobile-sync.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```graphql\n(query SyncChanges.*?)```").FindSubmatch(page)
	if m == nil {
		t.Fatal("docs/mobile-sync.md has no SyncChanges query")
	}
	doc := string(m[1])
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	st := dbtest.Seeded(t)
	app := &apitest.Client{Handler: api.New(st, api.Options{Limits: cfg.Limits})}
	type set struct {
		Changes struct {
			Token   string
			HasMore bool
			Changes []struct {
				Op, Type, ID string
				Node         *struct {
					ID, Title, Name string
				}
			}
		}
	}
	sync := func(token string) (map[string]string, string) {
		t.Helper()
		got := map[string]string{}
		for pages := 0; ; pages++ {
			if pages > 100 {
				t.Fatal("the sync does not end")
			}
			vars := map[string]any{"country": "Burma"}
			if token != "" {
				vars["token"] = token
			}
			var s set
			app.Query(t, doc, vars).MustData(t, &s)
			for _, c := range s.Changes.Changes {
				if _, twice := got[c.ID]; twice {
					t.Errorf("%s (%s) comes twice", c.ID, c.Type)
				}
				got[c.ID] = c.Op
				if c.Node != nil {
					got[c.ID] = c.Node.Title + c.Node.Name
				}
			}
			token = s.Changes.Token
			if !s.Changes.HasMore {
				return got, token
			}
		}
	}
	first, token := sync("")
	var myanmar struct {
		Country struct {
			Events struct{ Nodes []struct{ ID string } }
		}
	}
	app.Query(t, `{ country(code: "MM") { events(first: 100) { nodes { id } } } }`, nil).MustData(t, &myanmar)
	if len(myanmar.Country.Events.Nodes) == 0 {
		t.Fatal("the seed has no event in Myanmar")
	}
	for _, e := range myanmar.Country.Events.Nodes {
		if _, ok := first[e.ID]; !ok {
			t.Errorf("the first sync lacks Myanmar's event %s", e.ID)
		}
	}

	editor := app.As(apitest.Key(t, st, "sync-partner", "EDITOR"))
	var c struct {
		M struct{ Campaign struct{ ID string } }
	}
	editor.Query(t, `mutation { m: createCampaign(input: { slug: "sync-campaign", name: "Sync campaign", status: ACTIVE }) { campaign { id } } }`, nil).MustData(t, &c)
	start := time.Now().UTC().Add(30 * 24 * time.Hour).Truncate(time.Minute)
	ids := map[string]string{}
	for _, v := range []struct{ title, city, country, zone string }{
		{"Mandalay forum", "Mandalay", "Burma", "Asia/Yangon"}, {"Chiang Mai forum", "Chiang Mai", "TH", "Asia/Bangkok"},
	} {
		var e struct {
			M struct{ Event struct{ ID string } }
		}
		editor.Query(t, `mutation ($in: CreateEventInput!) { m: createEvent(input: $in) { event { id } } }`, map[string]any{"in": map[string]any{
			"campaign": c.M.Campaign.ID, "title": v.title, "kind": "OUTREACH", "status": "SCHEDULED",
			"startsAt": start.Format(time.RFC3339), "timeZone": v.zone,
			"venue": map[string]any{"name": "Hall", "city": v.city, "country": v.country},
		}}).MustData(t, &e)
		ids[v.title] = e.M.Event.ID
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		next, _ := sync(token)
		if next[ids["Mandalay forum"]] == "Mandalay forum" {
			if _, ok := next[ids["Chiang Mai forum"]]; ok || len(next) != 1 {
				t.Errorf("the sync after the writes brings %v, want Myanmar's new event alone", next)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the new event in Myanmar never came: %v", next)
		}
		time.Sleep(20 * time.Millisecond) // its transaction settles within milliseconds
	}
	if code := app.Query(t, `query($token: String) { changes(since: $token) { token } }`, map[string]any{"token": token}).Errors; len(code) == 0 || code[0].Code() != "BAD_USER_INPUT" {
		t.Errorf("the token without its filter: %+v", code)
	}
}
