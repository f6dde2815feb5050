package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/auth"
	"campaigns/internal/store"
	"campaigns/models"
)

// TestCampaignPartners adds and removes partners: a role is added once, only the owner
// grants or strips the right to edit, and a granted partner may give up its own right.
func TestCampaignPartners(t *testing.T) {
	t.Parallel()
	w := newCampaignWorld(t)
	ctx := context.Background()
	c := w.campaign(t, "c", "ACTIVE")
	third := w.caller(t, "third", auth.RoleEditor)
	in := func(org int64, role string, canEdit bool) store.PartnerInput {
		return store.PartnerInput{CampaignID: c.ID, OrganizationID: org, Role: role, CanEdit: canEdit}
	}
	add := func(by auth.Caller, in store.PartnerInput) error {
		_, err := write(t, w.st, by, func(tx *store.Tx) (*models.Campaign, error) { return tx.AddCampaignPartner(in) })
		return err
	}
	remove := func(by auth.Caller, in store.PartnerInput) error {
		_, err := write(t, w.st, by, func(tx *store.Tx) (*models.Campaign, error) { return tx.RemoveCampaignPartner(in) })
		return err
	}
	for _, tc := range []struct {
		name string
		err  error
		want any
	}{
		{"grant the partner", add(w.owner, store.PartnerInput{CampaignID: c.ID, OrganizationID: w.partner.OrgID, Role: "IMPLEMENTER", CanEdit: true, Note: ptr("leads")}), nil},
		{"the same role again", add(w.owner, in(w.partner.OrgID, "IMPLEMENTER", false)), map[string]string{"input.role": "TAKEN"}},
		{"a second role", add(w.owner, in(w.partner.OrgID, "FUNDER", false)), nil},
		{"the partner adds a third", add(w.partner, in(third.OrgID, "HOST", false)), nil},
		{"the partner grants", add(w.partner, in(third.OrgID, "MEDIA_PARTNER", true)), auth.ErrForbidden},
		{"the stranger adds", add(w.stranger, in(w.stranger.OrgID, "HOST", false)), auth.ErrForbidden},
		{"an unknown organization", add(w.owner, in(987654321, "HOST", false)), map[string]string{"input.organization": "NOT_FOUND"}},
		{"an unknown campaign", add(w.owner, store.PartnerInput{CampaignID: 987654321, OrganizationID: third.OrgID, Role: "HOST"}), store.ErrNotFound},
	} {
		wantErr(t, tc.name, tc.err, tc.want)
	}
	partners := func() []string {
		t.Helper()
		got, err := w.st.CampaignPartners(ctx, []int64{c.ID, 987654321})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range got[c.ID] {
			s := p.Role + " " + w.unslug(p.Organization.Slug)
			if p.CanEdit {
				s += " edits"
			}
			if p.Note != nil {
				s += " (" + *p.Note + ")"
			}
			out = append(out, s)
		}
		return out
	}
	if d := cmp.Diff([]string{"FUNDER partner", "HOST third", "IMPLEMENTER partner edits (leads)"}, partners()); d != "" {
		t.Errorf("partners, by role (-want +got):\n%s", d)
	}
	must(t, w.st, w.owner, func(tx *store.Tx) (*models.Campaign, error) {
		return tx.AddCampaignPartner(in(third.OrgID, "MEDIA_PARTNER", true))
	})
	for _, tc := range []struct {
		name string
		err  error
		want any
	}{
		{"the partner strips the third", remove(w.partner, in(third.OrgID, "MEDIA_PARTNER", false)), auth.ErrForbidden},
		{"a role it does not have", remove(w.owner, in(third.OrgID, "FUNDER", false)), map[string]string{"input.role": "NOT_FOUND"}},
		{"the partner removes a plain role", remove(w.partner, in(third.OrgID, "HOST", false)), nil},
		{"the partner gives up its right", remove(w.partner, in(w.partner.OrgID, "IMPLEMENTER", false)), nil},
		{"then may edit no more", remove(w.partner, in(w.partner.OrgID, "FUNDER", false)), auth.ErrForbidden},
		{"the owner strips the third", remove(w.owner, in(third.OrgID, "MEDIA_PARTNER", false)), nil},
	} {
		wantErr(t, tc.name, tc.err, tc.want)
	}
	if d := cmp.Diff([]string{"FUNDER partner"}, partners()); d != "" {
		t.Errorf("partners after removals (-want +got):\n%s", d)
	}
}

