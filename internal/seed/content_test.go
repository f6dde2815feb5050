package seed_test

import (
	"slices"
	"strings"
	"testing"

	"campaigns/internal/lang"
	"campaigns/internal/seed"
)

// TestCampaignOwners checks that every seeded campaign has the owner the fact sheet implies,
// and that its source says why.
func TestCampaignOwners(t *testing.T) {
	c := seeded(t)
	var got struct {
		Campaigns struct {
			Nodes []struct {
				Slug   string
				Owner  *ref
				Source *string
			}
		}
	}
	query(t, c, `{ campaigns(first: 100) { nodes { slug owner { slug } source } } }`, nil, &got)
	want := map[string]string{
		"mtv-exit":                                    "mtv-exit",
		"mtv-exit-southeast-asia":                     "mtv-exit",
		"asean-us-modern-slavery":                     "us-government",
		"cambodia-trafficking-victim-support":         "us-government",
		"philippines-frontline-and-victim-protection": "us-government",
		"philippines-us-partnership-for-growth":       "us-government",
		"vietnam-victim-protection":                   "us-government",
		"us-burma-joint-plan":                         "us-government",
	}
	owners := map[string]string{}
	for _, n := range got.Campaigns.Nodes {
		if n.Owner == nil {
			t.Errorf("campaign %s has no owner", n.Slug)
			continue
		}
		owners[n.Slug] = n.Owner.Slug
		namesFactSheet(t, n.Slug, n.Source)
		if !strings.Contains(val(n.Source), "; owner: ") {
			t.Errorf("campaign %s: source %q does not say why it has its owner", n.Slug, val(n.Source))
		}
	}
	diff(t, "owners", want, owners)
}

// TestOrganizationWebsites checks the public websites of the fact sheet's organizations, each
// with its source, and that the groupings that are not one body have none.
func TestOrganizationWebsites(t *testing.T) {
	c := seeded(t)
	var got struct {
		Organizations struct {
			Nodes []struct {
				Slug    string
				Website *string
				Source  *string
			}
		}
	}
	query(t, c, `{ organizations(first: 100) { nodes { slug website source } } }`, nil, &got)
	want := map[string]string{
		"us-government":                 "https://www.usa.gov",
		"usaid":                         "https://www.usaid.gov",
		"asean":                         "https://asean.org",
		"mtv-exit":                      "http://www.mtvexit.org",
		"government-of-the-philippines": "https://www.gov.ph",
	}
	sites := map[string]string{}
	for _, o := range got.Organizations.Nodes {
		namesFactSheet(t, o.Slug, o.Source)
		if o.Website == nil {
			continue
		}
		sites[o.Slug] = *o.Website
		if !strings.Contains(val(o.Source), "website: ") {
			t.Errorf("organization %s: source %q does not say where its website comes from", o.Slug, val(o.Source))
		}
	}
	diff(t, "websites", want, sites)
}

// languageOf is the language of each country the seeded records are in, as the seed gives
// its translations (not Lao or Malay; see translations.go).
var languageOf = map[string]string{"KH": "km", "ID": "id", "PH": "fil", "TH": "th", "VN": "vi", "MM": "my"}

var regional = []string{"fil", "id", "km", "my", "th", "vi"}

// TestSeedTranslations checks that every seeded campaign, event, network and indicator has
// its name or title and its summary (a network's description) in the languages of the
// countries it concerns, each marked as made for the seed and current with its original.
func TestSeedTranslations(t *testing.T) {
	c := seeded(t)
	type translation struct{ Field, Language, Text, Origin string }
	type translated struct {
		Slug         string
		Countries    []code
		Translations []translation
		Stale        []struct{ Stale bool }
	}
	var got struct {
		Campaigns struct {
			Nodes []struct {
				translated
				Events     struct{ Nodes []translated }
				Indicators []translated
			}
		}
		YouthNetworks struct{ Nodes []translated }
	}
	const fields = `translations { field language text origin } stale: translations { stale }`
	query(t, c, `{
	  campaigns(first: 10) { nodes { slug countries { code } `+fields+`
	    events(first: 5) { nodes { slug: title `+fields+` } }
	    indicators { slug: code `+fields+` } } }
	  youthNetworks(first: 5) { nodes { slug `+fields+` } }
	}`, nil, &got)

	// check wants, in each language, the record's two texts, made for the seed and current.
	records := 0
	check := func(what string, r translated, languages []string, textFields ...string) {
		t.Helper()
		records++
		have := map[string]bool{}
		for _, tr := range r.Translations {
			have[tr.Field+" "+tr.Language] = true
			if tr.Origin != "SEED" {
				t.Errorf("%s %q: %s in %s has origin %s, want SEED", what, r.Slug, tr.Field, tr.Language, tr.Origin)
			}
			if strings.TrimSpace(tr.Text) == "" {
				t.Errorf("%s %q: %s in %s is empty", what, r.Slug, tr.Field, tr.Language)
			}
		}
		for _, s := range r.Stale {
			if s.Stale {
				t.Errorf("%s %q: a translation is stale: its English differs from the record's", what, r.Slug)
			}
		}
		for _, l := range languages {
			for _, f := range textFields {
				if !have[f+" "+l] {
					t.Errorf("%s %q has no %s in %s", what, r.Slug, f, l)
				}
			}
		}
	}
	for _, cp := range got.Campaigns.Nodes {
		languages := regional // the global campaign, in the region through its regional one
		if len(cp.Countries) > 0 {
			languages = nil
			for _, k := range cp.Countries {
				if l, ok := languageOf[k.Code]; ok {
					languages = append(languages, l)
				}
			}
		}
		if len(languages) == 0 {
			t.Errorf("campaign %s concerns no language of the region", cp.Slug)
		}
		check("campaign", cp.translated, languages, "NAME", "SUMMARY")
		for _, e := range cp.Events.Nodes {
			check("event", e, languages, "TITLE", "SUMMARY")
		}
		for _, in := range cp.Indicators {
			check("indicator", in, languages, "NAME")
		}
	}
	for _, n := range got.YouthNetworks.Nodes {
		check("network", n, regional, "NAME", "DESCRIPTION")
	}
	if want := wantCampaigns + wantEvents + wantIndicators + wantNetworks; records != want {
		t.Errorf("checked %d records, want %d", records, want)
	}
}

