package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/auth"
	"campaigns/internal/store"
	"campaigns/models"
)

// coordinatorsOf reads a network's coordinators as slugs, by name.
func coordinatorsOf(t *testing.T, st *store.Store, id int64) []string {
	t.Helper()
	got, err := st.NetworkCoordinators(context.Background(), []int64{id})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, o := range got[id] {
		out = append(out, o.Slug)
	}
	return out
}

func channelsOf(t *testing.T, st *store.Store, id int64) []string {
	t.Helper()
	got, err := st.NetworkChannels(context.Background(), []int64{id})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range got[id] {
		out = append(out, c.Platform+" "+c.URL)
	}
	return out
}

// TestCreateYouthNetwork creates a regional network and a national chapter of it, with the
// owner first among the coordinators once, and refuses what does not fit.
func TestCreateYouthNetwork(t *testing.T) {
	t.Parallel()
	w := newCampaignWorld(t)
	create := func(c auth.Caller, in store.NetworkInput) (*models.YouthNetwork, error) {
		return write(t, w.st, c, func(tx *store.Tx) (*models.YouthNetwork, error) { return tx.CreateYouthNetwork(in) })
	}
	region, err := create(w.owner, store.NetworkInput{Slug: w.slugp("asean-youth"), Name: ptr("ASEAN Youth"), Scope: "REGIONAL",
		Coordinators: []int64{w.partner.OrgID, w.owner.OrgID, w.partner.OrgID}, CoordinatorsSet: true,
		Channels: []store.ChannelInput{{Platform: "FACEBOOK", URL: "https://facebook.com/asean-youth"}}, ChannelsSet: true})
	wantErr(t, "regional", err, nil)
	if d := cmp.Diff([]string{w.slug("owner"), w.slug("partner")}, coordinatorsOf(t, w.st, region.ID)); d != "" {
		t.Errorf("coordinators (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"FACEBOOK https://facebook.com/asean-youth"}, channelsOf(t, w.st, region.ID)); d != "" {
		t.Errorf("channels (-want +got):\n%s", d)
	}
	chapter, err := create(w.partner, store.NetworkInput{Slug: w.slugp("mm-youth"), Name: ptr("Myanmar Youth"), Scope: "NATIONAL", Country: ptr("Burma"), ParentID: region.ID})
	wantErr(t, "a chapter by a coordinator", err, nil)
	got, err := w.st.NetworkBySlug(context.Background(), w.slug("mm-youth"))
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != chapter.ID || *got.ParentID != region.ID || *got.CountryCode != "MM" || *got.OwnerID != w.partner.OrgID || got.Version != 1 {
		t.Errorf("chapter = %+v", got)
	}
	c := w.campaign(t, "c", "ACTIVE")
	hidden := w.event(t, w.owner, c, time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC), store.EventInput{})
	many := make([]int64, 51)
	for _, tc := range []struct {
		name string
		c    auth.Caller
		in   store.NetworkInput
		want any
	}{
		{"taken slug", w.owner, store.NetworkInput{Slug: w.slugp("asean-youth"), Name: ptr("N"), Scope: "REGIONAL"}, map[string]string{"input.slug": "TAKEN"}},
		{"regional with a country", w.owner, store.NetworkInput{Slug: w.slugp("x"), Name: ptr("N"), Scope: "REGIONAL", Country: ptr("MM")}, map[string]string{"input.country": "INVALID"}},
		{"national without", w.owner, store.NetworkInput{Slug: w.slugp("x"), Name: ptr("N"), Scope: "NATIONAL"}, map[string]string{"input.country": "REQUIRED"}},
		{"a chapter as wide as its parent", w.owner, store.NetworkInput{Slug: w.slugp("x"), Name: ptr("N"), Scope: "REGIONAL", ParentID: region.ID}, map[string]string{"input.scope": "INVALID"}},
		{"a chapter in another country", w.partner, store.NetworkInput{Slug: w.slugp("x"), Name: ptr("N"), Scope: "LOCAL", Country: ptr("TH"), ParentID: chapter.ID}, map[string]string{"input.country": "INVALID"}},
		{"a chapter by a stranger", w.stranger, store.NetworkInput{Slug: w.slugp("x"), Name: ptr("N"), Scope: "NATIONAL", Country: ptr("MM"), ParentID: region.ID}, auth.ErrForbidden},
		{"unknown parent and founding event", w.owner, store.NetworkInput{Slug: w.slugp("x"), Name: ptr("N"), Scope: "REGIONAL", ParentID: 987654321, FoundedAtID: 987654321},
			map[string]string{"input.parent": "NOT_FOUND", "input.foundedAt": "NOT_FOUND"}},
		{"founded at another's draft event", w.stranger, store.NetworkInput{Slug: w.slugp("x"), Name: ptr("N"), Scope: "REGIONAL", FoundedAtID: hidden.ID},
			map[string]string{"input.foundedAt": "NOT_FOUND"}},
		{"lists", w.owner, store.NetworkInput{Slug: w.slugp("x"), Name: ptr("N"), Scope: "REGIONAL", Coordinators: []int64{987654321},
			Channels: []store.ChannelInput{{Platform: "YOUTUBE", URL: "youtube", Handle: ptr("")}}},
			map[string]string{"input.coordinators.0": "NOT_FOUND", "input.channels.0.url": "INVALID", "input.channels.0.handle": "REQUIRED"}},
		{"too many coordinators", w.owner, store.NetworkInput{Slug: w.slugp("x"), Name: ptr("N"), Scope: "REGIONAL", Coordinators: many},
			map[string]string{"input.coordinators": "LENGTH"}},
		{"viewer", w.viewer, store.NetworkInput{Slug: w.slugp("x"), Name: ptr("N"), Scope: "REGIONAL"}, auth.ErrForbidden},
		{"founded at its own draft event", w.owner, store.NetworkInput{Slug: w.slugp("x"), Name: ptr("N"), Scope: "REGIONAL", FoundedAtID: hidden.ID}, nil},
	} {
		_, err := create(tc.c, tc.in)
		wantErr(t, tc.name, err, tc.want)
	}
}

