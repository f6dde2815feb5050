package store

import (
	"errors"
	"fmt"
	"time"

	"campaigns/internal/auth"
	"campaigns/internal/problem"
	"campaigns/internal/relay"
	"campaigns/internal/validate"
	"campaigns/models"
)

// CampaignInput is a new campaign, or the fields of a change; a nil field is left as it is.
type CampaignInput struct {
	Slug, Name                           *string
	Summary, Description                 Opt[string]
	Status                               *string
	Focus, Themes, Audiences, Objectives []string
	FocusSet, ThemesSet, AudiencesSet    bool
	ObjectivesSet                        bool
	StartsOn, EndsOn                     Opt[models.PartialDate]
	ParentID                             int64
	Countries                            []string
	CountriesSet                         bool
}

// Opt is an optional change: Set says whether the client gave the field, Value (nil to
// clear) what it gave.
type Opt[T any] struct {
	Set   bool
	Value *T
}

// validateCampaign checks a campaign's fields as they will be stored.
func validateCampaign(c *models.Campaign, p *validate.Problems) {
	p.Slug("slug", c.Slug)
	p.Text("name", c.Name, 1, 300)
	p.OptionalText("summary", c.Summary, 1000)
	p.OptionalText("description", c.Description, 20000)
	for i, o := range c.ObjectivesList {
		p.Text(fmt.Sprintf("objectives.%d", i), o, 1, 500)
	}
	if len(c.ObjectivesList) > 50 {
		p.Add("objectives", validate.Length, "a campaign has at most 50 objectives")
	}
	p.Date("startsOn", c.StartDate)
	p.Date("endsOn", c.EndDate)
	// The database keeps the first day of each period, and so compares those: an end of
	// "2013" cannot follow a start of "2013-06-01", but an end of "2013-12" can.
	if c.StartDate != nil && c.EndDate != nil && c.EndDate.Before(*c.StartDate) {
		p.Add("endsOn", validate.EndBeforeStart, "endsOn must not be before startsOn; give an end at least as precise as the start")
	}
}

// periodEnd returns the last day of a partial date's period, so that "2013" does not end
// before "2013-06-01".
func periodEnd(d time.Time, precision string) time.Time {
	switch precision {
	case models.PrecisionYear:
		return d.AddDate(1, 0, -1)
	case models.PrecisionMonth:
		return d.AddDate(0, 1, -1)
	}
	return d
}

// apply copies the given fields of in onto c.
func (in CampaignInput) apply(c *models.Campaign) {
	if in.Slug != nil {
		c.Slug = *in.Slug
	}
	if in.Name != nil {
		c.Name = *in.Name
	}
	if in.Summary.Set {
		c.Summary = in.Summary.Value
	}
	if in.Description.Set {
		c.Description = in.Description.Value
	}
	if in.Status != nil {
		c.Status = *in.Status
	}
	if in.FocusSet {
		c.FocusList = in.Focus
	}
	if in.ThemesSet {
		c.ThemesList = in.Themes
	}
	if in.AudiencesSet {
		c.AudiencesList = in.Audiences
	}
	if in.ObjectivesSet {
		c.ObjectivesList = in.Objectives
	}
	if in.StartsOn.Set {
		c.StartDate, c.StartPrecision = partial(in.StartsOn.Value)
	}
	if in.EndsOn.Set {
		c.EndDate, c.EndPrecision = partial(in.EndsOn.Value)
	}
}

func partial(d *models.PartialDate) (*time.Time, string) {
	if d == nil {
		return nil, models.PrecisionDay
	}
	t := d.Date
	return &t, d.Precision
}

// canEditCampaign reports whether the caller owns the campaign or is a partner granted edit;
// the campaign is one the caller may read (lockReadable).
func (t *Tx) canEditCampaign(c *models.Campaign) error {
	var granted bool
	if !t.caller.Anonymous() {
		err := t.db.Raw(`SELECT EXISTS (SELECT 1 FROM campaign_partners WHERE campaign_id = ? AND organization_id = ? AND can_edit)`,
			c.ID, t.caller.OrgID).Scan(&granted).Error
		if err != nil {
			return fmt.Errorf("campaign %d grants: %w", c.ID, translate(err))
		}
	}
	return auth.RequireEdit(t.caller, "campaign", c.OwnerID, granted)
}

// countryCode returns the ISO code of the country whose code, name or alias is name, or ""
// when there is none.
func (t *Tx) countryCode(name string) string {
	var code string
	if err := t.db.Raw(`SELECT code FROM countries WHERE `+countryNamed+` ORDER BY code LIMIT 1`, name, name, name).Scan(&code).Error; err != nil {
		return ""
	}
	return code
}

// resolveCountries turns codes, names or aliases into ISO codes, with a problem per unknown one.
func (t *Tx) resolveCountries(field string, names []string, p *validate.Problems) []string {
	codes := make([]string, 0, len(names))
	for i, n := range names {
		code := t.countryCode(n)
		if code == "" {
			p.Add(fmt.Sprintf("%s.%d", field, i), validate.UnknownCountry, "no country is called %q; use an ISO 3166-1 alpha-2 code such as MM", truncate(n))
			continue
		}
		codes = append(codes, code)
	}
	return codes
}

