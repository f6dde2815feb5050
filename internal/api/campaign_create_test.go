package api_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
)

type campaignResult struct {
	M struct {
		Campaign *struct {
			ID, Slug, Name, Status string
			Version                int
			Summary                *string
			StartsOn, EndsOn       *string
			Countries              []struct{ Code string }
		}
		UserErrors []struct {
			Field []string
			Code  string
		}
	}
}

const campaignFields = `campaign { id slug name status version summary startsOn endsOn countries { code } } userErrors { field code }`

// TestCreateCampaignChecksEveryField sends inputs that are each wrong in one way: each gets
// its user error on its field, and no campaign is created.
func TestCreateCampaignChecksEveryField(t *testing.T) {
	t.Parallel()
	st := dbtest.Seeded(t)
	c := apitest.New(st).As(apitest.Key(t, st, "mtv-exit", "EDITOR"))
	for _, tc := range []struct {
		name, input, field, code string
	}{
		{"bad slug", `slug: "Not A Slug", name: "X"`, "slug", "INVALID"},
		{"blank name", `slug: "x", name: "   "`, "name", "REQUIRED"},
		{"long name", `slug: "x", name: "` + strings.Repeat("a", 301) + `"`, "name", "LENGTH"},
		{"end before start", `slug: "x", name: "X", startsOn: "2013-06-01", endsOn: "2013-05-31"`, "endsOn", "END_BEFORE_START"},
		{"coarser end before the start's day", `slug: "x", name: "X", startsOn: "2013-06-01", endsOn: "2013"`, "endsOn", "END_BEFORE_START"},
		{"unknown country", `slug: "x", name: "X", countries: ["KH", "Atlantis"]`, "countries.1", "UNKNOWN_COUNTRY"},
		{"taken slug", `slug: "mtv-exit", name: "X"`, "slug", "TAKEN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got campaignResult
			c.Query(t, `mutation { m: createCampaign(input: {`+tc.input+`}) { `+campaignFields+` } }`, nil).MustData(t, &got)
			if got.M.Campaign != nil || len(got.M.UserErrors) != 1 {
				t.Fatalf("got %+v, want one user error and no campaign", got.M)
			}
			e := got.M.UserErrors[0]
			want := append([]string{"input"}, strings.Split(tc.field, ".")...)
			if diff := cmp.Diff(want, e.Field); diff != "" || e.Code != tc.code {
				t.Errorf("user error %+v, want %s on %s", e, tc.code, tc.field)
			}
		})
	}
	var count struct{ Campaigns struct{ TotalCount int } }
	c.Query(t, `{ campaigns { totalCount } }`, nil).MustData(t, &count)
	if count.Campaigns.TotalCount != 8 {
		t.Errorf("%d campaigns after refused creations, want the seed's 8", count.Campaigns.TotalCount)
	}
}

// TestUpdateCampaignIsPartialAndVersioned creates a campaign, changes one field, clears
// another, is refused on a stale version, and archives it.
func TestUpdateCampaignIsPartialAndVersioned(t *testing.T) {
	t.Parallel()
	st := dbtest.Seeded(t)
	c := apitest.New(st).As(apitest.Key(t, st, "mtv-exit", "EDITOR"))
	var created campaignResult
	c.Query(t, `mutation { m: createCampaign(input: {slug: "exit-2013", name: "EXIT 2013", summary: "Concerts", startsOn: "2013", countries: ["Burma", "KH"]}) { `+campaignFields+` } }`, nil).MustData(t, &created)
	camp := created.M.Campaign
	if camp == nil || camp.Status != "DRAFT" || camp.Version != 1 || camp.StartsOn == nil || *camp.StartsOn != "2013" || len(camp.Countries) != 2 {
		t.Fatalf("created %+v (errors %+v)", camp, created.M.UserErrors)
	}

	var updated campaignResult
	c.Query(t, `mutation($id: ID!) { m: updateCampaign(input: {id: $id, expectedVersion: 1, name: "EXIT Burma 2013", summary: null}) { `+campaignFields+` } }`,
		map[string]any{"id": camp.ID}).MustData(t, &updated)
	u := updated.M.Campaign
	if u == nil || u.Name != "EXIT Burma 2013" || u.Summary != nil || u.Version != 2 || u.Slug != "exit-2013" || *u.StartsOn != "2013" || len(u.Countries) != 2 {
		t.Fatalf("after a partial update: %+v", u)
	}

	stale := c.Query(t, `mutation($id: ID!) { m: updateCampaign(input: {id: $id, expectedVersion: 1, name: "Lost"}) { `+campaignFields+` } }`, map[string]any{"id": camp.ID})
	if code := stale.ErrorCode(t); code != "CONFLICT" {
		t.Fatalf("stale version: code %s, want CONFLICT", code)
	}

	var archived campaignResult
	c.Query(t, `mutation($id: ID!) { m: archiveCampaign(input: {id: $id, expectedVersion: 2}) { `+campaignFields+` } }`, map[string]any{"id": camp.ID}).MustData(t, &archived)
	if a := archived.M.Campaign; a == nil || a.Status != "ARCHIVED" || a.Name != "EXIT Burma 2013" || a.Version != 3 {
		t.Fatalf("archived: %+v", archived.M)
	}
}
