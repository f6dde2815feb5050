package api_test

import (
	"context"
	"strings"
	"testing"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/relay"
	"campaigns/internal/seed"
)

const setImages = `mutation ($in: SetImagesInput!) { setImages(input: $in) {
  record { id ... on Campaign { version images { url } } ... on Event { images { url } }
           ... on Organization { logo { url } images { url } } }
  userErrors { field code message } } }`

type imagesPayload struct {
	SetImages struct {
		Record *struct {
			ID      string
			Version int
			Images  []struct{ URL string }
			Logo    *struct{ URL string }
		}
		UserErrors []struct {
			Field   []string
			Code    string
			Message string
		}
	}
}

// imagesWorld is the seed with the IDs and keys the image tests use.
type imagesWorld struct {
	c                         *apitest.Client
	campaign, event, org, own string // MTV EXIT's campaign in the region, its concert, USAID, MTV EXIT
	editor, funder, viewer    string // keys: MTV EXIT's editor and viewer, USAID's editor
	platform                  string
}

func newImagesWorld(t *testing.T) *imagesWorld {
	t.Helper()
	st := dbtest.New(t)
	if _, err := seed.Load(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	w := &imagesWorld{c: apitest.New(st),
		editor: apitest.Key(t, st, "mtv-exit", "EDITOR"), viewer: apitest.Key(t, st, "mtv-exit", "VIEWER"),
		funder: apitest.Key(t, st, "usaid", "EDITOR"), platform: apitest.Key(t, st, "platform-ops", "PLATFORM")}
	var ids struct {
		Campaign struct {
			ID     string
			Events struct{ Nodes []struct{ ID, Kind string } }
		}
		USAID, MTV struct{ ID string }
	}
	w.c.Query(t, `{ campaign(slug: "mtv-exit-southeast-asia") { id events(first: 10) { nodes { id kind } } }
	  usaid: organization(slug: "usaid") { id } mtv: organization(slug: "mtv-exit") { id } }`, nil).MustData(t, &ids)
	w.campaign, w.org, w.own = ids.Campaign.ID, ids.USAID.ID, ids.MTV.ID
	for _, e := range ids.Campaign.Events.Nodes {
		if e.Kind == "CONCERT" {
			w.event = e.ID
		}
	}
	return w
}

func (w *imagesWorld) set(t *testing.T, key string, in map[string]any) (*apitest.Response, imagesPayload) {
	t.Helper()
	c := w.c
	if key != "" {
		c = c.As(key)
	}
	res := c.Query(t, setImages, map[string]any{"in": in})
	var got imagesPayload
	if len(res.Errors) == 0 {
		res.MustData(t, &got)
	}
	return res, got
}

func poster(url string) map[string]any {
	return map[string]any{"url": url, "width": 1200, "height": 800, "credit": "Photo: MTV EXIT", "license": "Used with permission",
		"alt": []map[string]any{
			{"language": "en", "text": "Young people at an MTV EXIT concert"},
			{"language": "km", "text": "យុវជននៅការប្រគុំតន្ត្រី MTV EXIT"},
		}}
}

// TestSetImagesOfACampaign is a partner's screen: the campaign's owner sets its pictures, and
// every reader sees them with their sizes, credit and licence, the alt text in its language.
func TestSetImagesOfACampaign(t *testing.T) {
	w := newImagesWorld(t)
	var before struct{ Campaign struct{ Version int } }
	w.c.Query(t, `{ campaign(slug: "mtv-exit-southeast-asia") { version } }`, nil).MustData(t, &before)
	_, got := w.set(t, w.editor, map[string]any{"record": w.campaign, "images": []any{
		poster("https://media.example.org/exit/concert.jpg"),
		map[string]any{"url": "https://media.example.org/exit/crowd.png", "alt": []map[string]any{{"language": "en", "text": "The crowd"}}},
	}})
	p := got.SetImages
	if len(p.UserErrors) != 0 || p.Record == nil || len(p.Record.Images) != 2 || p.Record.Images[0].URL != "https://media.example.org/exit/concert.jpg" {
		t.Fatalf("setImages = %+v", p)
	}
	if p.Record.Version != before.Campaign.Version+1 {
		t.Errorf("version %d after setImages, want %d: the campaign changes with its images", p.Record.Version, before.Campaign.Version+1)
	}

	type image struct {
		URL, Alt, Thai  string
		Width, Height   *int
		Credit, License *string
		LicenseURL      *string
		AltTexts        []struct {
			Language, Text string
			Original       bool
		}
	}
	const read = `{ campaign(slug: "mtv-exit-southeast-asia") { images {
	  url alt thai: alt(language: "th") width height credit license licenseUrl altTexts { language text original } } } }`
	for _, tc := range []struct {
		name, acceptLanguage, wantAlt string
	}{
		{"anonymous, no preference", "", "Young people at an MTV EXIT concert"},
		{"a reader of Khmer", "km", "យុវជននៅការប្រគុំតន្ត្រី MTV EXIT"},
		{"a reader of Lao, then English", "lo, en;q=0.5", "Young people at an MTV EXIT concert"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := w.c
			if tc.acceptLanguage != "" {
				c = c.WithHeader("Accept-Language", tc.acceptLanguage)
			}
			var got struct{ Campaign struct{ Images []image } }
			c.Query(t, read, nil).MustData(t, &got)
			if len(got.Campaign.Images) != 2 {
				t.Fatalf("images = %+v", got.Campaign.Images)
			}
			first, second := got.Campaign.Images[0], got.Campaign.Images[1]
			if first.Alt != tc.wantAlt || first.Thai != "Young people at an MTV EXIT concert" {
				t.Errorf("alt = %q, alt(th) = %q; want %q and the original", first.Alt, first.Thai, tc.wantAlt)
			}
			if first.Width == nil || *first.Width != 1200 || *first.Height != 800 || valOf(first.Credit) != "Photo: MTV EXIT" ||
				valOf(first.License) != "Used with permission" || first.LicenseURL != nil {
				t.Errorf("first image = %+v", first)
			}
			if len(first.AltTexts) != 2 || !first.AltTexts[0].Original || first.AltTexts[1].Language != "km" || first.AltTexts[1].Original {
				t.Errorf("altTexts = %+v", first.AltTexts)
			}
			if second.Width != nil || second.Height != nil || second.Alt != "The crowd" {
				t.Errorf("second image = %+v", second)
			}
		})
	}

	// An empty list removes them.
	_, got = w.set(t, w.editor, map[string]any{"record": w.campaign, "images": []any{}})
	if got.SetImages.Record == nil || len(got.SetImages.Record.Images) != 0 {
		t.Errorf("after removing: %+v", got.SetImages)
	}
}

