package seed_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestBurmaIsMyanmar checks that the fact sheet's name for Myanmar finds it everywhere a
// country can be named.
func TestBurmaIsMyanmar(t *testing.T) {
	c := seeded(t)
	t.Run("country", func(t *testing.T) {
		for _, tt := range []struct {
			name string
			want *code
		}{
			{"Burma", &code{"MM"}},
			{"Myanmar", &code{"MM"}},
			{"MM", &code{"MM"}},
			{"Vietnam", &code{"VN"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				var got struct{ Country *code }
				query(t, c, `query ($code: String!) { country(code: $code) { code } }`, map[string]any{"code": tt.name}, &got)
				diff(t, "country("+tt.name+")", tt.want, got.Country)
			})
		}
		// An unknown name finds no country: null, as the schema promises.
		t.Run("Atlantis", func(t *testing.T) {
			res := c.Query(t, `{ country(code: "Atlantis") { code } }`, nil)
			var got struct{ Country *code }
			res.MustData(t, &got)
			if got.Country != nil {
				t.Errorf("country(Atlantis) = %+v, want null", got.Country)
			}
		})
	})
	t.Run("countries search", func(t *testing.T) {
		var got struct {
			Countries struct {
				Nodes []struct {
					Code, Name string
					Aliases    []string
				}
			}
		}
		query(t, c, `{ countries(first: 100, filter: {search: "burma"}) { nodes { code name aliases } } }`, nil, &got)
		if len(got.Countries.Nodes) != 1 {
			t.Fatalf("search burma found %+v, want Myanmar alone", got.Countries.Nodes)
		}
		mm := got.Countries.Nodes[0]
		if mm.Code != "MM" || mm.Name != "Myanmar" || !slices.Contains(mm.Aliases, "Burma") {
			t.Errorf("search burma found %+v, want MM Myanmar with the alias Burma", mm)
		}
	})
	t.Run("events", func(t *testing.T) {
		var got struct{ Events struct{ Nodes []title } }
		query(t, c, `{ events(first: 100, filter: {country: "Burma"}) { nodes { title } } }`, nil, &got)
		diff(t, "events in Burma", []title{{"MTV EXIT concert in People's Square, Rangoon"}}, got.Events.Nodes)
	})
	t.Run("campaigns", func(t *testing.T) {
		var got struct{ Campaigns struct{ Nodes []ref } }
		query(t, c, `{ campaigns(first: 100, filter: {country: "Burma"}) { nodes { slug } } }`, nil, &got)
		want := []ref{{"asean-us-modern-slavery"}, {"mtv-exit-southeast-asia"}, {"us-burma-joint-plan"}}
		diff(t, "campaigns in Burma", want, got.Campaigns.Nodes, cmpopts.SortSlices(func(a, b ref) bool { return a.Slug < b.Slug }))
	})
}

// TestEverySourceNamesTheFactSheet walks every record that exposes a source.
func TestEverySourceNamesTheFactSheet(t *testing.T) {
	c := seeded(t)
	type sourced struct{ Source *string }
	var got struct {
		Campaigns struct {
			Nodes []struct {
				Slug               string
				Source             *string
				FundingCommitments []sourced
				Indicators         []struct {
					Code    string
					Periods []sourced
				}
			}
		}
		Events        struct{ Nodes []sourced }
		Organizations struct{ Nodes []sourced }
		YouthNetworks struct{ Nodes []sourced }
	}
	query(t, c, `{
	  campaigns(first: 100) { nodes { slug source fundingCommitments { source } indicators { code periods { source } } } }
	  events(first: 100) { nodes { source } }
	  organizations(first: 100) { nodes { source } }
	  youthNetworks(first: 100) { nodes { source } }
	}`, nil, &got)
	counts := map[string]int{}
	check := func(kind string, s *string) {
		t.Helper()
		counts[kind]++
		namesFactSheet(t, kind, s)
	}
	for _, cp := range got.Campaigns.Nodes {
		check("campaign", cp.Source)
		for _, f := range cp.FundingCommitments {
			check("funding commitment", f.Source)
		}
		for _, in := range cp.Indicators {
			for _, p := range in.Periods {
				check("indicator period", p.Source)
			}
		}
	}
	for _, e := range got.Events.Nodes {
		check("event", e.Source)
	}
	for _, o := range got.Organizations.Nodes {
		check("organization", o.Source)
	}
	for _, n := range got.YouthNetworks.Nodes {
		check("youth network", n.Source)
	}
	want := map[string]int{
		"campaign": wantCampaigns, "funding commitment": 1, "indicator period": wantIndicators,
		"event": wantEvents, "organization": wantOrganizations, "youth network": wantNetworks,
	}
	diff(t, "records checked", want, counts)
}

// --- Loading once --------------------------------------------------------------------------

// dumpQuery reads every record the API exposes with every field, IDs and timestamps
// included, and the relations between them.
