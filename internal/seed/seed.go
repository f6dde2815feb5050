// Package seed loads the founding facts: every fact of the fact sheet "Addressing Modern
// Slavery in the ASEAN Region" of 20 November 2012 (shared/seed in the project's workspace),
// as countries, partners, campaigns, events, a youth network and indicator values. Each record
// names its source. Where the fact sheet gives only part of a date, the record keeps that
// precision; where it gives no value ("dozens"), the record keeps its words, not a number.
package seed

import (
	"context"
	"fmt"
	"time"

	"campaigns/internal/store"
	"campaigns/models"
)

// The versions of the seed, in the order they load. Loading is once per version: a database
// seeded with an earlier version gets only the later ones on its next start, and a later
// version adds what it adds by the records' natural keys (slugs, codes), never overwriting
// what partners have changed since.
const (
	// versionFactSheet loads every fact of the fact sheet.
	versionFactSheet = "2012-11-20-fact-sheet-v1"
	// versionOwnersLanguages gives each campaign the owner the fact sheet implies and the
	// organizations their public websites (owners.go), and every campaign, event, network and
	// indicator its texts in the languages of the countries it concerns (translations.go).
	versionOwnersLanguages = "2012-11-20-fact-sheet-v2"
)

// Version names the latest version of this seed, and FirstVersion the first, which
// databases seeded by the first releases hold.
const (
	Version      = versionOwnersLanguages
	FirstVersion = versionFactSheet
)

// FactSheet is the source note of every record drawn from the fact sheet.
const FactSheet = `Fact sheet "Addressing Modern Slavery in the ASEAN Region", 20 November 2012`

// steps are the versions of the seed with what each loads.
func steps() []store.SeedStep {
	return []store.SeedStep{
		{Version: versionFactSheet, Load: loadFactSheet},
		{Version: versionOwnersLanguages, Load: loadOwnersLanguages},
	}
}

// Load loads the versions of the seed not loaded before, in one transaction, and reports
// whether it loaded any.
func Load(ctx context.Context, st *store.Store) (bool, error) {
	ran, err := st.SeedVersions(ctx, steps())
	return len(ran) > 0, err
}

// LoadThrough loads the versions of the seed up to and including version that were not loaded
// before, as Load does, and reports whether it loaded any: a database as an earlier release
// left it, for tests of what a later one does with it.
func LoadThrough(ctx context.Context, st *store.Store, version string) (bool, error) {
	all := steps()
	for i, s := range all {
		if s.Version == version {
			ran, err := st.SeedVersions(ctx, all[:i+1])
			return len(ran) > 0, err
		}
	}
	return false, fmt.Errorf("seed: no version %q", version)
}

// loadFactSheet is the first version: the fact sheet's records as they were first loaded.
// It stays as it was, so that a new database and one seeded long ago end alike; later facts
// go in later versions.
func loadFactSheet(w *store.Writer) error {
	s := &seeder{w: w, orgs: map[string]*models.Organization{}, campaigns: map[string]*models.Campaign{}, events: map[string]*models.Event{}}
	for _, step := range []func() error{s.loadCountries, s.loadOrganizations, s.loadCampaigns, s.loadEvents, s.loadNetworks, s.loadIndicators} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// seeder holds what the steps share: the records inserted so far, by slug.
type seeder struct {
	w         *store.Writer
	orgs      map[string]*models.Organization
	campaigns map[string]*models.Campaign
	events    map[string]*models.Event
}

func ptr[T any](v T) *T { return &v }

func date(y int, m time.Month, d int) *time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return &t
}

func (s *seeder) loadCountries() error {
	asean := []models.Country{
		{Code: "BN", Name: "Brunei Darussalam", AliasList: []string{"Brunei"}},
		{Code: "KH", Name: "Cambodia", AliasList: []string{"Kingdom of Cambodia"}},
		{Code: "ID", Name: "Indonesia"},
		{Code: "LA", Name: "Lao People's Democratic Republic", AliasList: []string{"Laos", "Lao PDR"}},
		{Code: "MY", Name: "Malaysia"},
		// The fact sheet, like the U.S. Government of its day, calls the country Burma.
		{Code: "MM", Name: "Myanmar", AliasList: []string{"Burma"}},
		{Code: "PH", Name: "Philippines", AliasList: []string{"The Philippines"}},
		{Code: "SG", Name: "Singapore"},
		{Code: "TH", Name: "Thailand"},
		{Code: "VN", Name: "Viet Nam", AliasList: []string{"Vietnam"}},
	}
	for i := range asean {
		asean[i].AseanMember = true
		if err := s.w.Insert(&asean[i]); err != nil {
			return err
		}
	}
	return s.w.Insert(&models.Country{Code: "US", Name: "United States", AliasList: []string{"United States of America", "USA", "U.S."}})
}

