package seed_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp/cmpopts"
)

type venue struct {
	Name    string
	City    *string
	Country code
	Address *string
}

// eventFacts is what the fact sheet says of an event, in the shape the API answers.
type eventFacts struct {
	Title         string
	Kind          string
	Status        string
	StartsAt      *string
	EndsAt        *string
	StartsOn      string
	DatePrecision string
	DateQualifier *string
	DateLabel     string
	TimeZone      *string
	Venue         *venue
	Campaign      ref
	Organizer     ref
	CoHosts       []ref
}

// eventsQuery reads each event's status as recorded: the fact sheet's word in 2012 (the
// status shown today reads COMPLETED once an event's period is over).
const eventsQuery = `{
  events(first: 100) {
    totalCount
    nodes {
      title kind status: recordedStatus startsAt endsAt startsOn datePrecision dateQualifier dateLabel timeZone
      venue { name city country { code } address }
      campaign { slug } organizer { slug } coHosts { slug }
      summary source
    }
  }
}`

func TestEventsOfTheFactSheet(t *testing.T) {
	c := seeded(t)
	var got struct {
		Events struct {
			TotalCount int
			Nodes      []struct {
				eventFacts
				Summary, Source *string
			}
		}
	}
	query(t, c, eventsQuery, nil, &got)
	byTitle := map[string]eventFacts{}
	summaries := map[string]string{}
	for _, e := range got.Events.Nodes {
		byTitle[e.Title] = e.eventFacts
		summaries[e.Title] = val(e.Summary)
		namesFactSheet(t, "event "+e.Title, e.Source)
	}
	tests := []struct {
		want     eventFacts
		mentions []string
	}{
		{
			// "held in Phnom Penh, Cambodia, on November 19, 2012": a day, no time of day.
			want: eventFacts{
				Title: "ASEAN–U.S. Leaders' Meeting", Kind: "MEETING", Status: "COMPLETED",
				StartsOn: "2012-11-19", DatePrecision: "DAY", DateLabel: "19 November 2012",
				TimeZone: str("Asia/Phnom_Penh"),
				Venue:    &venue{Name: "Phnom Penh", City: str("Phnom Penh"), Country: code{"KH"}},
				Campaign: ref{"asean-us-modern-slavery"}, Organizer: ref{"asean"}, CoHosts: []ref{{"us-government"}},
			},
			mentions: []string{"President Obama", "10 ASEAN heads of state", "modern slavery"},
		},
		{
			// "Beginning in late November": a month and its last third, never an invented day;
			// the fact sheet names no place.
			want: eventFacts{
				Title: "ASEAN–MTV EXIT Youth Session", Kind: "YOUTH_SESSION", Status: "SCHEDULED",
				StartsOn: "2012-11", DatePrecision: "MONTH", DateQualifier: str("LATE"), DateLabel: "late November 2012",
				Campaign: ref{"mtv-exit-southeast-asia"}, Organizer: ref{"asean"}, CoHosts: []ref{{"mtv-exit"}},
			},
			mentions: []string{"ASEAN and MTV EXIT", "training in social media", "regional networks"},
		},
		{
			// "will open in Burma in December through a public concert held in Rangoon's
			// People's Square": a month in Yangon's time zone.
			want: eventFacts{
				Title: "MTV EXIT concert in People's Square, Rangoon", Kind: "CONCERT", Status: "SCHEDULED",
				StartsOn: "2012-12", DatePrecision: "MONTH", DateLabel: "December 2012",
				TimeZone: str("Asia/Yangon"),
				Venue: &venue{
					Name: "People's Square", City: str("Yangon (Rangoon)"), Country: code{"MM"},
					Address: str("People's Square and Park, Yangon"),
				},
				Campaign: ref{"mtv-exit-southeast-asia"}, Organizer: ref{"mtv-exit"}, CoHosts: []ref{},
			},
			mentions: []string{"public concert", "People's Square", "Burma"},
		},
	}
	if got.Events.TotalCount != wantEvents || len(tests) != wantEvents {
		t.Errorf("events totalCount = %d, table %d, want %d", got.Events.TotalCount, len(tests), wantEvents)
	}
	for _, tt := range tests {
		t.Run(tt.want.Title, func(t *testing.T) {
			got, ok := byTitle[tt.want.Title]
			if !ok {
				t.Fatalf("no event %q among %v", tt.want.Title, slices.Collect(maps.Keys(byTitle)))
			}
			diff(t, "event "+tt.want.Title, tt.want, got)
			mentionsAll(t, "event "+tt.want.Title+" summary", summaries[tt.want.Title], tt.mentions)
		})
	}

	t.Run("Leaders' Meeting is in Cambodia", func(t *testing.T) {
		var got struct{ Events struct{ Nodes []title } }
		query(t, c, `{ events(first: 100, filter: {country: "Cambodia"}) { nodes { title } } }`, nil, &got)
		diff(t, "events in Cambodia", []title{{"ASEAN–U.S. Leaders' Meeting"}}, got.Events.Nodes)
	})

	t.Run("People's Square is in Burma", func(t *testing.T) {
		var got struct {
			Events struct {
				Nodes []struct {
					Venue struct {
						Country struct {
							Code    string
							Aliases []string
						}
					}
				}
			}
		}
		query(t, c, `{ events(first: 100, filter: {kind: [CONCERT]}) { nodes { venue { country { code aliases } } } } }`, nil, &got)
		if len(got.Events.Nodes) != 1 {
			t.Fatalf("got %d concerts, want 1", len(got.Events.Nodes))
		}
		country := got.Events.Nodes[0].Venue.Country
		if country.Code != "MM" || !slices.Contains(country.Aliases, "Burma") {
			t.Errorf("concert venue country %+v: want MM with the alias Burma", country)
		}
	})
}