func valOf(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// TestSetImagesRefusesBadInput sends each kind of bad image: each is a userError with its
// field and code, and nothing is written.
func TestSetImagesRefusesBadInput(t *testing.T) {
	w := newImagesWorld(t)
	alt := []map[string]any{{"language": "en", "text": "A picture"}}
	img := func(fields map[string]any) map[string]any {
		out := map[string]any{"url": "https://media.example.org/a.jpg", "alt": alt}
		for k, v := range fields {
			out[k] = v
		}
		return out
	}
	many := make([]any, 21)
	for i := range many {
		many[i] = img(nil)
	}
	for _, tc := range []struct {
		name      string
		in        map[string]any
		field     string
		code      string
		mentioned string
	}{
		{"http", map[string]any{"images": []any{img(map[string]any{"url": "http://media.example.org/a.jpg"})}}, "input.images.0.url", "INVALID", "https"},
		{"upper-case scheme", map[string]any{"images": []any{img(map[string]any{"url": "HTTPS://media.example.org/a.jpg"})}}, "input.images.0.url", "INVALID", "https"},
		{"javascript", map[string]any{"images": []any{img(map[string]any{"url": "javascript:alert(1)"})}}, "input.images.0.url", "INVALID", "https"},
		{"no host", map[string]any{"images": []any{img(map[string]any{"url": "https:///a.jpg"})}}, "input.images.0.url", "INVALID", "https"},
		{"a space", map[string]any{"images": []any{img(map[string]any{"url": "https://media.example.org/a b.jpg"})}}, "input.images.0.url", "INVALID", "https"},
		{"credentials", map[string]any{"images": []any{img(map[string]any{"url": "https://user:secret@media.example.org/a.jpg"})}}, "input.images.0.url", "INVALID", "password"},
		{"too long", map[string]any{"images": []any{img(map[string]any{"url": "https://media.example.org/" + strings.Repeat("a", 2000)})}}, "input.images.0.url", "LENGTH", "2000"},
		{"licence page over http", map[string]any{"images": []any{img(map[string]any{"licenseUrl": "http://creativecommons.org/licenses/by/4.0/"})}}, "input.images.0.licenseUrl", "INVALID", "https"},
		{"width alone", map[string]any{"images": []any{img(map[string]any{"width": 100})}}, "input.images.0.width", "INVALID", "height"},
		{"zero height", map[string]any{"images": []any{img(map[string]any{"width": 100, "height": 0})}}, "input.images.0.height", "OUT_OF_RANGE", "between"},
		{"huge width", map[string]any{"images": []any{img(map[string]any{"width": 2147483647, "height": 10})}}, "input.images.0.width", "OUT_OF_RANGE", "between"},
		{"no alt", map[string]any{"images": []any{img(map[string]any{"alt": []any{}})}}, "input.images.0.alt", "REQUIRED", "alt text"},
		{"empty alt", map[string]any{"images": []any{img(map[string]any{"alt": []map[string]any{{"language": "en", "text": " "}}})}}, "input.images.0.alt.0.text", "REQUIRED", "empty"},
		{"bad language", map[string]any{"images": []any{img(map[string]any{"alt": []map[string]any{{"language": "klingon!", "text": "x"}}})}}, "input.images.0.alt.0.language", "INVALID", "BCP 47"},
		{"language twice", map[string]any{"images": []any{img(map[string]any{"alt": []map[string]any{{"language": "km", "text": "x"}, {"language": "KM", "text": "y"}}})}}, "input.images.0.alt.1.language", "INVALID", "already"},
		{"empty credit", map[string]any{"images": []any{img(map[string]any{"credit": ""})}}, "input.images.0.credit", "REQUIRED", "empty"},
		{"long licence", map[string]any{"images": []any{img(map[string]any{"license": strings.Repeat("x", 201)})}}, "input.images.0.license", "LENGTH", "200"},
		{"too many", map[string]any{"images": many}, "input.images", "LENGTH", "20"},
		{"a campaign's logo", map[string]any{"logo": img(nil)}, "input.logo", "INVALID", "only an organization"},
		{"nothing to set", map[string]any{}, "input.images", "REQUIRED", "give images"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := map[string]any{"record": w.campaign}
			for k, v := range tc.in {
				in[k] = v
			}
			res, got := w.set(t, w.editor, in)
			if len(res.Errors) != 0 {
				t.Fatalf("errors %+v; want a userError", res.Errors)
			}
			p := got.SetImages
			if p.Record != nil || len(p.UserErrors) == 0 {
				t.Fatalf("payload %+v; want a userError and no record", p)
			}
			e := p.UserErrors[0]
			if strings.Join(e.Field, ".") != tc.field || e.Code != tc.code || !strings.Contains(e.Message, tc.mentioned) {
				t.Errorf("userError %+v; want %s %s mentioning %q", e, tc.field, tc.code, tc.mentioned)
			}
		})
	}
	var after struct {
		Campaign struct{ Images []struct{ URL string } }
	}
	w.c.Query(t, `{ campaign(slug: "mtv-exit-southeast-asia") { images { url } } }`, nil).MustData(t, &after)
	if len(after.Campaign.Images) != 0 {
		t.Errorf("refused inputs wrote images: %+v", after.Campaign.Images)
	}

	// A record that has no images is the caller's mistake, refused before anything is read.
	var network struct {
		YouthNetworks struct{ Nodes []struct{ ID string } }
	}
	w.c.Query(t, `{ youthNetworks(first: 1) { nodes { id } } }`, nil).MustData(t, &network)
	res, _ := w.set(t, w.editor, map[string]any{"record": network.YouthNetworks.Nodes[0].ID, "images": []any{img(nil)}})
	if res.ErrorCode(t) != "BAD_USER_INPUT" {
		t.Errorf("images of a youth network: %+v", res.Errors)
	}
}