func (s *seeder) loadOrganizations() error {
	orgs := []models.Organization{
		{Slug: "us-government", Name: "Government of the United States", Kind: "GOVERNMENT", CountryCode: ptr("US"),
			Description: ptr("Pledged $500,000 in technical assistance and training for ASEAN and its member states, and funds programmes against trafficking in Cambodia, the Philippines and Vietnam.")},
		{Slug: "usaid", Name: "United States Agency for International Development (USAID)", Kind: "DONOR", CountryCode: ptr("US"),
			Description: ptr("Funds MTV EXIT, the global multimedia campaign against exploitation and trafficking.")},
		{Slug: "asean", Name: "Association of Southeast Asian Nations (ASEAN)", Kind: "INTERGOVERNMENTAL",
			Description: ptr("The ten ASEAN member states, whose heads of state agreed with the United States on 19 November 2012 to improve cooperation against modern slavery.")},
		{Slug: "mtv-exit", Name: "MTV EXIT (End Exploitation and Trafficking)", Kind: "MEDIA",
			Description: ptr("A global multimedia campaign against exploitation and trafficking.")},
		{Slug: "royal-government-of-cambodia", Name: "Royal Government of Cambodia", Kind: "GOVERNMENT", CountryCode: ptr("KH")},
		{Slug: "government-of-the-philippines", Name: "Government of the Philippines", Kind: "GOVERNMENT", CountryCode: ptr("PH")},
		{Slug: "government-of-burma", Name: "Government of Burma", Kind: "GOVERNMENT", CountryCode: ptr("MM"),
			Description: ptr("Announced with the United States a joint plan to counter trafficking in persons in November 2012.")},
		{Slug: "civil-society-cambodia", Name: "Civil society in Cambodia", Kind: "CIVIL_SOCIETY", CountryCode: ptr("KH"),
			Description: ptr("The Cambodian civil-society organizations the fact sheet names as partners of U.S. programmes, without naming them one by one.")},
		{Slug: "civil-society-asean", Name: "Civil society in the ASEAN region", Kind: "CIVIL_SOCIETY",
			Description: ptr("The civil-society partners of ASEAN and the United States in regional efforts against trafficking, not named one by one in the fact sheet.")},
	}
	for i := range orgs {
		orgs[i].Source = ptr(FactSheet)
		if err := s.w.Insert(&orgs[i]); err != nil {
			return err
		}
		s.orgs[orgs[i].Slug] = &orgs[i]
	}
	return nil
}

// campaign is a campaign with what hangs off it, so the data below reads as one record each.
type campaign struct {
	models.Campaign
	parent    string
	countries map[string]*models.PartialDate // country code → since (nil: from the start)
	partners  []partner
	funding   []models.FundingCommitment
	funders   []string // slug of each funding commitment's funder
}

type partner struct {
	org, role string
	note      *string
}

func (s *seeder) loadCampaigns() error {
	for _, c := range campaignData() {
		c.Source = ptr(FactSheet)
		if c.parent != "" {
			c.ParentID = &s.campaigns[c.parent].ID
		}
		if err := s.w.Insert(&c.Campaign); err != nil {
			return err
		}
		s.campaigns[c.Slug] = &c.Campaign
		for code, since := range c.countries {
			cc := &models.CampaignCountry{CampaignID: c.ID, CountryCode: code, SincePrecision: models.PrecisionDay}
			if since != nil {
				cc.SinceDate, cc.SincePrecision = &since.Date, since.Precision
			}
			if err := s.w.Insert(cc); err != nil {
				return err
			}
		}
		for _, p := range c.partners {
			org, ok := s.orgs[p.org]
			if !ok {
				return fmt.Errorf("seed: campaign %s: unknown partner %s", c.Slug, p.org)
			}
			if err := s.w.Insert(&models.CampaignPartner{CampaignID: c.ID, OrganizationID: org.ID, Role: p.role, Note: p.note}); err != nil {
				return err
			}
		}
		for i := range c.funding {
			f := &c.funding[i]
			f.CampaignID, f.FunderID, f.Source = c.ID, s.orgs[c.funders[i]].ID, ptr(FactSheet)
			if err := s.w.Insert(f); err != nil {
				return err
			}
		}
	}
	return nil
}
