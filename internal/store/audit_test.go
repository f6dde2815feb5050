package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/page"
	"campaigns/internal/store"
	"campaigns/models"
)

func pageOf(n int) page.Request { return page.Request{Size: n} }

// TestAuditLogIsEachOrganizationsOwn writes as two organizations and reads each one's log:
// newest first, filtered by record and action, counted, paged, and never the other's.
func TestAuditLogIsEachOrganizationsOwn(t *testing.T) {
	t.Parallel()
	w := newCampaignWorld(t)
	ctx := context.Background()
	a := w.campaign(t, "a", "ACTIVE")
	must(t, w.st, w.owner, func(tx *store.Tx) (*models.Campaign, error) {
		return tx.UpdateCampaign(a.ID, 1, store.CampaignInput{Name: ptr("A2")})
	})
	b := w.campaign(t, "b", "ACTIVE")
	must(t, w.st, w.partner, func(tx *store.Tx) (*models.Campaign, error) {
		return tx.CreateCampaign(store.CampaignInput{Slug: w.slugp("p"), Name: ptr("P")})
	})
	actions := func(org int64, f store.AuditFilter) []string {
		t.Helper()
		p, err := w.st.AuditLog(ctx, org, f, pageOf(50))
		if err != nil {
			t.Fatal(err)
		}
		n, err := w.st.CountAuditLog(ctx, org, f)
		if err != nil || n != len(p.Items) {
			t.Errorf("CountAuditLog(%d, %+v) = %d, %v; the log has %d", org, f, n, err, len(p.Items))
		}
		var out []string
		for _, e := range p.Items {
			out = append(out, e.Action+" "+e.EntityID)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		org  int64
		f    store.AuditFilter
		want []string
	}{
		{"the owner's", w.owner.OrgID, store.AuditFilter{}, []string{"createCampaign " + b.GlobalID(), "updateCampaign " + a.GlobalID(), "createCampaign " + a.GlobalID()}},
		{"one record", w.owner.OrgID, store.AuditFilter{EntityID: a.GlobalID()}, []string{"updateCampaign " + a.GlobalID(), "createCampaign " + a.GlobalID()}},
		{"one action", w.owner.OrgID, store.AuditFilter{Actions: []string{"updateCampaign", "archiveCampaign"}}, []string{"updateCampaign " + a.GlobalID()}},
		{"no actions", w.owner.OrgID, store.AuditFilter{Actions: []string{}}, nil},
		{"the partner's", w.partner.OrgID, store.AuditFilter{EntityID: a.GlobalID()}, nil},
		{"the stranger's", w.stranger.OrgID, store.AuditFilter{}, nil},
	} {
		if d := cmp.Diff(tc.want, actions(tc.org, tc.f)); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, d)
		}
	}
	first, err := w.st.AuditLog(ctx, w.owner.OrgID, store.AuditFilter{}, pageOf(2))
	if err != nil {
		t.Fatal(err)
	}
	from, err := page.DecodeCursor(first.Cursor(1), store.AuditOrder.Token(store.ListAuditLog))
	if err != nil {
		t.Fatal(err)
	}
	second, err := w.st.AuditLog(ctx, w.owner.OrgID, store.AuditFilter{}, page.Request{Size: 2, From: &from})
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Items) != 2 || !first.HasNextPage || len(second.Items) != 1 || second.HasNextPage || !second.HasPreviousPage ||
		second.Items[0].EntityID != a.GlobalID() || second.Items[0].Action != "createCampaign" {
		t.Errorf("pages of two: %d items (next %t), then %d (next %t)", len(first.Items), first.HasNextPage, len(second.Items), second.HasNextPage)
	}
	byID, err := w.st.AuditEntriesByID(ctx, []int64{first.Items[0].ID, 987654321})
	if err != nil || len(byID) != 1 || byID[first.Items[0].ID].EntityID != b.GlobalID() {
		t.Errorf("AuditEntriesByID = %v, %v", byID, err)
	}
}
