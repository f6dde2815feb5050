package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/auth"
	"campaigns/internal/store"
)

// TestSetImagesRefusesAndReplaces checks the refusals of an image write field by field, who
// may illustrate which record, and that a write replaces only the role it gives and moves
// the record's version.
func TestSetImagesRefusesAndReplaces(t *testing.T) {
	t.Parallel()
	w := newCampaignWorld(t)
	ctx := context.Background()
	c := w.campaign(t, "c", "ACTIVE")
	e := w.event(t, w.owner, c, time.Date(2031, 1, 1, 10, 0, 0, 0, time.UTC), store.EventInput{})
	platform := w.caller(t, "operator", auth.RolePlatform)
	img := func(url string) store.ImageInput {
		return store.ImageInput{URL: url, Alt: []store.AltInput{{Language: "en", Text: "A crowd"}}}
	}
	set := func(by auth.Caller, in store.ImagesInput) error {
		_, err := write(t, w.st, by, func(tx *store.Tx) (string, error) { return tx.SetImages(in) })
		return err
	}
	campaign := func(images ...store.ImageInput) store.ImagesInput {
		return store.ImagesInput{Kind: store.ImagesOfCampaign, ID: c.ID, Images: images, ImagesSet: true}
	}
	bad := store.ImageInput{URL: "http://x.org/a.jpg", Width: ptr(10), Credit: ptr(""), LicenseURL: ptr("https://u:p@x.org"),
		Alt: []store.AltInput{{Language: "en", Text: "a"}, {Language: "EN", Text: "b"}, {Language: "??", Text: ""}}}
	many := make([]store.ImageInput, 21)
	for _, tc := range []struct {
		name string
		by   auth.Caller
		in   store.ImagesInput
		want any
	}{
		{"nothing given", w.owner, store.ImagesInput{Kind: store.ImagesOfCampaign, ID: c.ID}, map[string]string{"input.images": "REQUIRED"}},
		{"a campaign's logo", w.owner, store.ImagesInput{Kind: store.ImagesOfCampaign, ID: c.ID, Logo: store.Opt[store.ImageInput]{Set: true}},
			map[string]string{"input.logo": "INVALID"}},
		{"too many", w.owner, campaign(many...), map[string]string{"input.images": "LENGTH"}},
		{"no alt", w.owner, campaign(store.ImageInput{URL: "https://x.org/a.jpg"}), map[string]string{"input.images.0.alt": "REQUIRED"}},
		{"every field", w.owner, campaign(img("https://x.org/ok.jpg"), bad), map[string]string{
			"input.images.1.url": "INVALID", "input.images.1.licenseUrl": "INVALID", "input.images.1.credit": "REQUIRED",
			"input.images.1.width": "INVALID", "input.images.1.alt.1.language": "INVALID", "input.images.1.alt.2.language": "INVALID",
			"input.images.1.alt.2.text": "REQUIRED"}},
		{"too large", w.owner, campaign(store.ImageInput{URL: "https://x.org/a.jpg", Width: ptr(0), Height: ptr(20001), Alt: img("").Alt}),
			map[string]string{"input.images.0.width": "OUT_OF_RANGE", "input.images.0.height": "OUT_OF_RANGE"}},
		{"a stranger's campaign", w.stranger, campaign(img("https://x.org/a.jpg")), auth.ErrForbidden},
		{"a stranger's draft event", w.stranger, store.ImagesInput{Kind: store.ImagesOfEvent, ID: e.ID, ImagesSet: true}, store.ErrNotFound},
		{"another organization", w.owner, store.ImagesInput{Kind: store.ImagesOfOrganization, ID: w.partner.OrgID, ImagesSet: true}, auth.ErrForbidden},
		{"an unknown kind", w.owner, store.ImagesInput{Kind: "NETWORK", ID: 1, ImagesSet: true}, store.ErrInvalid},
		{"the campaign", w.owner, campaign(img("https://x.org/1.jpg"), img("https://x.org/2.jpg")), nil},
		{"the event", w.owner, store.ImagesInput{Kind: store.ImagesOfEvent, ID: e.ID, Images: []store.ImageInput{img("https://x.org/e.jpg")}, ImagesSet: true}, nil},
		{"its own logo", w.partner, store.ImagesInput{Kind: store.ImagesOfOrganization, ID: w.partner.OrgID,
			Logo: store.Opt[store.ImageInput]{Set: true, Value: ptr(img("https://x.org/logo.png"))}}, nil},
		{"images beside the logo, by the platform", platform, store.ImagesInput{Kind: store.ImagesOfOrganization, ID: w.partner.OrgID,
			Images: []store.ImageInput{img("https://x.org/team.jpg")}, ImagesSet: true}, nil},
	} {
		wantErr(t, tc.name, set(tc.by, tc.in), tc.want)
	}
	urls := func(kind string, id int64) []string {
		t.Helper()
		k := store.ImageOwner{Kind: kind, ID: id}
		got, err := w.st.ImagesOf(ctx, []store.ImageOwner{k})
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, i := range got[k] {
			out = append(out, i.Role+" "+i.URL)
		}
		return out
	}
	if d := cmp.Diff([]string{"IMAGE https://x.org/1.jpg", "IMAGE https://x.org/2.jpg"}, urls(store.ImagesOfCampaign, c.ID)); d != "" {
		t.Errorf("campaign images (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"LOGO https://x.org/logo.png", "IMAGE https://x.org/team.jpg"}, urls(store.ImagesOfOrganization, w.partner.OrgID)); d != "" {
		t.Errorf("organization images, the logo kept (-want +got):\n%s", d)
	}
	wantErr(t, "remove the campaign's images", set(w.owner, campaign()), nil)
	if got := urls(store.ImagesOfCampaign, c.ID); len(got) != 0 {
		t.Errorf("campaign images after removal: %v", got)
	}
	if v := readCampaign(t, w.st, c.ID).Version; v != 3 {
		t.Errorf("the campaign is at version %d after two image writes, want 3", v)
	}
	if v := readEvent(t, w.st, e.ID).Version; v != 2 {
		t.Errorf("the event is at version %d after one image write, want 2", v)
	}
}