// --- Indicators ----------------------------------------------------------------------------

type period struct {
	Start            string
	StartPrecision   string
	End              string
	EndPrecision     string
	Baseline         *float64
	Target           *float64
	Actual           *float64
	ActualComparator string
	Note             *string
	Source           *string
}

type indicator struct {
	Code     string
	Name     string
	Unit     string
	Campaign ref
	Periods  []period
}

func TestIndicatorsOfTheFactSheet(t *testing.T) {
	c := seeded(t)
	var got struct {
		Campaign struct{ Indicators []indicator }
	}
	query(t, c, `{
	  campaign(slug: "mtv-exit-southeast-asia") {
	    indicators {
	      code name unit campaign { slug }
	      periods { start startPrecision end endPrecision baseline target actual actualComparator note source }
	    }
	  }
	}`, nil, &got)
	num := func(f float64) *float64 { return &f }
	// "Since 2006" up to the fact sheet's date.
	since2006 := func(actual *float64, comparator string, note *string) []period {
		return []period{{
			Start: "2006", StartPrecision: "YEAR", End: "2012-11-20", EndPrecision: "DAY",
			Actual: actual, ActualComparator: comparator, Note: note,
		}}
	}
	want := []indicator{
		{"major-concerts", "Major concert events produced", "COUNT", ref{"mtv-exit-southeast-asia"},
			since2006(num(30), "EXACT", nil)},
		{"outreach-activities", "Outreach activities", "COUNT", ref{"mtv-exit-southeast-asia"},
			// "dozens of outreach activities": no number is invented.
			since2006(nil, "APPROXIMATE", str("dozens of outreach activities"))},
		{"tv-online-programmes", "Television and online programmes produced", "COUNT", ref{"mtv-exit-southeast-asia"},
			since2006(num(76), "EXACT", nil)},
		{"youth-engaged", "Regional youth engaged", "PEOPLE", ref{"mtv-exit-southeast-asia"},
			since2006(num(700000), "AT_LEAST", str("over 700,000 regional youth"))},
	}
	if len(want) != wantIndicators {
		t.Fatalf("the table lists %d indicators, want %d", len(want), wantIndicators)
	}
	// Sources are checked on their own; the comparison below leaves them out.
	for _, in := range got.Campaign.Indicators {
		for i := range in.Periods {
			p := &in.Periods[i]
			namesFactSheet(t, "indicator "+in.Code+" period", p.Source)
			p.Source = nil
		}
	}
	diff(t, "indicators", want, got.Campaign.Indicators,
		cmpopts.SortSlices(func(a, b indicator) bool { return a.Code < b.Code }))
}

// --- Youth network -------------------------------------------------------------------------

