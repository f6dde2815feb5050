package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgtype"

	"campaigns/internal/page"
	"campaigns/models"
)

var campaignList = listSpec{
	name: ListCampaigns,
	from: "campaigns c",
	cols: campaignCols,
	scan: func() any { return new(campaignScan) },
	tie:  sortKey{expr: "c.id", cast: "bigint", kind: kindInt},
	orders: map[string]sortKey{
		"NAME": {expr: "c.name", cast: "text", kind: kindText},
		"STARTS_ON": {expr: "coalesce(c.starts_on, 'infinity'::date)", cast: "date", kind: kindDate,
			descExpr: "coalesce(c.starts_on, '-infinity'::date)"},
		"CREATED_AT": {expr: "c.created_at", cast: "timestamptz", kind: kindTime},
	},
}

// campaignCols are the columns of a campaign in the order campaignScan reads them; the
// lists come as text, which scans the same way through pgx and database/sql.
const campaignCols = `c.id, c.slug, c.name, c.summary, c.description, c.status, c.focus::text, c.themes::text,
	c.audiences::text, c.objectives::text, c.starts_on, c.starts_on_precision, c.ends_on, c.ends_on_precision,
	c.parent_id, c.owner_id, c.source, c.version, c.created_at, c.updated_at, c.original_language`

// campaignScan reads rows of campaignCols (a rowScan) without GORM's reflection.
type campaignScan struct {
	lists [4]pgtype.Text // focus, themes, audiences, objectives
}

func (s *campaignScan) dest(c *models.Campaign) []any {
	return []any{&c.ID, &c.Slug, &c.Name, &c.Summary, &c.Description, &c.Status, &s.lists[0], &s.lists[1],
		&s.lists[2], &s.lists[3], &c.StartDate, &c.StartPrecision, &c.EndDate, &c.EndPrecision,
		&c.ParentID, &c.OwnerID, &c.Source, &c.Version, &c.CreatedAt, &c.UpdatedAt, &c.OriginalLanguage}
}

// done parses the lists of the row just scanned.
func (s *campaignScan) done(c *models.Campaign) error {
	for i, l := range []*models.StringList{&c.FocusList, &c.ThemesList, &c.AudiencesList, &c.ObjectivesList} {
		if err := l.Scan(s.lists[i].String); err != nil {
			return err
		}
	}
	return nil
}

// CampaignFilter narrows a list of campaigns; zero fields do not narrow.
type CampaignFilter struct {
	// Viewer is the caller's organization, which also sees its own drafts; 0 for anonymous.
	Viewer      int64
	Statuses    []string
	CountryCode string
	PartnerID   int64
	Themes      []string
	Focus       []string
	TopLevel    *bool
}

func (f CampaignFilter) conds() []cond {
	cs := []cond{visibleTo(campaignPublic, campaignVisible, f.Viewer)}
	if len(f.Statuses) > 0 {
		cs = append(cs, cond{"c.status = ANY(?::text[])", []any{models.StringList(f.Statuses)}})
	}
	if f.CountryCode != "" {
		cs = append(cs, cond{"EXISTS (SELECT 1 FROM campaign_countries cc WHERE cc.campaign_id = c.id AND cc.country_code = ?)", []any{f.CountryCode}})
	}
	if f.PartnerID != 0 {
		cs = append(cs, cond{"EXISTS (SELECT 1 FROM campaign_partners cp WHERE cp.campaign_id = c.id AND cp.organization_id = ?)", []any{f.PartnerID}})
	}
	if len(f.Themes) > 0 {
		cs = append(cs, cond{"c.themes && ?::text[]", []any{models.StringList(f.Themes)}})
	}
	if len(f.Focus) > 0 {
		cs = append(cs, cond{"c.focus && ?::text[]", []any{models.StringList(f.Focus)}})
	}
	if f.TopLevel != nil {
		if *f.TopLevel {
			cs = append(cs, cond{sql: "c.parent_id IS NULL"})
		} else {
			cs = append(cs, cond{sql: "c.parent_id IS NOT NULL"})
		}
	}
	return cs
}

// Campaigns returns a page of the published campaigns that match f.
func (s *Store) Campaigns(ctx context.Context, f CampaignFilter, o Order, req page.Request) (page.Page[*models.Campaign], error) {
	p, err := listPage[models.Campaign](ctx, s.db, campaignList, f.conds(), o, req)
	if err != nil {
		return p, fmt.Errorf("campaigns: %w", err)
	}
	return p, nil
}

// CountCampaigns counts the published campaigns that match f.
func (s *Store) CountCampaigns(ctx context.Context, f CampaignFilter) (int, error) {
	n, err := listCount(ctx, s.db, campaignList, f.conds(), 0)
	if err != nil {
		return 0, fmt.Errorf("count campaigns: %w", err)
	}
	return n, nil
}

