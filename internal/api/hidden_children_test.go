package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/store"
	"campaigns/models"
)

// TestChildrenOfADraftCampaignAreHidden reaches the records that belong to a draft campaign
// (its indicators and funding commitments) by their own IDs, through node and nodes. To a
// caller who may not see the campaign they must answer null, as an unknown ID does: an
// indicator's name or a commitment's amount tells of the draft as much as the draft itself.
func TestChildrenOfADraftCampaignAreHidden(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	owner := apitest.Key(t, st, "draft-owner", "VIEWER")
	stranger := apitest.Key(t, st, "draft-stranger", "ADMIN")
	var ids []string
	_, err := st.SeedOnce(context.Background(), "draft-children", func(w *store.Writer) error {
		o, err := st.OrganizationBySlug(context.Background(), "draft-owner")
		if err != nil {
			return err
		}
		draft := &models.Campaign{Slug: "secret-plan", Name: "Secret plan", Status: "DRAFT", OwnerID: &o.ID, StartPrecision: "DAY", EndPrecision: "DAY"}
		if err := w.Insert(draft); err != nil {
			return err
		}
		ind := &models.Indicator{CampaignID: draft.ID, Code: "secret-reach", Name: "Secret reach", Unit: "PEOPLE", CreatedAt: time.Now()}
		fund := &models.FundingCommitment{CampaignID: draft.ID, FunderID: o.ID, AmountMinor: 123456700, Currency: "USD",
			CommittedPrecision: "DAY", CreatedAt: time.Now()}
		if err := w.Insert(ind, fund); err != nil {
			return err
		}
		ids = []string{ind.GlobalID(), fund.GlobalID()}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c := apitest.New(st)
	const q = `query($ids: [ID!]!, $a: ID!, $b: ID!) {
		nodes(ids: $ids) { id ... on Indicator { code } ... on FundingCommitment { amount } }
		a: node(id: $a) { id } b: node(id: $b) { id } }`
	vars := map[string]any{"ids": ids, "a": ids[0], "b": ids[1]}
	for _, key := range []string{"", stranger} {
		res := c.As(key).Query(t, q, vars)
		body := string(res.Data)
		if strings.Contains(body, "secret-reach") || strings.Contains(body, "1234567") || !strings.Contains(body, `"nodes":[null,null]`) ||
			!strings.Contains(body, `"a":null`) || !strings.Contains(body, `"b":null`) {
			t.Errorf("a caller who may not see the draft reaches its children: %s %v", body, res.Errors)
		}
	}
	res := c.As(owner).Query(t, q, vars)
	if body := string(res.Data); !strings.Contains(body, "secret-reach") || !strings.Contains(body, "1234567") {
		t.Errorf("the owner does not see its draft's children: %s %v", body, res.Errors)
	}
}
