package api_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/relay"
)

// TestNodesAnswersEachIDOnItsOwn sends nodes(ids:) a list that mixes good IDs with a
// malformed one, an ID of no type this API has and an unknown one: the good ones answer, the
// unknown one is null without an error, and each bad one is null with a BAD_USER_INPUT error
// whose path points at its place in the list (under the field's alias when it has one).
func TestNodesAnswersEachIDOnItsOwn(t *testing.T) {
	t.Parallel()
	st := dbtest.Seeded(t)
	c := apitest.New(st)
	var seed struct {
		Campaign     struct{ ID string }
		Organization struct{ ID string }
	}
	c.Query(t, `{ campaign(slug: "mtv-exit-southeast-asia") { id } organization(slug: "usaid") { id } }`, nil).MustData(t, &seed)
	ids := []string{seed.Campaign.ID, "garbage!", seed.Organization.ID, relay.Encode("Spaceship", "1"), relay.EncodeInt(relay.TypeEvent, 999999)}
	for _, field := range []string{"nodes", "lookups"} {
		sel := "nodes"
		if field != "nodes" {
			sel = field + ": nodes"
		}
		res := c.Query(t, `query ($ids: [ID!]!) { `+sel+`(ids: $ids) { id ... on Campaign { slug } ... on Organization { slug } } }`,
			map[string]any{"ids": ids})
		var data map[string][]*struct{ ID, Slug string }
		if err := json.Unmarshal(res.Data, &data); err != nil || data == nil {
			t.Fatalf("%s: data %s (%v), errors %+v", field, res.Data, err, res.Errors)
		}
		var slugs []string
		for _, n := range data[field] {
			if n == nil {
				slugs = append(slugs, "")
			} else {
				slugs = append(slugs, n.Slug)
			}
		}
		if d := cmp.Diff([]string{"mtv-exit-southeast-asia", "", "usaid", "", ""}, slugs); d != "" {
			t.Errorf("%s: the slots read (-want +got):\n%s", field, d)
		}
		var paths [][]any
		for _, e := range res.Errors {
			if e.Code() != "BAD_USER_INPUT" {
				t.Errorf("%s: error %q has code %s, want BAD_USER_INPUT", field, e.Message, e.Code())
			}
			paths = append(paths, e.Path)
		}
		if d := cmp.Diff([][]any{{field, float64(1)}, {field, float64(3)}}, paths); d != "" {
			t.Errorf("%s: the errors' paths (-want +got):\n%s", field, d)
		}
	}
}
