package store_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"campaigns/internal/auth"
	"campaigns/internal/dbtest"
	"campaigns/internal/store"
	"campaigns/models"
)

// TestReadRules applies each read rule of the write path to records of each kind of
// visibility, as each kind of organization: the owner, a partner of the draft campaign, an
// accepted co-host and an invited one of the partner-only event, and a stranger.
func TestReadRules(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	ctx := context.Background()
	orgs := map[string]*models.Organization{}
	var published, draft *models.Campaign
	var partnersOnly, inDraft, listed *models.Event
	var indPublished, indDraft *models.Indicator
	var reg *models.Registration
	_, err := st.SeedOnce(ctx, "read-rules", func(w *store.Writer) error {
		for _, slug := range []string{"owner", "partner", "host", "invited", "stranger"} {
			o := &models.Organization{Slug: slug, Name: slug, Kind: "CIVIL_SOCIETY"}
			if err := w.Insert(o); err != nil {
				return err
			}
			orgs[slug] = o
		}
		owner := orgs["owner"].ID
		campaign := func(slug, status string) *models.Campaign {
			return &models.Campaign{Slug: slug, Name: slug, Status: status, OwnerID: &owner, StartPrecision: "DAY", EndPrecision: "DAY", Version: 1}
		}
		published, draft = campaign("published", "ACTIVE"), campaign("draft", "DRAFT")
		if err := w.Insert(published, draft); err != nil {
			return err
		}
		event := func(c *models.Campaign, visibility string) *models.Event {
			return &models.Event{CampaignID: c.ID, Title: "An event", Kind: "TRAINING", Status: "SCHEDULED", StartBound: time.Now(),
				DatePrecision: "MINUTE", OrganizerID: owner, Visibility: visibility, Version: 1}
		}
		partnersOnly, inDraft, listed = event(published, "PARTNERS"), event(draft, "PUBLIC"), event(published, "PUBLIC")
		indPublished = &models.Indicator{CampaignID: published.ID, Code: "reach", Name: "Reach", Unit: "PEOPLE"}
		indDraft = &models.Indicator{CampaignID: draft.ID, Code: "reach", Name: "Reach", Unit: "PEOPLE"}
		member := &models.Member{AgeBand: "AGE_18_24", OrganizationID: owner}
		if err := w.Insert(partnersOnly, inDraft, listed, indPublished, indDraft, member); err != nil {
			return err
		}
		reg = &models.Registration{EventID: partnersOnly.ID, MemberID: member.ID, Status: "CONFIRMED"}
		return w.Insert(reg,
			&models.CampaignPartner{CampaignID: draft.ID, OrganizationID: orgs["partner"].ID, Role: "HOST"},
			&models.EventCohost{EventID: partnersOnly.ID, OrganizationID: orgs["host"].ID},
			&models.CoHostInvitation{EventID: partnersOnly.ID, OrganizationID: orgs["invited"].ID, Status: "PENDING", InvitedBy: owner, InvitedAt: time.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	key, err := st.CreateAPIKey(ctx, "owner", auth.RoleAdmin, nil)
	if err != nil {
		t.Fatal(err)
	}
	all := []string{"owner", "partner", "host", "invited", "stranger"}
	tests := []struct {
		kind, what string
		id         int64
		readers    []string
	}{
		{"campaign", "a published campaign", published.ID, all},
		{"campaign", "a draft campaign", draft.ID, []string{"owner", "partner"}},
		{"campaign", "an unknown campaign", 987654, nil},
		{"event", "a listed event", listed.ID, all},
		{"event", "a partner-only event", partnersOnly.ID, []string{"owner", "host"}},
		{"event", "an event of a draft campaign", inDraft.ID, []string{"owner", "partner"}},
		{"indicator", "an indicator of a published campaign", indPublished.ID, all},
		{"indicator", "an indicator of a draft campaign", indDraft.ID, []string{"owner", "partner"}},
		{"registration", "a registration", reg.ID, []string{"owner"}},
		{"apiKey", "an API key", key.Key.ID, []string{"owner"}},
		{"network", "an unknown network", 987654, nil},
		{"organization", "an organization", orgs["stranger"].ID, all},
		{"invited", "an event with a pending invitation", partnersOnly.ID, []string{"invited"}},
	}
	for _, tt := range tests {
		for i, slug := range all {
			caller := auth.Caller{KeyID: int64(100 + i), OrgID: orgs[slug].ID, Role: auth.RoleEditor}
			got, err := st.MayRead(ctx, caller, tt.kind, tt.id)
			if err != nil {
				t.Fatal(err)
			}
			if want := slices.Contains(tt.readers, slug); got != want {
				t.Errorf("%s reads %s: %v, want %v", slug, tt.what, got, want)
			}
		}
	}

	// A hidden record is answered with the very error of a missing one.
	stranger := auth.Caller{KeyID: 1, OrgID: orgs["stranger"].ID, Role: auth.RoleEditor}
	_, hidden := st.LockReadableCampaign(ctx, stranger, draft.ID)
	_, missing := st.LockReadableCampaign(ctx, stranger, 987654)
	if !errors.Is(hidden, store.ErrNotFound) || !errors.Is(missing, store.ErrNotFound) ||
		strings.ReplaceAll(hidden.Error(), strconv.FormatInt(draft.ID, 10), "N") != strings.ReplaceAll(missing.Error(), "987654", "N") {
		t.Errorf("a hidden campaign: %v; a missing one: %v", hidden, missing)
	}
	if c, err := st.LockReadableCampaign(ctx, auth.Caller{KeyID: 1, OrgID: orgs["partner"].ID, Role: auth.RoleEditor}, draft.ID); err != nil || c.ID != draft.ID {
		t.Errorf("a partner locking the draft: %v, %v", c, err)
	}
}