// TestSetImagesAccess holds image writes to the rules of every write: the right to edit the
// record, and a record the caller may not read answered as one that does not exist.
func TestSetImagesAccess(t *testing.T) {
	w := newImagesWorld(t)
	one := []any{poster("https://media.example.org/a.jpg")}
	logo := map[string]any{"url": "https://media.example.org/logo.svg", "alt": []map[string]any{{"language": "en", "text": "USAID logo"}}}

	// A draft campaign of MTV EXIT, which USAID may not read.
	var draft struct {
		CreateCampaign struct{ Campaign struct{ ID string } }
	}
	w.c.As(w.editor).Query(t, `mutation { createCampaign(input: { slug: "exit-draft", name: "Draft" }) { campaign { id } } }`, nil).MustData(t, &draft)

	for _, tc := range []struct {
		name, key string
		in        map[string]any
		code      string // "" for success
	}{
		{"anonymous", "", map[string]any{"record": w.campaign, "images": one}, "UNAUTHENTICATED"},
		{"the owner's viewer", w.viewer, map[string]any{"record": w.campaign, "images": one}, "FORBIDDEN"},
		{"a funder's editor", w.funder, map[string]any{"record": w.campaign, "images": one}, "FORBIDDEN"},
		{"a draft the caller cannot read", w.funder, map[string]any{"record": draft.CreateCampaign.Campaign.ID, "images": one}, "NOT_FOUND"},
		{"an unknown campaign", w.funder, map[string]any{"record": relay.EncodeInt(relay.TypeCampaign, 999999), "images": one}, "NOT_FOUND"},
		{"the organizer's event", w.editor, map[string]any{"record": w.event, "images": one}, ""},
		{"another organization's logo", w.editor, map[string]any{"record": w.org, "logo": logo}, "FORBIDDEN"},
		{"its own logo", w.funder, map[string]any{"record": w.org, "logo": logo, "images": one}, ""},
		{"the platform's", w.platform, map[string]any{"record": w.own, "logo": logo}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, got := w.set(t, tc.key, tc.in)
			if tc.code == "" {
				if len(res.Errors) != 0 || got.SetImages.Record == nil || len(got.SetImages.UserErrors) != 0 {
					t.Fatalf("errors %+v, payload %+v; want success", res.Errors, got.SetImages)
				}
				return
			}
			if code := res.ErrorCode(t); code != tc.code {
				t.Errorf("code %q (%+v), want %s", code, res.Errors, tc.code)
			}
		})
	}

	// USAID's logo and image are public; a null logo removes the logo and keeps the images.
	var org struct {
		Organization struct {
			Logo   *struct{ URL, Alt string }
			Images []struct{ URL string }
		}
	}
	w.c.Query(t, `{ organization(slug: "usaid") { logo { url alt } images { url } } }`, nil).MustData(t, &org)
	if org.Organization.Logo == nil || org.Organization.Logo.Alt != "USAID logo" || len(org.Organization.Images) != 1 {
		t.Fatalf("usaid = %+v", org.Organization)
	}
	_, got := w.set(t, w.funder, map[string]any{"record": w.org, "logo": nil})
	if r := got.SetImages.Record; r == nil || r.Logo != nil || len(r.Images) != 1 {
		t.Errorf("after removing the logo: %+v", got.SetImages)
	}
}

// TestImagesLoadOneStatementPerLevel reads the images of every campaign and every
// organization's logo: each level is one statement, whatever the number of records.
func TestImagesLoadOneStatementPerLevel(t *testing.T) {
	w := newImagesWorld(t)
	for _, rec := range []string{w.campaign, w.event} {
		if _, got := w.set(t, w.editor, map[string]any{"record": rec, "images": []any{poster("https://media.example.org/a.jpg")}}); got.SetImages.Record == nil {
			t.Fatalf("setImages %s: %+v", rec, got.SetImages)
		}
	}
	const q = `{ campaigns(first: 20) { nodes { images { url alt } events(first: 5) { nodes { images { url } } } } }
	  organizations(first: 20) { nodes { logo { url } images { url } } } }`
	res := w.c.Query(t, q, nil)
	res.MustData(t, &struct{}{})
	// campaigns, their images, their events, the events' images; organizations, their images.
	if bound := depthOf(t, q) + 1; res.Statements > bound {
		t.Errorf("%d statements, want at most %d", res.Statements, bound)
	}
}