func TestYouthNetworkOfTheFactSheet(t *testing.T) {
	c := seeded(t)
	type network struct {
		Slug         string
		Scope        string
		Country      *code
		Parent       *ref
		FoundedAt    *struct{ Title, Kind, StartsOn string }
		Coordinators []ref
		Chapters     struct{ TotalCount int }
	}
	var got struct {
		YouthNetworks struct {
			TotalCount int
			Nodes      []struct {
				network
				Description, Source *string
			}
		}
	}
	query(t, c, `{
	  youthNetworks(first: 100) {
	    totalCount
	    nodes {
	      slug scope country { code } parent { slug }
	      foundedAt { title kind startsOn }
	      coordinators { slug } chapters(first: 100) { totalCount }
	      description source
	    }
	  }
	}`, nil, &got)
	if got.YouthNetworks.TotalCount != wantNetworks || len(got.YouthNetworks.Nodes) != wantNetworks {
		t.Fatalf("got %d youth networks (totalCount %d), want %d", len(got.YouthNetworks.Nodes), got.YouthNetworks.TotalCount, wantNetworks)
	}
	n := got.YouthNetworks.Nodes[0]
	// "ASEAN and MTV Exit will host a Youth Session to … build regional networks".
	want := network{
		Slug: "asean-mtv-exit-youth-network", Scope: "REGIONAL",
		FoundedAt:    &struct{ Title, Kind, StartsOn string }{"ASEAN–MTV EXIT Youth Session", "YOUTH_SESSION", "2012-11"},
		Coordinators: []ref{{"asean"}, {"mtv-exit"}},
	}
	diff(t, "youth network", want, n.network, cmpopts.SortSlices(func(a, b ref) bool { return a.Slug < b.Slug }))
	mentionsAll(t, "youth network description", val(n.Description), []string{"Youth Session", "social media"})
	namesFactSheet(t, "youth network", n.Source)
}

// --- Organizations and countries -----------------------------------------------------------

func TestOrganizationsOfTheFactSheet(t *testing.T) {
	c := seeded(t)
	type org struct {
		Slug    string
		Name    string
		Kind    string
		Country *code
	}
	var got struct {
		Organizations struct {
			TotalCount int
			Nodes      []struct {
				org
				Source *string
			}
		}
	}
	query(t, c, `{ organizations(first: 100) { totalCount nodes { slug name kind country { code } source } } }`, nil, &got)
	want := []org{
		{"us-government", "Government of the United States", "GOVERNMENT", &code{"US"}},
		{"usaid", "United States Agency for International Development (USAID)", "DONOR", &code{"US"}},
		{"asean", "Association of Southeast Asian Nations (ASEAN)", "INTERGOVERNMENTAL", nil},
		{"mtv-exit", "MTV EXIT (End Exploitation and Trafficking)", "MEDIA", nil},
		{"royal-government-of-cambodia", "Royal Government of Cambodia", "GOVERNMENT", &code{"KH"}},
		{"government-of-the-philippines", "Government of the Philippines", "GOVERNMENT", &code{"PH"}},
		{"government-of-burma", "Government of Burma", "GOVERNMENT", &code{"MM"}},
		{"civil-society-cambodia", "Civil society in Cambodia", "CIVIL_SOCIETY", &code{"KH"}},
		{"civil-society-asean", "Civil society in the ASEAN region", "CIVIL_SOCIETY", nil},
	}
	if len(want) != wantOrganizations || got.Organizations.TotalCount != wantOrganizations {
		t.Errorf("organizations totalCount = %d, table %d, want %d", got.Organizations.TotalCount, len(want), wantOrganizations)
	}
	var orgs []org
	for _, o := range got.Organizations.Nodes {
		orgs = append(orgs, o.org)
		namesFactSheet(t, "organization "+o.Slug, o.Source)
	}
	diff(t, "organizations", want, orgs, cmpopts.SortSlices(func(a, b org) bool { return a.Slug < b.Slug }))
}

func TestCountriesOfTheFactSheet(t *testing.T) {
	c := seeded(t)
	type country struct {
		Code        string
		Name        string
		AseanMember bool
	}
	var got struct {
		Countries struct {
			TotalCount int
			Nodes      []country
		}
		Asean struct{ Nodes []code }
	}
	query(t, c, `{
	  countries(first: 100) { totalCount nodes { code name aseanMember } }
	  asean: countries(first: 100, filter: {aseanMember: true}) { nodes { code } }
	}`, nil, &got)
	// By English short name, as the API orders countries.
	want := []country{
		{"BN", "Brunei Darussalam", true},
		{"KH", "Cambodia", true},
		{"ID", "Indonesia", true},
		{"LA", "Lao People's Democratic Republic", true},
		{"MY", "Malaysia", true},
		{"MM", "Myanmar", true},
		{"PH", "Philippines", true},
		{"SG", "Singapore", true},
		{"TH", "Thailand", true},
		{"US", "United States", false},
		{"VN", "Viet Nam", true},
	}
	diff(t, "countries", want, got.Countries.Nodes)
	if got.Countries.TotalCount != wantCountries {
		t.Errorf("countries totalCount = %d, want %d", got.Countries.TotalCount, wantCountries)
	}
	// "President Obama and the 10 ASEAN heads of state".
	asean := []code{{"BN"}, {"KH"}, {"ID"}, {"LA"}, {"MY"}, {"MM"}, {"PH"}, {"SG"}, {"TH"}, {"VN"}}
	diff(t, "ASEAN members", asean, got.Asean.Nodes, cmpopts.SortSlices(func(a, b code) bool { return a.Code < b.Code }))
}