// TestUpdateYouthNetwork changes a network at its version: given lists replace the old
// ones, the owner stays a coordinator, and a coordinator may edit.
func TestUpdateYouthNetwork(t *testing.T) {
	t.Parallel()
	w := newCampaignWorld(t)
	n := must(t, w.st, w.owner, func(tx *store.Tx) (*models.YouthNetwork, error) {
		return tx.CreateYouthNetwork(store.NetworkInput{Slug: w.slugp("n"), Name: ptr("N"), Scope: "REGIONAL",
			Channels: []store.ChannelInput{{Platform: "FACEBOOK", URL: "https://facebook.com/n"}}, ChannelsSet: true})
	})
	update := func(c auth.Caller, version int32, in store.NetworkInput) error {
		_, err := write(t, w.st, c, func(tx *store.Tx) (*models.YouthNetwork, error) { return tx.UpdateYouthNetwork(n.ID, version, in) })
		return err
	}
	wantErr(t, "coordinators", update(w.owner, 1, store.NetworkInput{Coordinators: []int64{w.partner.OrgID}, CoordinatorsSet: true}), nil)
	if d := cmp.Diff([]string{w.slug("owner"), w.slug("partner")}, coordinatorsOf(t, w.st, n.ID)); d != "" {
		t.Errorf("coordinators (-want +got):\n%s", d)
	}
	wantErr(t, "by a coordinator", update(w.partner, 2, store.NetworkInput{Name: ptr("Renamed"),
		Channels: []store.ChannelInput{{Platform: "YOUTUBE", URL: "https://youtube.com/n"}, {Platform: "TIKTOK", URL: "https://tiktok.com/@n"}}, ChannelsSet: true}), nil)
	if d := cmp.Diff([]string{"YOUTUBE https://youtube.com/n", "TIKTOK https://tiktok.com/@n"}, channelsOf(t, w.st, n.ID)); d != "" {
		t.Errorf("channels (-want +got):\n%s", d)
	}
	wantErr(t, "drop the coordinators", update(w.owner, 3, store.NetworkInput{CoordinatorsSet: true, ChannelsSet: true}), nil)
	if d := cmp.Diff([]string{w.slug("owner")}, coordinatorsOf(t, w.st, n.ID)); d != "" {
		t.Errorf("coordinators after dropping them (-want +got):\n%s", d)
	}
	if got := channelsOf(t, w.st, n.ID); len(got) != 0 {
		t.Errorf("channels after dropping them: %v", got)
	}
	for _, tc := range []struct {
		name    string
		c       auth.Caller
		version int32
		in      store.NetworkInput
		want    any
	}{
		{"stale", w.owner, 3, store.NetworkInput{Name: ptr("X")}, store.ErrConflict},
		{"a former coordinator", w.partner, 4, store.NetworkInput{Name: ptr("X")}, auth.ErrForbidden},
		{"empty name", w.owner, 4, store.NetworkInput{Name: ptr("")}, map[string]string{"input.name": "REQUIRED"}},
	} {
		wantErr(t, tc.name, update(tc.c, tc.version, tc.in), tc.want)
	}
	got, err := w.st.NetworksByID(context.Background(), []int64{n.ID, 987654321})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[n.ID].Name != "Renamed" || got[n.ID].Version != 4 {
		t.Errorf("NetworksByID = %+v, want Renamed at version 4", got[n.ID])
	}
	if _, err := write(t, w.st, w.owner, func(tx *store.Tx) (*models.YouthNetwork, error) {
		return tx.UpdateYouthNetwork(987654321, 1, store.NetworkInput{})
	}); !errorsIs(err, store.ErrNotFound) {
		t.Errorf("update of an unknown network: %v", err)
	}
}
