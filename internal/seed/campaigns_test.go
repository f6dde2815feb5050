package seed_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

type coverage struct {
	Country        code
	Since          *string
	SincePrecision *string
}

type partner struct {
	Organization ref
	Role         string
}

type funding struct {
	Funder               struct{ Slug, Name string }
	Amount               string
	AmountMinor          string
	Currency             string
	Purpose              *string
	CommittedOn          *string
	CommittedOnPrecision *string
}

// campaignFacts is what the fact sheet says of a campaign, in the shape the API answers.
type campaignFacts struct {
	Slug               string
	Name               string
	Status             string
	Focus              []string
	Themes             []string
	Audiences          []string
	Objectives         []string
	StartsOn           *string
	StartsOnPrecision  *string
	EndsOn             *string
	Parent             *ref
	Children           struct{ Nodes []ref }
	Countries          []code
	Coverage           []coverage
	Partners           []partner
	FundingCommitments []funding
}

const campaignQuery = `query ($slug: String!) {
  campaign(slug: $slug) {
    slug name status focus themes audiences objectives
    startsOn startsOnPrecision endsOn
    parent { slug }
    children(first: 100) { nodes { slug } }
    countries { code }
    coverage { country { code } since sincePrecision }
    partners { organization { slug } role }
    fundingCommitments {
      funder { slug name } amount amountMinor currency purpose committedOn committedOnPrecision
    }
    summary description source
  }
}`

// fromStart is the coverage of countries a campaign worked in from its own start.
func fromStart(codes ...code) []coverage {
	out := make([]coverage, len(codes))
	for i, c := range codes {
		out[i] = coverage{Country: c}
	}
	return out
}

