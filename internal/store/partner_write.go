package store

import (
	"errors"
	"fmt"
	"math/big"
	"strings"

	"gorm.io/gorm/clause"

	"campaigns/internal/auth"
	"campaigns/internal/problem"
	"campaigns/internal/relay"
	"campaigns/internal/validate"
	"campaigns/models"
)

// PartnerInput is an organization's role in a campaign, to add or to remove.
type PartnerInput struct {
	CampaignID, OrganizationID int64
	Role                       string
	// CanEdit grants the partner the right to edit the campaign; only its owner may grant it.
	CanEdit bool
	Note    *string
}

// ownsCampaign reports whether the caller's organization owns the campaign, as opposed to
// editing it by a partner's grant.
func (t *Tx) ownsCampaign(c *models.Campaign) bool {
	return c.OwnerID != nil && *c.OwnerID == t.caller.OrgID
}

// organizationMissing adds a NOT_FOUND problem for field unless the organization exists.
func (t *Tx) organizationMissing(field string, id int64, p *validate.Problems) error {
	var found bool
	if err := t.db.Raw(`SELECT EXISTS (SELECT 1 FROM organizations WHERE id = ?)`, id).Scan(&found).Error; err != nil {
		return fmt.Errorf("organization %d: %w", id, translate(err))
	}
	if !found {
		p.Add(field, validate.NotFound, "no organization has that ID")
	}
	return nil
}

// editableCampaign locks a campaign for a change to what hangs off it (partners, money,
// indicators) and checks that the caller may edit it; one the caller may not read is
// answered as one that does not exist.
func (t *Tx) editableCampaign(id int64) (*models.Campaign, error) {
	c, err := lockReadable[models.Campaign](t, campaignRead, id, forUpdate)
	if err != nil {
		return nil, err
	}
	if err := t.canEditCampaign(c); err != nil {
		return nil, err
	}
	return c, nil
}

