package api_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/store"
	"campaigns/models"
)

// fill adds campaigns, each with events at venues in two countries and two partners, so
// that every relation of the nested query below has rows to batch.
func fill(t *testing.T, st *store.Store, version string, campaigns, eventsEach int) {
	t.Helper()
	_, err := st.SeedOnce(context.Background(), version, func(w *store.Writer) error {
		for _, k := range []models.Country{{Code: "KH", Name: "Cambodia"}, {Code: "MM", Name: "Myanmar", AliasList: []string{"Burma"}}} {
			if err := w.Insert(&k); err != nil {
				return err
			}
		}
		orgs := make([]*models.Organization, 3)
		for i := range orgs {
			orgs[i] = &models.Organization{Slug: fmt.Sprintf("org-%d", i), Name: fmt.Sprintf("Org %d", i), Kind: "CIVIL_SOCIETY"}
			if err := w.Insert(orgs[i]); err != nil {
				return err
			}
		}
		venues := []*models.Venue{{Name: "Hall", CountryCode: "KH"}, {Name: "Square", CountryCode: "MM"}}
		if err := w.Insert(venues[0], venues[1]); err != nil {
			return err
		}
		start := time.Date(2012, 12, 1, 19, 0, 0, 0, time.UTC)
		for c := range campaigns {
			camp := &models.Campaign{Slug: fmt.Sprintf("c-%03d", c), Name: fmt.Sprintf("Campaign %03d", c), Status: "ACTIVE",
				StartPrecision: "DAY", EndPrecision: "DAY"}
			if err := w.Insert(camp); err != nil {
				return err
			}
			for i, role := range []string{"FUNDER", "IMPLEMENTER"} {
				if err := w.Insert(&models.CampaignPartner{CampaignID: camp.ID, OrganizationID: orgs[(c+i)%3].ID, Role: role}); err != nil {
					return err
				}
			}
			for e := range eventsEach {
				v := venues[e%2]
				ev := &models.Event{CampaignID: camp.ID, Title: fmt.Sprintf("Event %d", e), Kind: "CONCERT", Status: "SCHEDULED",
					StartBound: start.Add(time.Duration(e) * time.Hour), DatePrecision: "MINUTE", TimeZone: ptr("Asia/Yangon"),
					VenueID: &v.ID, CountryCode: &v.CountryCode, OrganizerID: orgs[e%3].ID}
				if err := w.Insert(ev); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("fill: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

// TestNestedQueryStatementsGrowWithDepthNotRows runs the nested query over a small and
// a large data set: both must stay within a bound set by the query's depth, where a query per
// row would run hundreds. (The two counts may differ by one: whether the organizations of
// partners and of organizers land in one batch or two depends on timing.)
func TestNestedQueryStatementsGrowWithDepthNotRows(t *testing.T) {
	const query = `{ campaigns(first: 20) { nodes {
		events(first: 10) { nodes { organizer { name } venue { country { name } } } }
		partners { organization { name } } } } }`
	counts := map[string]int64{}
	for _, size := range []struct {
		name              string
		campaigns, events int
	}{{"small", 2, 2}, {"large", 25, 15}} {
		st := dbtest.New(t)
		fill(t, st, size.name, size.campaigns, size.events)
		res := apitest.New(st).Query(t, query, nil)
		var got struct {
			Campaigns struct {
				Nodes []struct {
					Events struct {
						Nodes []struct {
							Organizer struct{ Name string }
							Venue     struct{ Country struct{ Name string } }
						}
					}
					Partners []struct{ Organization struct{ Name string } }
				}
			}
		}
		res.MustData(t, &got)
		wantCampaigns, wantEvents := min(size.campaigns, 20), min(size.events, 10)
		if len(got.Campaigns.Nodes) != wantCampaigns {
			t.Fatalf("%s: %d campaigns, want %d", size.name, len(got.Campaigns.Nodes), wantCampaigns)
		}
		for _, c := range got.Campaigns.Nodes {
			if len(c.Events.Nodes) != wantEvents || len(c.Partners) != 2 {
				t.Fatalf("%s: %d events and %d partners, want %d and 2", size.name, len(c.Events.Nodes), len(c.Partners), wantEvents)
			}
			for _, e := range c.Events.Nodes {
				if e.Organizer.Name == "" || e.Venue.Country.Name == "" {
					t.Fatalf("%s: event without organizer or venue country: %+v", size.name, e)
				}
			}
		}
		counts[size.name] = res.Statements
		t.Logf("%s: %d statements", size.name, res.Statements)
	}
	// campaigns, events, partners, organizations, venues, countries: 6 when every level
	// is one batch. A loader's batch can split in two when the machine is too busy to start
	// a level's goroutines within the loader's window (seen under -race on a loaded CI
	// machine), so up to 10 is allowed; a statement per row would be well over 20.
	for name, n := range counts {
		if n > 10 {
			t.Errorf("%s: %d statements for a query of depth 4, want at most 10", name, n)
		}
	}
}
