package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"campaigns/internal/dbtest"
	"campaigns/internal/disclosure"
	"campaigns/internal/store"
	"campaigns/models"
)

// TestReachCountsPartsByOwner checks the parts that reach figures are published from: one
// per event (its confirmed registrations, and those attended) and one per network the events
// founded (its members now), each the viewer's own where it organizes the event or
// coordinates the network, for two campaigns in one statement, with the capacity that bounds
// an event's counts. Waitlisted and cancelled registrations, and members who left, are not
// counted.
func TestReachCountsPartsByOwner(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	ctx := context.Background()
	var a, c models.Organization
	var p, q models.Campaign
	_, err := st.SeedOnce(ctx, "reach-parts", func(w *store.Writer) error {
		a = models.Organization{Slug: "org-a", Name: "A", Kind: "CIVIL_SOCIETY"}
		c = models.Organization{Slug: "org-c", Name: "C", Kind: "CIVIL_SOCIETY"}
		if err := w.Insert(&a, &c); err != nil {
			return err
		}
		p = models.Campaign{Slug: "p", Name: "P", Status: "ACTIVE", OwnerID: &a.ID, StartPrecision: "DAY", EndPrecision: "DAY"}
		q = models.Campaign{Slug: "q", Name: "Q", Status: "ACTIVE", OwnerID: &c.ID, StartPrecision: "DAY", EndPrecision: "DAY"}
		if err := w.Insert(&p, &q); err != nil {
			return err
		}
		event := func(campaign, org int64, capacity int32, regs ...string) (*models.Event, error) {
			e := &models.Event{CampaignID: campaign, Title: "e", Kind: "OUTREACH", Status: "SCHEDULED", Visibility: "PUBLIC",
				StartBound: time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC), DatePrecision: "DAY", OrganizerID: org}
			if capacity > 0 {
				e.Capacity, e.WaitlistEnabled = &capacity, true
			}
			if err := w.Insert(e); err != nil {
				return nil, err
			}
			for _, r := range regs { // C confirmed, A confirmed and attended, W waitlisted, X cancelled
				m := &models.Member{AgeBand: "AGE_18_24", OrganizationID: org}
				if err := w.Insert(m); err != nil {
					return nil, err
				}
				reg := &models.Registration{EventID: e.ID, MemberID: m.ID, Status: map[string]string{"C": "CONFIRMED", "A": "CONFIRMED", "W": "WAITLISTED", "X": "CANCELLED"}[r], Attended: r == "A"}
				if err := w.Insert(reg); err != nil {
					return nil, err
				}
			}
			return e, nil
		}
		network := func(slug string, founded *models.Event, coordinator int64, members, left int) error {
			n := &models.YouthNetwork{Slug: slug, Name: slug, Scope: "REGIONAL", FoundedAtID: &founded.ID}
			if err := w.Insert(n); err != nil {
				return err
			}
			if err := w.Insert(&models.NetworkCoordinator{NetworkID: n.ID, OrganizationID: coordinator}); err != nil {
				return err
			}
			gone := time.Date(2013, 6, 1, 0, 0, 0, 0, time.UTC)
			for i := range members + left {
				m := &models.Member{AgeBand: "AGE_16_17", OrganizationID: coordinator}
				if err := w.Insert(m); err != nil {
					return err
				}
				ms := &models.Membership{NetworkID: n.ID, MemberID: m.ID, JoinedAt: time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC)}
				if i >= members {
					ms.LeftAt = &gone
				}
				if err := w.Insert(ms); err != nil {
					return err
				}
			}
			return nil
		}
		p1, err := event(p.ID, a.ID, 0, "A", "A", "A", "A", "C", "C", "W", "X")
		if err != nil {
			return err
		}
		p2, err := event(p.ID, a.ID, 2, "C", "C", "W", "W", "W")
		if err != nil {
			return err
		}
		if _, err := event(p.ID, c.ID, 0, "X"); err != nil { // another's event in A's campaign, no live registration
			return err
		}
		q1, err := event(q.ID, c.ID, 0, "A", "C", "C")
		if err != nil {
			return err
		}
		if err := network("n", p1, a.ID, 7, 1); err != nil {
			return err
		}
		if err := network("n-th", p2, a.ID, 2, 0); err != nil {
			return err
		}
		return network("n-mm", q1, c.ID, 3, 2)
	})
	if err != nil {
		t.Fatal(err)
	}
	// others makes others' parts of counts ns; p2, the second event, has room for 2.
	others := func(ns ...int) disclosure.Parts {
		var p disclosure.Parts
		for _, n := range ns {
			p.Add(n, false)
		}
		return p
	}
	withP2 := func(p disclosure.Parts, n int) disclosure.Parts {
		p.AddAtMost(n, 2, false)
		return p
	}
	for _, tt := range []struct {
		viewer string
		id     int64
		p, q   parts
	}{
		{"anonymous", 0,
			parts{withP2(others(6), 2), others(4), others(7, 2)},
			parts{others(3), others(1), others(3)}},
		{"org-a", a.ID,
			parts{disclosure.Parts{Own: 8}, disclosure.Parts{Own: 4}, disclosure.Parts{Own: 9}},
			parts{others(3), others(1), others(3)}},
		{"org-c", c.ID,
			parts{withP2(others(6), 2), others(4), others(7, 2)},
			parts{disclosure.Parts{Own: 3}, disclosure.Parts{Own: 1}, disclosure.Parts{Own: 3}}},
	} {
		got, err := st.CampaignReach(ctx, tt.id, []int64{p.ID, q.ID})
		if err != nil {
			t.Fatal(err)
		}
		all, err := st.ReachOf(ctx, store.EventFilter{Viewer: tt.id})
		if err != nil {
			t.Fatal(err)
		}
		for name, c := range map[string]struct {
			want parts
			got  *store.Reach
		}{"P": {tt.p, got[p.ID]}, "Q": {tt.q, got[q.ID]}, "all": {sum(tt.p, tt.q), all}} {
			have := parts{nonZero(c.got.Registrations), nonZero(c.got.Attended), nonZero(c.got.NetworkMembers)}
			if diff := cmp.Diff(c.want, have, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s's parts of %s (-want +got):\n%s", tt.viewer, name, diff)
			}
		}
	}
}

// parts are the parts of each measure of a reach.
type parts struct{ Registrations, Attended, NetworkMembers disclosure.Parts }

// nonZero leaves out the parts of 0, which the store may or may not list: they add nothing.
func nonZero(p disclosure.Parts) disclosure.Parts {
	out := disclosure.Parts{Own: p.Own}
	for part, k := range p.Others {
		for range k {
			if part.N != 0 {
				out.AddAtMost(part.N, part.Most, false)
			}
		}
	}
	return out
}

// sum adds up two sets of parts measure by measure.
func sum(a, b parts) parts {
	add := func(x, y disclosure.Parts) disclosure.Parts {
		out := nonZero(x)
		out.Own += y.Own
		for part, k := range y.Others {
			for range k {
				out.AddAtMost(part.N, part.Most, false)
			}
		}
		return out
	}
	return parts{add(a.Registrations, b.Registrations), add(a.Attended, b.Attended), add(a.NetworkMembers, b.NetworkMembers)}
}