// resolveCountry turns a code, name or alias into an ISO code, with a problem for an unknown one.
func (t *Tx) resolveCountry(field, name string, p *validate.Problems) *string {
	code := t.countryCode(name)
	if code == "" {
		p.Add(field, validate.UnknownCountry, "no country is called %q; use an ISO 3166-1 alpha-2 code such as MM", truncate(name))
		return nil
	}
	return &code
}

// setCampaignCountries replaces a campaign's countries, keeping the dates of those it keeps.
func (t *Tx) setCampaignCountries(id int64, codes []string) error {
	if err := t.db.Exec(`DELETE FROM campaign_countries WHERE campaign_id = ? AND NOT country_code = ANY(?::text[])`, id, models.StringList(codes)).Error; err != nil {
		return translate(err)
	}
	for _, code := range codes {
		err := t.db.Exec(`INSERT INTO campaign_countries (campaign_id, country_code, since_precision) VALUES (?, ?, 'DAY') ON CONFLICT DO NOTHING`, id, code).Error
		if err != nil {
			return translate(err)
		}
	}
	return nil
}

// CreateCampaign creates a campaign owned by the caller's organization.
func (t *Tx) CreateCampaign(in CampaignInput) (*models.Campaign, error) {
	if err := auth.RequireRole(t.caller, auth.RoleEditor, "create a campaign"); err != nil {
		return nil, err
	}
	owner := t.caller.OrgID
	c := &models.Campaign{Status: "DRAFT", OwnerID: &owner, StartPrecision: models.PrecisionDay, EndPrecision: models.PrecisionDay, Version: 1}
	in.apply(c)
	var p validate.Problems
	if in.Slug == nil {
		p.Add("slug", validate.Required, "slug is required")
	}
	if in.Name == nil {
		p.Add("name", validate.Required, "name is required")
	}
	validateCampaign(c, &p)
	if in.ParentID != 0 {
		// A parent the caller may not read is answered as one that does not exist.
		parent, err := lockReadable[models.Campaign](t, campaignRead, in.ParentID, forShare)
		switch {
		case errors.Is(err, ErrNotFound):
			p.Add("parent", validate.NotFound, "no campaign has that ID")
		case err != nil:
			return nil, err
		default:
			if err := t.canEditCampaign(parent); errors.Is(err, auth.ErrForbidden) {
				return nil, fmt.Errorf("parent: %w", problem.Wrap(auth.ErrForbidden, "your organization can read the parent campaign but may not add campaigns under it; that takes the right to edit it"))
			} else if err != nil {
				return nil, fmt.Errorf("parent: %w", err)
			}
			c.ParentID = &parent.ID
		}
	}
	codes := t.resolveCountries("countries", in.Countries, &p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	if err := t.db.Create(c).Error; err != nil {
		if uniqueViolation(err) {
			p.Add("slug", validate.Taken, "another campaign has the slug %q", c.Slug)
			return nil, p
		}
		return nil, fmt.Errorf("insert campaign: %w", translate(err))
	}
	if err := t.setCampaignCountries(c.ID, codes); err != nil {
		return nil, err
	}
	return c, t.Audit("createCampaign", relay.TypeCampaign, c.GlobalID(), nil, c)
}

// UpdateCampaign changes the given fields of a campaign at the expected version.
func (t *Tx) UpdateCampaign(id int64, expectedVersion int32, in CampaignInput) (*models.Campaign, error) {
	return t.updateCampaign("updateCampaign", id, expectedVersion, in)
}

func (t *Tx) updateCampaign(action string, id int64, expectedVersion int32, in CampaignInput) (*models.Campaign, error) {
	c, err := lockReadable[models.Campaign](t, campaignRead, id, forUpdate)
	if err != nil {
		return nil, err
	}
	if err := t.canEditCampaign(c); err != nil {
		return nil, err
	}
	if err := checkVersion("campaign", c.Version, expectedVersion); err != nil {
		return nil, err
	}
	before := *c
	in.apply(c)
	var p validate.Problems
	validateCampaign(c, &p)
	var codes []string
	if in.CountriesSet {
		codes = t.resolveCountries("countries", in.Countries, &p)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	c.Version++
	c.UpdatedAt = time.Now()
	if err := t.db.Save(c).Error; err != nil {
		if uniqueViolation(err) {
			p.Add("slug", validate.Taken, "another campaign has the slug %q", c.Slug)
			return nil, p
		}
		return nil, fmt.Errorf("update campaign %d: %w", id, translate(err))
	}
	if in.CountriesSet {
		if err := t.setCampaignCountries(c.ID, codes); err != nil {
			return nil, err
		}
	}
	return c, t.Audit(action, relay.TypeCampaign, c.GlobalID(), before, c)
}

// ArchiveCampaign marks a campaign ARCHIVED.
func (t *Tx) ArchiveCampaign(id int64, expectedVersion int32) (*models.Campaign, error) {
	archived := "ARCHIVED"
	return t.updateCampaign("archiveCampaign", id, expectedVersion, CampaignInput{Status: &archived})
}
