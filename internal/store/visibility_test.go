package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"campaigns/internal/dbtest"
	"campaigns/internal/page"
	"campaigns/internal/store"
	"campaigns/models"
)

// TestVisibilityFormsAgree holds the two forms of the visibility rules (store/visibility.go)
// to the same answers: for every campaign and event of a matrix (draft, published,
// partner-only, draft events, events of draft campaigns) and every viewer (anonymous, the
// owner, a partner, the organizer, a co-host, an invited organization, a stranger), what the
// lists return under the SQL conditions is what the Go predicates say of each record.
func TestVisibilityFormsAgree(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	ctx := context.Background()
	orgs := map[string]int64{}
	var campaigns []*models.Campaign
	var events []*models.Event
	_, err := st.SeedOnce(ctx, "visibility", func(w *store.Writer) error {
		for _, slug := range []string{"owner", "partner", "organizer", "host", "invited", "stranger"} {
			o := &models.Organization{Slug: slug, Name: slug, Kind: "CIVIL_SOCIETY"}
			if err := w.Insert(o); err != nil {
				return err
			}
			orgs[slug] = o.ID
		}
		owner := orgs["owner"]
		for _, status := range []string{"ACTIVE", "DRAFT", "COMPLETED"} {
			c := &models.Campaign{Slug: strings.ToLower("c-" + status), Name: status, Status: status, OwnerID: &owner,
				StartPrecision: "DAY", EndPrecision: "DAY", Version: 1}
			if err := w.Insert(c); err != nil {
				return err
			}
			campaigns = append(campaigns, c)
		}
		// A draft without an owner: no organization sees it but its partners.
		orphan := &models.Campaign{Slug: "c-orphan", Name: "orphan", Status: "DRAFT", StartPrecision: "DAY", EndPrecision: "DAY", Version: 1}
		if err := w.Insert(orphan); err != nil {
			return err
		}
		campaigns = append(campaigns, orphan)
		for _, c := range campaigns {
			if err := w.Insert(&models.CampaignPartner{CampaignID: c.ID, OrganizationID: orgs["partner"], Role: "HOST"}); err != nil {
				return err
			}
			for _, status := range []string{"SCHEDULED", "DRAFT"} {
				for _, visibility := range []string{"PUBLIC", "PARTNERS"} {
					e := &models.Event{CampaignID: c.ID, Title: status + " " + visibility, Kind: "TRAINING", Status: status,
						StartBound: time.Now(), DatePrecision: "MINUTE", OrganizerID: orgs["organizer"], Visibility: visibility, Version: 1}
					if err := w.Insert(e); err != nil {
						return err
					}
					events = append(events, e)
				}
			}
		}
		for _, e := range events {
			if err := w.Insert(&models.EventCohost{EventID: e.ID, OrganizationID: orgs["host"]},
				&models.CoHostInvitation{EventID: e.ID, OrganizationID: orgs["invited"], Status: "PENDING", InvitedBy: orgs["organizer"], InvitedAt: time.Now()}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The events as the store reads them, with the listed flag the triggers keep.
	ids := make([]int64, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	read, err := st.EventsByID(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	rel := relatives{st}
	viewers := map[string]int64{"anonymous": 0}
	for slug, id := range orgs {
		viewers[slug] = id
	}
	seen := map[bool]int{}
	for name, org := range viewers {
		cs, err := st.Campaigns(ctx, store.CampaignFilter{Viewer: org}, store.Order{Field: "NAME"}, page.Request{Size: 100})
		if err != nil {
			t.Fatal(err)
		}
		listed := map[int64]bool{}
		for _, c := range cs.Items {
			listed[c.ID] = true
		}
		for _, c := range campaigns {
			ok, err := store.CampaignVisible(ctx, rel, org, c)
			if err != nil {
				t.Fatal(err)
			}
			seen[ok]++
			if ok != listed[c.ID] {
				t.Errorf("%s, campaign %s: the Go rule says %v, the SQL rule %v", name, c.Slug, ok, listed[c.ID])
			}
		}
		es, err := st.Events(ctx, store.EventFilter{Viewer: org}, store.Order{Field: "STARTS_AT"}, page.Request{Size: 100})
		if err != nil {
			t.Fatal(err)
		}
		listed = map[int64]bool{}
		for _, e := range es.Items {
			listed[e.ID] = true
		}
		for _, id := range ids {
			e := read[id]
			ok, err := store.EventVisible(ctx, rel, org, e)
			if err != nil {
				t.Fatal(err)
			}
			seen[ok]++
			if ok != listed[e.ID] {
				c, _ := rel.Campaign(ctx, e.CampaignID)
				t.Errorf("%s, %s event in campaign %s: the Go rule says %v, the SQL rule %v", name, e.Title, c.Slug, ok, listed[e.ID])
			}
		}
	}
	// Both answers are given often, so that the agreement says something.
	if seen[true] < 20 || seen[false] < 20 {
		t.Errorf("visible %d times, hidden %d times; the matrix does not exercise both", seen[true], seen[false])
	}
}

// relatives reads a record's relatives straight from the store, one at a time.
type relatives struct{ st *store.Store }

func (r relatives) Campaign(ctx context.Context, id int64) (*models.Campaign, error) {
	m, err := r.st.CampaignsByID(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	c, ok := m[id]
	if !ok {
		return nil, fmt.Errorf("campaign %d: %w", id, store.ErrNotFound)
	}
	return c, nil
}

func (r relatives) CampaignPartners(ctx context.Context, id int64) ([]*models.CampaignPartner, error) {
	m, err := r.st.CampaignPartners(ctx, []int64{id})
	return m[id], err
}

func (r relatives) EventCoHosts(ctx context.Context, id int64) ([]*models.Organization, error) {
	m, err := r.st.EventCoHosts(ctx, []int64{id})
	return m[id], err
}
