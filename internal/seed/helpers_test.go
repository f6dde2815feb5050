package seed_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
)

// factSheetTitle is what every seeded record's source must name. It is spelled out here,
// not taken from seed.FactSheet, so that an emptied constant cannot pass the test.
const factSheetTitle = "Addressing Modern Slavery in the ASEAN Region"

// The seed's size: the fact sheet's campaigns, partners, countries, events and networks.
const (
	wantCampaigns     = 8
	wantOrganizations = 9
	wantCountries     = 11 // the ten ASEAN members and the United States
	wantEvents        = 3
	wantNetworks      = 1
	wantIndicators    = 4
)

// ref, code and title are the shapes in which the queries below name related records.
type (
	ref   struct{ Slug string }
	code  struct{ Code string }
	title struct{ Title string }
)

// seeded returns a client of the API over a fresh database holding the seed.
func seeded(t *testing.T) *apitest.Client {
	t.Helper()
	return apitest.New(dbtest.Seeded(t))
}

// query runs q with vars, fails on any GraphQL error and decodes the data into v.
func query(t *testing.T, c *apitest.Client, q string, vars map[string]any, v any) {
	t.Helper()
	c.Query(t, q, vars).MustData(t, v)
}

// diff fails the test with what differs between want and got.
func diff(t *testing.T, what string, want, got any, opts ...cmp.Option) {
	t.Helper()
	if d := cmp.Diff(want, got, opts...); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", what, d)
	}
}

// mentionsAll fails the test for each phrase that text lacks.
func mentionsAll(t *testing.T, what, text string, phrases []string) {
	t.Helper()
	for _, p := range phrases {
		if !strings.Contains(text, p) {
			t.Errorf("%s does not mention %q:\n%s", what, p, text)
		}
	}
}

// namesFactSheet fails the test unless source is present and names the fact sheet.
func namesFactSheet(t *testing.T, what string, source *string) {
	t.Helper()
	if source == nil || !strings.Contains(*source, factSheetTitle) {
		t.Errorf("%s: source %q does not name the fact sheet %q", what, val(source), factSheetTitle)
	}
}

// val returns *s, or "" for nil.
func val(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func str(s string) *string { return &s }

// --- Campaigns ---------------------------------------------------------------------------