// CampaignPages returns, in one statement, a page of campaigns for each parent key.
func (s *Store) CampaignPages(ctx context.Context, by Parent, keys []string, f CampaignFilter, o Order, req page.Request) (map[string]page.Page[*models.Campaign], error) {
	out, err := listPages[models.Campaign](ctx, s.db, campaignList, by, keys, f.conds(), o, req)
	if err != nil {
		return nil, fmt.Errorf("campaign pages of %d parents: %w", len(keys), err)
	}
	return out, nil
}

// CountCampaignPages counts, in one statement, the campaigns under each parent key.
func (s *Store) CountCampaignPages(ctx context.Context, by Parent, keys []string, f CampaignFilter) (map[string]int, error) {
	out, err := listCounts(ctx, s.db, campaignList, by, keys, f.conds(), 0)
	if err != nil {
		return nil, fmt.Errorf("count campaign pages of %d parents: %w", len(keys), err)
	}
	return out, nil
}

// CampaignsByID returns the campaigns with the given IDs, drafts included: a relation such
// as an event's campaign must resolve; the caller decides what it may show.
func (s *Store) CampaignsByID(ctx context.Context, ids []int64) (map[int64]*models.Campaign, error) {
	cs, err := scanAll[models.Campaign](ctx, s.db, new(campaignScan), "SELECT "+campaignCols+" FROM campaigns c WHERE c.id = ANY(?::bigint[])", idList(ids))
	if err != nil {
		return nil, fmt.Errorf("campaigns by id: %w", translate(err))
	}
	return keyed(cs, func(c *models.Campaign) int64 { return c.ID }), nil
}

// CampaignBySlug returns the campaign with the given slug, or ErrNotFound.
func (s *Store) CampaignBySlug(ctx context.Context, slug string) (*models.Campaign, error) {
	var c models.Campaign
	if err := s.db.WithContext(ctx).Where("slug = ?", slug).Take(&c).Error; err != nil {
		return nil, fmt.Errorf("campaign %q: %w", slug, translate(err))
	}
	return &c, nil
}

// CampaignCountries returns the countries of each campaign, by country name.
func (s *Store) CampaignCountries(ctx context.Context, ids []int64) (map[int64][]*models.CampaignCountry, error) {
	var rows []*models.CampaignCountry
	err := s.db.WithContext(ctx).Table("campaign_countries cc").Select("cc.*").
		Joins("JOIN countries k ON k.code = cc.country_code").
		Where("cc.campaign_id = ANY(?::bigint[])", idList(ids)).Order("k.name").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("countries of %d campaigns: %w", len(ids), translate(err))
	}
	return groupBy(ids, rows, func(r *models.CampaignCountry) int64 { return r.CampaignID }), nil
}

// CampaignPartnersSQL is CampaignPartners' statement, of an array of campaign IDs; exported
// for cmd/loadtest's floor.
const CampaignPartnersSQL = `SELECT cp.campaign_id, cp.organization_id, cp.role, cp.note, cp.can_edit, ` + organizationCols + `
		FROM campaign_partners cp JOIN organizations eo ON eo.id = cp.organization_id
		WHERE cp.campaign_id = ANY(?::bigint[]) ORDER BY cp.role, eo.name, eo.id`

// CampaignPartners returns the partners of each campaign, by role and then name, each with
// its organization.
func (s *Store) CampaignPartners(ctx context.Context, ids []int64) (map[int64][]*models.CampaignPartner, error) {
	var r relatedScan
	var list []*models.CampaignPartner
	err := queryRows(ctx, s.db, CampaignPartnersSQL, []any{idList(ids)},
		func(rows rowScanner) error {
			p := new(models.CampaignPartner)
			if err := rows.Scan(append([]any{&p.CampaignID, &p.OrganizationID, &p.Role, &p.Note, &p.CanEdit}, r.organizationDest()...)...); err != nil {
				return err
			}
			p.Organization = r.organization()
			list = append(list, p)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("partners of %d campaigns: %w", len(ids), translate(err))
	}
	return groupBy(ids, list, func(r *models.CampaignPartner) int64 { return r.CampaignID }), nil
}

// FundingCommitments returns the funding commitments of each campaign, oldest first.
func (s *Store) FundingCommitments(ctx context.Context, ids []int64) (map[int64][]*models.FundingCommitment, error) {
	var rows []*models.FundingCommitment
	err := s.db.WithContext(ctx).Where("campaign_id = ANY(?::bigint[])", idList(ids)).
		Order("committed_on NULLS LAST, id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("funding of %d campaigns: %w", len(ids), translate(err))
	}
	return groupBy(ids, rows, func(r *models.FundingCommitment) int64 { return r.CampaignID }), nil
}

// FundingCommitmentsByID returns the funding commitments with the given IDs.
func (s *Store) FundingCommitmentsByID(ctx context.Context, ids []int64) (map[int64]*models.FundingCommitment, error) {
	return byIDs(ctx, s.db, "funding_commitments", ids, func(f *models.FundingCommitment) int64 { return f.ID })
}