// TestFundingCommitmentsAreExact records commitments in currencies of zero, two and three
// decimals and reads back the exact minor units, oldest commitment first.
func TestFundingCommitmentsAreExact(t *testing.T) {
	t.Parallel()
	w := newCampaignWorld(t)
	ctx := context.Background()
	c := w.campaign(t, "c", "ACTIVE")
	record := func(by auth.Caller, amount, currency string, on *models.PartialDate) (*models.FundingCommitment, error) {
		return write(t, w.st, by, func(tx *store.Tx) (*models.FundingCommitment, error) {
			return tx.RecordFundingCommitment(store.FundingInput{CampaignID: c.ID, FunderID: w.partner.OrgID, Amount: amount, Currency: currency, CommittedOn: on})
		})
	}
	var ids []int64
	for _, tc := range []struct {
		amount, currency string
		minor            int64
		on               *models.PartialDate
	}{
		{"500000.00", "USD", 50000000, &models.PartialDate{Date: day(2012, 11, 19), Precision: models.PrecisionDay}},
		{"1000", "MMK", 1000, &models.PartialDate{Date: day(2012, 1, 1), Precision: models.PrecisionYear}},
		{"0.5", "USD", 50, nil},
		{"1.2340", "KWD", 1234, nil},
		{"92233720368547758.07", "USD", 1<<63 - 1, nil},
	} {
		f, err := record(w.owner, tc.amount, tc.currency, tc.on)
		if err != nil {
			t.Errorf("%s %s: %v", tc.amount, tc.currency, err)
			continue
		}
		if f.AmountMinor != tc.minor {
			t.Errorf("%s %s = %d minor units, want %d", tc.amount, tc.currency, f.AmountMinor, tc.minor)
		}
		ids = append(ids, f.ID)
	}
	for _, tc := range []struct {
		name, amount, currency string
		by                     auth.Caller
		want                   any
	}{
		{"cents of a currency without", "1000.5", "MMK", w.owner, map[string]string{"input.amount": "INVALID"}},
		{"too many decimals", "1.001", "USD", w.owner, map[string]string{"input.amount": "INVALID"}},
		{"negative", "-1", "USD", w.owner, map[string]string{"input.amount": "OUT_OF_RANGE"}},
		{"too large", "92233720368547758.08", "USD", w.owner, map[string]string{"input.amount": "OUT_OF_RANGE"}},
		{"not a number", "1e6", "USD", w.owner, map[string]string{"input.amount": "INVALID"}},
		{"a bare dot", "1.", "USD", w.owner, map[string]string{"input.amount": "INVALID"}},
		{"unknown currency", "1", "usd", w.owner, map[string]string{"input.currency": "UNKNOWN_CURRENCY"}},
		{"stranger", "1", "USD", w.stranger, auth.ErrForbidden},
	} {
		_, err := record(tc.by, tc.amount, tc.currency, nil)
		wantErr(t, tc.name, err, tc.want)
	}
	got, err := w.st.FundingCommitments(ctx, []int64{c.ID, 987654321})
	if err != nil {
		t.Fatal(err)
	}
	var order []int64
	for _, f := range got[c.ID] {
		order = append(order, f.ID)
	}
	// Dated ones by date, then the undated by ID.
	if d := cmp.Diff([]int64{ids[1], ids[0], ids[2], ids[3], ids[4]}, order); d != "" {
		t.Errorf("commitments in order (-want +got):\n%s", d)
	}
	byID, err := w.st.FundingCommitmentsByID(ctx, []int64{ids[0], 987654321})
	if err != nil {
		t.Fatal(err)
	}
	if f := byID[ids[0]]; len(byID) != 1 || f.Currency != "USD" || f.FunderID != w.partner.OrgID || f.CommittedPrecision != "DAY" {
		t.Errorf("FundingCommitmentsByID = %+v", byID)
	}
}