// TestSeedTextsAreWellFormed checks the seed's own table of texts: each language is one the
// API takes, and no translation repeats the English it translates.
func TestSeedTextsAreWellFormed(t *testing.T) {
	for _, tx := range seed.Texts() {
		if len(tx.Translations) == 0 {
			t.Errorf("%+v has no translation", tx)
		}
		for l, s := range tx.Translations {
			if canon, err := lang.Canonical(l); err != nil || canon != l {
				t.Errorf("%s %s: language %q is not canonical (%q, %v)", tx.Kind, tx.Field, l, canon, err)
			}
			if !slices.Contains(regional, l) {
				t.Errorf("%s %s: %s is not a language of the region's countries", tx.Kind, tx.Field, l)
			}
			if s == tx.English {
				t.Errorf("%s %s in %s repeats the English", tx.Kind, tx.Field, l)
			}
		}
	}
}

// TestPhnomPenhFrontendReadsKhmer is a frontend in Phnom Penh: it sends Accept-Language: km
// and shows the campaign, its events and figures in Khmer, each marked as not official.
func TestPhnomPenhFrontendReadsKhmer(t *testing.T) {
	c := seeded(t).WithHeader("Accept-Language", "km, en;q=0.5")
	type localized struct {
		Text, Language string
		Original       bool
		Origin         *string
	}
	var got struct {
		Campaign struct {
			Name          string
			Summary       string
			LocalizedName localized
			Events        struct{ Nodes []struct{ Title string } }
			Indicators    []struct{ Name string }
		}
	}
	query(t, c, `{ campaign(slug: "mtv-exit-southeast-asia") {
	  name summary localizedName { text language original origin }
	  events(first: 10) { nodes { title } } indicators { name } } }`, nil, &got)
	cp := got.Campaign
	if cp.Name != "MTV EXIT នៅអាស៊ីអាគ្នេយ៍" || !strings.Contains(cp.Summary, "កម្ពុជា") {
		t.Errorf("campaign in km: %q / %q", cp.Name, cp.Summary)
	}
	if l := cp.LocalizedName; l.Language != "km" || l.Original || l.Origin == nil || *l.Origin != "SEED" {
		t.Errorf("localizedName = %+v; want km, a translation made for the seed", l)
	}
	khmer := func(s string) bool {
		return strings.ContainsFunc(s, func(r rune) bool { return r >= 0x1780 && r <= 0x17FF })
	}
	for _, e := range cp.Events.Nodes {
		if !khmer(e.Title) {
			t.Errorf("event title %q is not in Khmer", e.Title)
		}
	}
	for _, in := range cp.Indicators {
		if !khmer(in.Name) {
			t.Errorf("indicator name %q is not in Khmer", in.Name)
		}
	}

	// The original stays the default, and a language the seed has not (Lao) falls back to it.
	var en struct{ Campaign struct{ Name, Lao string } }
	query(t, seeded(t), `{ campaign(slug: "mtv-exit-southeast-asia") { name lao: name(language: "lo") } }`, nil, &en)
	if en.Campaign.Name != "MTV EXIT in Southeast Asia" || en.Campaign.Lao != en.Campaign.Name {
		t.Errorf("without a preference: %+v, want the English original", en.Campaign)
	}
}
