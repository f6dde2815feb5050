package api_test

import (
	"testing"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
)

func TestSeededCampaignsAnswer(t *testing.T) {
	c := apitest.New(dbtest.Seeded(t))
	var got struct {
		Campaigns struct {
			TotalCount int
			Nodes      []struct{ Slug string }
		}
	}
	c.Query(t, `{ campaigns(first: 100) { totalCount nodes { slug } } }`, nil).MustData(t, &got)
	if got.Campaigns.TotalCount != len(got.Campaigns.Nodes) || got.Campaigns.TotalCount == 0 {
		t.Fatalf("totalCount %d, nodes %d", got.Campaigns.TotalCount, len(got.Campaigns.Nodes))
	}
}