// AddCampaignPartner adds an organization to a campaign in a role. Anyone who may edit the
// campaign may add partners, but only the owner may grant the right to edit: otherwise one
// grant would let its holder hand the campaign to any organization it likes.
func (t *Tx) AddCampaignPartner(in PartnerInput) (*models.Campaign, error) {
	c, err := t.editableCampaign(in.CampaignID)
	if err != nil {
		return nil, err
	}
	if in.CanEdit && !t.ownsCampaign(c) {
		return nil, problem.Wrap(auth.ErrForbidden, "only the campaign's owner can grant a partner the right to edit it")
	}
	var p validate.Problems
	p.OptionalText("note", in.Note, 1000)
	if err := t.organizationMissing("organization", in.OrganizationID, &p); err != nil {
		return nil, err
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	row := &models.CampaignPartner{CampaignID: c.ID, OrganizationID: in.OrganizationID, Role: in.Role, Note: in.Note, CanEdit: in.CanEdit}
	res := t.db.Clauses(clause.OnConflict{DoNothing: true}).Create(row)
	if res.Error != nil {
		return nil, fmt.Errorf("add partner %d to campaign %d: %w", in.OrganizationID, c.ID, translate(res.Error))
	}
	if res.RowsAffected == 0 {
		p.Add("role", validate.Taken, "the organization is already %s of this campaign", auth.WithArticle(words(in.Role)))
		return nil, p
	}
	return c, t.Audit("addCampaignPartner", relay.TypeCampaign, c.GlobalID(), nil, row)
}

// RemoveCampaignPartner removes an organization's role from a campaign. Taking away a
// partnership that carries the right to edit is for the owner, or for the partner giving up
// its own right: a partner with a grant cannot strip another partner of theirs.
func (t *Tx) RemoveCampaignPartner(in PartnerInput) (*models.Campaign, error) {
	c, err := t.editableCampaign(in.CampaignID)
	if err != nil {
		return nil, err
	}
	var row models.CampaignPartner
	err = t.db.Clauses(clause.Locking{Strength: "UPDATE"}).
		Where("campaign_id = ? AND organization_id = ? AND role = ?", c.ID, in.OrganizationID, in.Role).Take(&row).Error
	if errors.Is(translate(err), ErrNotFound) {
		var p validate.Problems
		p.Add("role", validate.NotFound, "the organization is not %s of this campaign", auth.WithArticle(words(in.Role)))
		return nil, p
	}
	if err != nil {
		return nil, fmt.Errorf("partner %d of campaign %d: %w", in.OrganizationID, c.ID, translate(err))
	}
	if row.CanEdit && !t.ownsCampaign(c) && row.OrganizationID != t.caller.OrgID {
		return nil, problem.Wrap(auth.ErrForbidden, "only the campaign's owner can remove a partner that may edit it")
	}
	err = t.db.Exec(`DELETE FROM campaign_partners WHERE campaign_id = ? AND organization_id = ? AND role = ?`, c.ID, in.OrganizationID, in.Role).Error
	if err != nil {
		return nil, fmt.Errorf("remove partner %d from campaign %d: %w", in.OrganizationID, c.ID, translate(err))
	}
	return c, t.Audit("removeCampaignPartner", relay.TypeCampaign, c.GlobalID(), row, nil)
}

// FundingInput is a funding commitment to record.
type FundingInput struct {
	CampaignID, FunderID int64
	// Amount is the decimal the client sent, in the currency's major unit.
	Amount, Currency string
	Purpose, Source  *string
	CommittedOn      *models.PartialDate
}

// RecordFundingCommitment records money a funder committed to a campaign, converted exactly
// into the currency's minor units.
func (t *Tx) RecordFundingCommitment(in FundingInput) (*models.FundingCommitment, error) {
	c, err := t.editableCampaign(in.CampaignID)
	if err != nil {
		return nil, err
	}
	var p validate.Problems
	scale := p.Currency("currency", in.Currency)
	var minor int64
	if len(p) == 0 {
		minor = minorUnits("amount", in.Amount, in.Currency, scale, &p)
	}
	p.OptionalText("purpose", in.Purpose, 1000)
	p.OptionalText("source", in.Source, 2000)
	if in.CommittedOn != nil {
		p.Date("committedOn", &in.CommittedOn.Date)
	}
	if err := t.organizationMissing("funder", in.FunderID, &p); err != nil {
		return nil, err
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	f := &models.FundingCommitment{
		CampaignID: c.ID, FunderID: in.FunderID, AmountMinor: minor, Currency: in.Currency,
		Purpose: in.Purpose, Source: in.Source,
	}
	f.CommittedDate, f.CommittedPrecision = partial(in.CommittedOn)
	if err := t.insert(f); err != nil {
		return nil, err
	}
	return f, t.Audit("recordFundingCommitment", relay.TypeFunding, f.GlobalID(), nil, f)
}

// maxAmountDigits bounds the amount's text before any arithmetic; int64 has 19 digits.
const maxAmountDigits = 40

// minorUnits converts a decimal amount in major units into minor units with exact integer
// arithmetic: money never passes through a float. Digits beyond the currency's decimals are
// refused unless they are zeros, since they could not be stored.
func minorUnits(field, amount, code string, scale int, p *validate.Problems) int64 {
	s, negative := strings.CutPrefix(amount, "-")
	whole, frac, dotted := strings.Cut(s, ".")
	if len(amount) > maxAmountDigits || whole == "" || !digits(whole) || (dotted && (frac == "" || !digits(frac))) {
		p.Add(field, validate.Invalid, "amount must be a decimal number such as 500000.00, not %q", truncate(amount))
		return 0
	}
	if extra := strings.TrimRight(frac, "0"); len(extra) > scale {
		p.Add(field, validate.Invalid, "%s has %d decimal places; %s cannot be recorded exactly", code, scale, amount)
		return 0
	}
	if len(frac) > scale {
		frac = frac[:scale]
	}
	frac += strings.Repeat("0", scale-len(frac))
	n, _ := new(big.Int).SetString(whole+frac, 10)
	switch {
	case negative && n.Sign() > 0:
		p.Add(field, validate.OutOfRange, "amount must not be negative")
	case !n.IsInt64():
		p.Add(field, validate.OutOfRange, "amount is too large: at most %s %s", new(big.Rat).SetFrac(big.NewInt(1<<63-1), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)).FloatString(scale), code)
	default:
		return n.Int64()
	}
	return 0
}

// digits reports whether s is made of ASCII digits only.
func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
