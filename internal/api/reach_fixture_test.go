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

// reachWorld is a small world for near-me, reach figures and exports: a public campaign and
// a draft one of owner-org, venues at known distances from the centre of Bangkok, and events
// of several kinds, states, countries, zones and visibilities.
type reachWorld struct {
	st                  *store.Store
	url                 string
	c                   *apitest.Client
	owner, other        string // EDITOR keys of owner-org and other-org
	public, draft       *models.Campaign
	events              map[string]*models.Event
	ownerID, otherOrgID int64
}

// Bangkok's centre, and how far north of it the other Thai venues are: earthdistance's
// sphere has a radius of 6,378,168 m, so 0.09° of latitude is 10.0188 km along a meridian.
const (
	bkkLat, bkkLng = 13.7563, 100.5018
	northLat10km   = bkkLat + 0.09
	northLat30km   = bkkLat + 0.27
)

func newReachWorld(t *testing.T) *reachWorld {
	t.Helper()
	st, url := dbtest.NewWithURL(t)
	w := &reachWorld{st: st, url: url, events: map[string]*models.Event{}}
	w.owner = apitest.Key(t, st, "owner-org", "EDITOR")
	w.other = apitest.Key(t, st, "other-org", "EDITOR")
	ctx := context.Background()
	own, err := st.OrganizationBySlug(ctx, "owner-org")
	if err != nil {
		t.Fatal(err)
	}
	other, err := st.OrganizationBySlug(ctx, "other-org")
	if err != nil {
		t.Fatal(err)
	}
	w.ownerID, w.otherOrgID = own.ID, other.ID
	f := func(v float64) *float64 { return &v }
	s := func(v string) *string { return &v }
	_, err = st.SeedOnce(ctx, "reach-world", func(wr *store.Writer) error {
		for _, c := range []*models.Country{
			{Code: "TH", Name: "Thailand", AliasList: models.StringList{}}, {Code: "MM", Name: "Myanmar", AliasList: models.StringList{"Burma"}},
		} {
			if err := wr.Insert(c); err != nil {
				return err
			}
		}
		w.public = &models.Campaign{Slug: "public", Name: "Public", Status: "ACTIVE", OwnerID: &own.ID, StartPrecision: "DAY", EndPrecision: "DAY"}
		w.draft = &models.Campaign{Slug: "draft", Name: "Draft", Status: "DRAFT", OwnerID: &own.ID, StartPrecision: "DAY", EndPrecision: "DAY"}
		if err := wr.Insert(w.public, w.draft); err != nil {
			return err
		}
		centre := &models.Venue{Name: "Lumphini Park", City: s("Bangkok"), CountryCode: "TH", Latitude: f(bkkLat), Longitude: f(bkkLng)}
		north10 := &models.Venue{Name: "Ten km north", CountryCode: "TH", Latitude: f(northLat10km), Longitude: f(bkkLng)}
		north30 := &models.Venue{Name: "Thirty km north", CountryCode: "TH", Latitude: f(northLat30km), Longitude: f(bkkLng)}
		yangon := &models.Venue{Name: "People's Square", City: s("Yangon"), CountryCode: "MM", Latitude: f(16.7765), Longitude: f(96.1588)}
		nowhere := &models.Venue{Name: "Somewhere in Bangkok", CountryCode: "TH"}
		if err := wr.Insert(centre, north10, north30, yangon, nowhere); err != nil {
			return err
		}
		att := func(n int32) *int32 { return &n }
		reach := func(n int64) *int64 { return &n }
		ev := func(key string, c *models.Campaign, v *models.Venue, at time.Time, zone, kind, status, visibility string, attendance *int32, mediaReach *int64) {
			e := &models.Event{CampaignID: c.ID, Title: key, Kind: kind, Status: status, Visibility: visibility,
				StartBound: at, DatePrecision: "MINUTE", TimeZone: s(zone), OrganizerID: own.ID, Attendance: attendance, Reach: mediaReach}
			if v != nil {
				e.VenueID, e.CountryCode = &v.ID, &v.CountryCode
			}
			w.events[key] = e
		}
		bkk := time.FixedZone("ICT", 7*3600)
		ev("centre-late", w.public, centre, time.Date(2013, 3, 1, 19, 0, 0, 0, bkk), "Asia/Bangkok", "CONCERT", "SCHEDULED", "PUBLIC", nil, nil)
		ev("centre-early", w.public, centre, time.Date(2012, 11, 19, 19, 0, 0, 0, bkk), "Asia/Bangkok", "CONCERT", "COMPLETED", "PUBLIC", att(20000), reach(1500000))
		ev("north10", w.public, north10, time.Date(2013, 1, 10, 9, 0, 0, 0, bkk), "Asia/Bangkok", "OUTREACH", "COMPLETED", "PUBLIC", att(300), nil)
		ev("north30", w.public, north30, time.Date(2013, 1, 5, 9, 0, 0, 0, bkk), "Asia/Bangkok", "TRAINING", "SCHEDULED", "PUBLIC", nil, nil)
		ev("centre-partners", w.public, centre, time.Date(2013, 2, 1, 9, 0, 0, 0, bkk), "Asia/Bangkok", "MEETING", "SCHEDULED", "PARTNERS", nil, nil)
		ev("centre-draft-campaign", w.draft, centre, time.Date(2013, 2, 2, 9, 0, 0, 0, bkk), "Asia/Bangkok", "MEETING", "SCHEDULED", "PUBLIC", nil, nil)
		ev("centre-draft", w.public, centre, time.Date(2013, 2, 3, 9, 0, 0, 0, bkk), "Asia/Bangkok", "MEETING", "DRAFT", "PUBLIC", nil, nil)
		ev("no-coordinates", w.public, nowhere, time.Date(2013, 2, 4, 9, 0, 0, 0, bkk), "Asia/Bangkok", "OUTREACH", "SCHEDULED", "PUBLIC", nil, nil)
		// 00:30 on New Year's Day in Yangon (+06:30) is still 2012 in UTC.
		ev("yangon-new-year", w.public, yangon, time.Date(2012, 12, 31, 18, 0, 0, 0, time.UTC), "Asia/Yangon", "CONCERT", "COMPLETED", "PUBLIC", att(50000), reach(2000000))
		ev("online", w.public, nil, time.Date(2013, 4, 1, 12, 0, 0, 0, time.UTC), "UTC", "ONLINE_PROGRAMME", "SCHEDULED", "PUBLIC", nil, reach(100000))
		for _, k := range []string{"centre-late", "centre-early", "north10", "north30", "centre-partners", "centre-draft-campaign", "centre-draft", "no-coordinates", "yangon-new-year", "online"} {
			if err := wr.Insert(w.events[k]); err != nil {
				return fmt.Errorf("event %s: %w", k, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Judged in late 2012, when the events of 2013 were still to come.
	w.c = apitest.At(st, time.Date(2012, 11, 1, 0, 0, 0, 0, time.UTC))
	return w
}

// register records n members of owner-org registered for the event, attended as given.
func (w *reachWorld) register(t *testing.T, event string, n int, attended bool) {
	t.Helper()
	e := w.events[event]
	_, err := w.st.SeedOnce(context.Background(), fmt.Sprintf("reg-%s-%d-%v", event, n, attended), func(wr *store.Writer) error {
		for range n {
			m := &models.Member{AgeBand: "AGE_18_24", OrganizationID: w.ownerID}
			if err := wr.Insert(m); err != nil {
				return err
			}
			if err := wr.Insert(&models.Registration{EventID: e.ID, MemberID: m.ID, Status: "CONFIRMED", Attended: attended}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// foundNetwork records a regional network founded at the event with n current members and
// one who has left.
func (w *reachWorld) foundNetwork(t *testing.T, event string, n int) {
	t.Helper()
	e := w.events[event]
	_, err := w.st.SeedOnce(context.Background(), "network-"+event, func(wr *store.Writer) error {
		net := &models.YouthNetwork{Slug: "network-" + event, Name: "Network of " + event, Scope: "REGIONAL", FoundedAtID: &e.ID}
		if err := wr.Insert(net); err != nil {
			return err
		}
		left := time.Date(2013, 6, 1, 0, 0, 0, 0, time.UTC)
		for i := range n + 1 {
			m := &models.Member{AgeBand: "AGE_16_17", OrganizationID: w.ownerID}
			if err := wr.Insert(m); err != nil {
				return err
			}
			ms := &models.Membership{NetworkID: net.ID, MemberID: m.ID, JoinedAt: time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC)}
			if i == n {
				ms.LeftAt = &left
			}
			if err := wr.Insert(ms); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