func TestCampaignsOfTheFactSheet(t *testing.T) {
	c := seeded(t)
	// The ten ASEAN members and the United States, by English short name as the API orders them.
	aseanAndUS := []code{
		{"BN"}, {"KH"}, {"ID"}, {"LA"}, {"MY"}, {"MM"}, {"PH"}, {"SG"}, {"TH"}, {"US"}, {"VN"},
	}
	mtvSEA := append(fromStart(code{"KH"}, code{"ID"}, code{"PH"}, code{"TH"}, code{"VN"}),
		coverage{Country: code{"MM"}, Since: str("2012-12"), SincePrecision: str("MONTH")})
	tests := []struct {
		want campaignFacts
		// mentions are phrases of the fact sheet that the summary, description or
		// objectives must carry.
		mentions []string
	}{
		{
			want: campaignFacts{
				Slug: "mtv-exit", Name: "MTV EXIT (End Exploitation and Trafficking)", Status: "ACTIVE",
				Focus: []string{"PREVENTION"}, Themes: []string{}, Audiences: []string{}, Objectives: []string{},
				StartsOnPrecision: nil,
				Children:          struct{ Nodes []ref }{[]ref{{"mtv-exit-southeast-asia"}}},
				Countries:         []code{}, Coverage: []coverage{},
				Partners:           []partner{{ref{"mtv-exit"}, "IMPLEMENTER"}, {ref{"usaid"}, "FUNDER"}},
				FundingCommitments: []funding{},
			},
			mentions: []string{"global multimedia campaign"},
		},
		{
			want: campaignFacts{
				Slug: "mtv-exit-southeast-asia", Name: "MTV EXIT in Southeast Asia", Status: "ACTIVE",
				Focus: []string{"PREVENTION"}, Themes: []string{}, Audiences: []string{"VULNERABLE_POPULATIONS", "YOUTH"},
				Objectives: []string{
					"Raise awareness of trafficking among youth and vulnerable populations",
					"Prevent human trafficking in Cambodia, Indonesia, Philippines, Thailand, and Vietnam",
					"Open in Burma in December 2012 through a public concert held in Rangoon's People's Square",
					"Train young people in social media to combat trafficking in persons and build regional networks to further enhance awareness",
				},
				StartsOn: str("2006"), StartsOnPrecision: str("YEAR"),
				Parent: &ref{"mtv-exit"}, Children: struct{ Nodes []ref }{[]ref{}},
				Countries: []code{{"KH"}, {"ID"}, {"MM"}, {"PH"}, {"TH"}, {"VN"}},
				Coverage:  mtvSEA,
				Partners: []partner{
					{ref{"mtv-exit"}, "IMPLEMENTER"}, {ref{"usaid"}, "FUNDER"}, {ref{"asean"}, "HOST"},
				},
				FundingCommitments: []funding{},
			},
			mentions: []string{
				"USAID funds MTV EXIT", "Cambodia, Indonesia, the Philippines, Thailand and Vietnam",
				"People's Square", "Rangoon", "December 2012", "Since 2006", "30 major concert events",
				"76 television and online programmes", "dozens of outreach activities",
				"over 700,000 regional youth", "late November 2012", "Youth Session", "social media",
				"regional networks",
			},
		},
		{
			want: campaignFacts{
				Slug: "asean-us-modern-slavery", Name: "ASEAN–U.S. cooperation against modern slavery", Status: "ACTIVE",
				Focus:     []string{"PARTNERSHIP", "PREVENTION", "PROSECUTION", "PROTECTION"},
				Themes:    []string{"CHILD_TRAFFICKING", "FORCED_LABOUR", "LEGAL_FRAMEWORKS", "SEX_TRAFFICKING", "VICTIM_SUPPORT"},
				Audiences: []string{"FRONTLINE_SERVICE_PROVIDERS", "GOVERNMENT_OFFICIALS", "LAW_ENFORCEMENT"},
				Objectives: []string{
					"Harmonize legal frameworks in defining and prohibiting human trafficking",
					"Increase cross-border joint investigation",
					"Build capacity for a standardized response to trafficking victims' needs",
					"Protect and rehabilitate trafficking survivors",
					"Bring traffickers to justice",
					"Raise awareness so that trafficking can be stopped before it starts",
				},
				StartsOn: str("2012-11-19"), StartsOnPrecision: str("DAY"),
				Children:  struct{ Nodes []ref }{[]ref{}},
				Countries: aseanAndUS, Coverage: fromStart(aseanAndUS...),
				Partners: []partner{
					{ref{"us-government"}, "FUNDER"}, {ref{"us-government"}, "GOVERNMENT_PARTNER"},
					{ref{"asean"}, "GOVERNMENT_PARTNER"}, {ref{"civil-society-asean"}, "CIVIL_SOCIETY_PARTNER"},
				},
				FundingCommitments: []funding{{
					Funder: struct{ Slug, Name string }{"us-government", "Government of the United States"},
					Amount: "500000.00", AmountMinor: "50000000", Currency: "USD",
					Purpose:     str("Technical assistance and training for ASEAN and its member states"),
					CommittedOn: str("2012-11-19"), CommittedOnPrecision: str("DAY"),
				}},
			},
			mentions: []string{
				"Leaders' Meeting", "Phnom Penh, Cambodia", "19 November 2012", "President Obama",
				"10 ASEAN heads of state", "modern slavery", "forced labor and sex trafficking of women, men and children",
				"in partnership with civil society", "$500,000 in technical assistance and training",
			},
		},
		{
			want: campaignFacts{
				Slug: "cambodia-trafficking-victim-support", Name: "Support for trafficking victims in Cambodia", Status: "ACTIVE",
				Focus: []string{"PROTECTION"}, Themes: []string{"FORCED_LABOUR", "SEX_TRAFFICKING", "VICTIM_SUPPORT"},
				Audiences: []string{"SURVIVORS"},
				Objectives: []string{
					"Provide psychological support and other services to address trauma and other mental health needs of victims of sex and labor trafficking",
					"Provide economic support to trafficking victims through training and job placement",
				},
				StartsOnPrecision: nil,
				Children:          struct{ Nodes []ref }{[]ref{}},
				Countries:         []code{{"KH"}}, Coverage: fromStart(code{"KH"}),
				Partners: []partner{
					{ref{"us-government"}, "FUNDER"}, {ref{"royal-government-of-cambodia"}, "GOVERNMENT_PARTNER"},
					{ref{"civil-society-cambodia"}, "CIVIL_SOCIETY_PARTNER"},
				},
				FundingCommitments: []funding{},
			},
			mentions: []string{"Royal Government of Cambodia and civil society", "psychological support", "job placement"},
		},
		{
			want: campaignFacts{
				Slug: "philippines-frontline-and-victim-protection", Name: "Frontline capacity and victim protection in the Philippines", Status: "ACTIVE",
				Focus: []string{"PREVENTION", "PROSECUTION", "PROTECTION"}, Themes: []string{"VICTIM_SUPPORT"},
				Audiences: []string{"FRONTLINE_SERVICE_PROVIDERS", "SURVIVORS"},
				Objectives: []string{
					"Build the capacity of frontline service providers",
					"Fund victim support activities, making prosecution efforts more effective and increasing conviction rates",
					"Support awareness campaigns",
					"Provide comprehensive and integrated protective services so that trafficking victims gain new life skills and are less vulnerable to re-trafficking",
				},
				StartsOnPrecision: nil,
				Children:          struct{ Nodes []ref }{[]ref{}},
				Countries:         []code{{"PH"}}, Coverage: fromStart(code{"PH"}),
				Partners:           []partner{{ref{"us-government"}, "FUNDER"}},
				FundingCommitments: []funding{},
			},
			mentions: []string{"frontline service providers", "conviction rates", "awareness campaigns", "re-trafficking"},
		},
		{
			want: campaignFacts{
				Slug: "philippines-us-partnership-for-growth", Name: "Partnership for Growth (Philippines–United States)", Status: "ACTIVE",
				Focus: []string{"PARTNERSHIP", "PREVENTION"}, Themes: []string{}, Audiences: []string{"VULNERABLE_POPULATIONS"},
				Objectives: []string{
					"Promote inclusive growth focused on generating meaningful employment and income opportunities for the traditionally neglected segments of the population, those most vulnerable to human trafficking",
				},
				StartsOnPrecision: nil,
				Children:          struct{ Nodes []ref }{[]ref{}},
				Countries:         []code{{"PH"}, {"US"}}, Coverage: fromStart(code{"PH"}, code{"US"}),
				Partners: []partner{
					{ref{"government-of-the-philippines"}, "GOVERNMENT_PARTNER"}, {ref{"us-government"}, "GOVERNMENT_PARTNER"},
				},
				FundingCommitments: []funding{},
			},
			mentions: []string{"inclusive growth", "traditionally neglected segments of the population"},
		},
		{
			want: campaignFacts{
				Slug: "vietnam-victim-protection", Name: "Victim protection and shelter pilots in Vietnam", Status: "ACTIVE",
				Focus: []string{"PROSECUTION", "PROTECTION"}, Themes: []string{"VICTIM_SUPPORT"},
				Audiences: []string{"FRONTLINE_SERVICE_PROVIDERS", "SURVIVORS"},
				Objectives: []string{
					"Research victim protection and prosecution procedures",
					"Improve shelter conditions and services provided to victims through pilot projects",
				},
				StartsOnPrecision: nil,
				Children:          struct{ Nodes []ref }{[]ref{}},
				Countries:         []code{{"VN"}}, Coverage: fromStart(code{"VN"}),
				Partners:           []partner{{ref{"us-government"}, "FUNDER"}},
				FundingCommitments: []funding{},
			},
			mentions: []string{"U.S.-funded research on victim protection and prosecution procedures", "shelter conditions"},
		},
		{
			want: campaignFacts{
				Slug: "us-burma-joint-plan", Name: "U.S.–Burma joint plan to counter trafficking in persons", Status: "ACTIVE",
				Focus:     []string{"PARTNERSHIP", "PREVENTION", "PROSECUTION", "PROTECTION"},
				Themes:    []string{"CHILD_SOLDIERS", "FORCED_LABOUR", "SEX_TRAFFICKING"},
				Audiences: []string{"GOVERNMENT_OFFICIALS", "LAW_ENFORCEMENT"},
				Objectives: []string{
					"Identifying trafficking offenses",
					"Investigating and prosecuting trafficking offenders",
					"Providing victims with access to services in line with existing international guidelines",
					"Preventing Burmese citizens from being subjected to sex trafficking or forced labor either within the country's borders or abroad",
					"Establish a formal, senior-level dialogue",
					"Share technical knowledge and best practices",
				},
				StartsOn: str("2012-11"), StartsOnPrecision: str("MONTH"),
				Children:  struct{ Nodes []ref }{[]ref{}},
				Countries: []code{{"MM"}, {"US"}}, Coverage: fromStart(code{"MM"}, code{"US"}),
				Partners: []partner{
					{ref{"us-government"}, "GOVERNMENT_PARTNER"}, {ref{"government-of-burma"}, "GOVERNMENT_PARTNER"},
				},
				FundingCommitments: []funding{},
			},
			mentions: []string{
				"Governments of the United States and Burma", "joint plan to counter trafficking in persons",
				"formal, senior-level dialogue", "September 2012", "Aung San Suu Kyi", "not for sale",
				"progress made by the Government of Burma", "technical knowledge and best practices",
			},
		},
	}
	if len(tests) != wantCampaigns {
		t.Fatalf("the table lists %d campaigns, the seed %d", len(tests), wantCampaigns)
	}
	// The focus, themes and audiences are sets; coverage and partners have no stated order.
	opts := cmp.Options{
		cmpopts.SortSlices(func(a, b coverage) bool { return a.Country.Code < b.Country.Code }),
		cmpopts.SortSlices(func(a, b partner) bool {
			return a.Organization.Slug+" "+a.Role < b.Organization.Slug+" "+b.Role
		}),
	}
	for _, tt := range tests {
		t.Run(tt.want.Slug, func(t *testing.T) {
			var got struct {
				Campaign *struct {
					campaignFacts
					Summary, Description, Source *string
				}
			}
			query(t, c, campaignQuery, map[string]any{"slug": tt.want.Slug}, &got)
			if got.Campaign == nil {
				t.Fatalf("campaign %q not found", tt.want.Slug)
			}
			facts := got.Campaign.campaignFacts
			for _, set := range [][]string{facts.Focus, facts.Themes, facts.Audiences} {
				slices.Sort(set)
			}
			diff(t, "campaign "+tt.want.Slug, tt.want, facts, opts)
			text := strings.Join(append([]string{val(got.Campaign.Summary), val(got.Campaign.Description)}, facts.Objectives...), "\n")
			mentionsAll(t, "campaign "+tt.want.Slug, text, tt.mentions)
			namesFactSheet(t, "campaign "+tt.want.Slug, got.Campaign.Source)
		})
	}

	t.Run("all", func(t *testing.T) {
		var got struct {
			Campaigns struct {
				TotalCount int
				Nodes      []ref
			}
		}
		query(t, c, `{ campaigns(first: 100) { totalCount nodes { slug } } }`, nil, &got)
		want := make([]ref, len(tests))
		for i, tt := range tests {
			want[i] = ref{tt.want.Slug}
		}
		diff(t, "campaign slugs", want, got.Campaigns.Nodes, cmpopts.SortSlices(func(a, b ref) bool { return a.Slug < b.Slug }))
		if got.Campaigns.TotalCount != wantCampaigns {
			t.Errorf("campaigns totalCount = %d, want %d", got.Campaigns.TotalCount, wantCampaigns)
		}
	})

	t.Run("regional under global", func(t *testing.T) {
		var got struct {
			Top, Under struct{ Nodes []ref }
		}
		query(t, c, `{
		  top: campaigns(first: 100, filter: {topLevel: true}) { nodes { slug } }
		  under: campaigns(first: 100, filter: {topLevel: false}) { nodes { slug } }
		}`, nil, &got)
		diff(t, "campaigns under another", []ref{{"mtv-exit-southeast-asia"}}, got.Under.Nodes)
		if slices.Contains(got.Top.Nodes, ref{"mtv-exit-southeast-asia"}) || !slices.Contains(got.Top.Nodes, ref{"mtv-exit"}) {
			t.Errorf("top-level campaigns %v: want mtv-exit and not its regional campaign", got.Top.Nodes)
		}
	})
}

// --- Events ------------------------------------------------------------------------------
