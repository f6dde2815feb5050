package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/auth"
	"campaigns/internal/dbtest"
	"campaigns/internal/store"
	"campaigns/models"
)

// TestImagesOfRecordsInOneStatement writes images of a campaign and an organization's logo
// and images, then reads them for several records at once: each record's logo first, then
// its images in the order given, an empty list for a record without any.
func TestImagesOfRecordsInOneStatement(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	ctx := context.Background()
	var org models.Organization
	var camp, bare models.Campaign
	_, err := st.SeedOnce(ctx, "images", func(w *store.Writer) error {
		org = models.Organization{Slug: "org", Name: "Org", Kind: "MEDIA"}
		if err := w.Insert(&org); err != nil {
			return err
		}
		camp = models.Campaign{Slug: "c", Name: "C", Status: "ACTIVE", OwnerID: &org.ID, StartPrecision: "DAY", EndPrecision: "DAY"}
		bare = models.Campaign{Slug: "bare", Name: "Bare", Status: "ACTIVE", OwnerID: &org.ID, StartPrecision: "DAY", EndPrecision: "DAY"}
		return w.Insert(&camp, &bare)
	})
	if err != nil {
		t.Fatal(err)
	}
	key, err := st.CreateAPIKey(ctx, "org", auth.RoleEditor, nil)
	if err != nil {
		t.Fatal(err)
	}
	caller := auth.Caller{KeyID: key.Key.ID, OrgID: org.ID, Role: auth.RoleEditor}
	img := func(url string) store.ImageInput {
		return store.ImageInput{URL: url, Alt: []store.AltInput{{Language: "en", Text: url}, {Language: "km", Text: "រូបភាព"}}}
	}
	write := func(in store.ImagesInput) {
		t.Helper()
		if _, _, err := st.Write(ctx, caller, "", store.Request{Operation: "setImages"}, func(tx *store.Tx) (string, error) { return tx.SetImages(in) }); err != nil {
			t.Fatalf("SetImages %+v: %v", in, err)
		}
	}
	write(store.ImagesInput{Kind: store.ImagesOfCampaign, ID: camp.ID, ImagesSet: true,
		Images: []store.ImageInput{img("https://x.example/2.jpg"), img("https://x.example/1.jpg")}})
	logo := img("https://x.example/logo.svg")
	write(store.ImagesInput{Kind: store.ImagesOfOrganization, ID: org.ID, ImagesSet: true,
		Images: []store.ImageInput{img("https://x.example/team.jpg")}, Logo: store.Opt[store.ImageInput]{Set: true, Value: &logo}})

	keys := []store.ImageOwner{{Kind: store.ImagesOfCampaign, ID: camp.ID}, {Kind: store.ImagesOfOrganization, ID: org.ID}, {Kind: store.ImagesOfCampaign, ID: bare.ID}}
	imgs, err := st.ImagesOf(ctx, keys)
	if err != nil {
		t.Fatal(err)
	}
	got := map[store.ImageOwner][]string{}
	for k, list := range imgs {
		got[k] = []string{}
		for _, i := range list {
			got[k] = append(got[k], i.Role+" "+i.URL)
			if d := cmp.Diff(models.StringList{"en", "km"}, i.AltLanguages); d != "" {
				t.Errorf("alt languages of %s: %s", i.URL, d)
			}
		}
	}
	want := map[store.ImageOwner][]string{
		keys[0]: {"IMAGE https://x.example/2.jpg", "IMAGE https://x.example/1.jpg"},
		keys[1]: {"LOGO https://x.example/logo.svg", "IMAGE https://x.example/team.jpg"},
		keys[2]: {},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("images (-want +got):\n%s", d)
	}
}
