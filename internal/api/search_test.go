package api_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/store"
	"campaigns/models"
)

// Texts in the scripts search must handle, each of an event of its own.
const (
	thaiTitle    = "คอนเสิร์ตต่อต้านการค้ามนุษย์ที่กรุงเทพ"
	khmerTitle   = "វេទិកាយុវជនប្រឆាំងការជួញដូរមនុស្សនៅភ្នំពេញ"
	burmeseTitle = "လူကုန်ကူးမှုတိုက်ဖျက်ရေးလူငယ်ဖိုရမ်"
	laoTitle     = "ກອງປະຊຸມຕໍ່ຕ້ານການຄ້າມະນຸດຢູ່ວຽງຈັນ"
)

// searchWorld is the seed with test records: events titled in Thai, Khmer, Burmese and Lao,
// a Vietnamese campaign with accents, a campaign named after Myanmar with no country, and a
// draft campaign and a partner-only event that only their organization may find.
type searchWorld struct {
	st              *store.Store
	c               *apitest.Client
	owner, stranger string // keys
	ids             map[string]string
}

func newSearchWorld(t *testing.T) *searchWorld {
	t.Helper()
	st, _ := seededWithURL(t)
	w := &searchWorld{st: st, c: apitest.New(st), ids: map[string]string{}}
	w.owner = apitest.Key(t, st, "search-owner", "VIEWER")
	w.stranger = apitest.Key(t, st, "search-stranger", "VIEWER")
	ctx := context.Background()
	owner, err := st.OrganizationBySlug(ctx, "search-owner")
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.SeedOnce(ctx, "search-test", func(wr *store.Writer) error {
		own := owner.ID
		campaign := func(slug, name, status, language string) *models.Campaign {
			return &models.Campaign{Slug: slug, Name: name, Status: status, OwnerID: &own, StartPrecision: "DAY", EndPrecision: "DAY",
				OriginalLanguage: language}
		}
		vi := campaign("ha-noi", "Hội thảo phòng chống mua bán người tại Hà Nội", "ACTIVE", "vi")
		myanmar := campaign("myanmar-forum", "Youth Forum Myanmar", "ACTIVE", "en")
		draft := campaign("draft-zebra", "Secret zebra outreach plan", "DRAFT", "en")
		if err := wr.Insert(vi, myanmar, draft); err != nil {
			return err
		}
		if err := wr.Insert(&models.CampaignCountry{CampaignID: vi.ID, CountryCode: "VN", SincePrecision: "DAY"}); err != nil {
			return err
		}
		at := time.Date(2013, 3, 1, 0, 0, 0, 0, time.UTC)
		events := map[string]*models.Event{}
		for key, e := range map[string]struct{ title, lang, country, visibility string }{
			"th": {thaiTitle, "th", "TH", "PUBLIC"}, "km": {khmerTitle, "km", "KH", "PUBLIC"},
			"my": {burmeseTitle, "my", "MM", "PUBLIC"}, "lo": {laoTitle, "lo", "LA", "PUBLIC"},
			"partners": {"Partners-only zebra briefing", "en", "TH", "PARTNERS"},
		} {
			country := e.country
			ev := &models.Event{CampaignID: myanmar.ID, Title: e.title, Kind: "OUTREACH", Status: "SCHEDULED", Visibility: e.visibility,
				StartBound: at, DatePrecision: "MINUTE", OrganizerID: own, CountryCode: &country, OriginalLanguage: e.lang}
			if err := wr.Insert(ev); err != nil {
				return err
			}
			events[key] = ev
		}
		w.ids["vi"], w.ids["myanmar"], w.ids["draft"] = vi.GlobalID(), myanmar.GlobalID(), draft.GlobalID()
		for k, e := range events {
			w.ids[k] = e.GlobalID()
		}
		return nil
	})
	if err != nil {
		t.Fatalf("search fixtures: %v", err)
	}
	return w
}

const searchQuery = `query($q: String!, $types: [SearchType!], $country: String, $first: Int, $after: String) {
	search(query: $q, types: $types, country: $country, first: $first, after: $after) {
		edges { cursor snippet snippetLanguage score node { __typename
			... on Campaign { id name } ... on Event { id title } ... on YouthNetwork { id name } ... on Organization { id name } } }
		nodes { __typename }
		pageInfo { hasNextPage endCursor }
	}
}`

type searchEdge struct {
	Cursor          string
	Snippet         string
	SnippetLanguage *string
	Score           float64
	Node            struct {
		Typename        string `json:"__typename"`
		ID, Name, Title string
	}
}

type searchPage struct {
	Search struct {
		Edges []searchEdge
		Nodes []struct {
			Typename string `json:"__typename"`
		}
		PageInfo struct {
			HasNextPage bool
			EndCursor   *string
		}
	}
}

func (w *searchWorld) search(t *testing.T, c *apitest.Client, vars map[string]any) searchPage {
	t.Helper()
	var p searchPage
	c.Query(t, searchQuery, vars).MustData(t, &p)
	return p
}

// found lists the IDs and titles or names a search found, best first.
func (p searchPage) found() (ids, texts []string) {
	for _, e := range p.Search.Edges {
		ids = append(ids, e.Node.ID)
		texts = append(texts, e.Node.Name+e.Node.Title)
	}
	return ids, texts
}

func runes(s string, from, to int) string { return string([]rune(s)[from:to]) }

// TestSearchFindsEveryLanguage covers each case the issue names: Vietnamese without accents,
// substrings of the scripts written without spaces, typos of one or two letters, and
// countries by their other names, each finding what it should first.
func TestSearchFindsEveryLanguage(t *testing.T) {
	t.Parallel()
	w := newSearchWorld(t)
	for _, tc := range []struct {
		name, query string
		want        func(w *searchWorld) string // the global ID that must come first
		wantText    string                      // or the name or title that must be among the results
	}{
		{name: "Vietnamese without diacritics", query: "Ha Noi", want: func(w *searchWorld) string { return w.ids["vi"] }},
		{name: "Vietnamese without diacritics, one word", query: "phong chong mua ban nguoi", want: func(w *searchWorld) string { return w.ids["vi"] }},
		{name: "Vietnamese with diacritics", query: "Hà Nội", want: func(w *searchWorld) string { return w.ids["vi"] }},
		// The seed speaks these languages too ("trafficking" is in its names), so each substring
		// runs into a part of the title that only this event has (a city, "forum").
		{name: "Thai substring", query: runes(thaiTitle, 19, 35), want: func(w *searchWorld) string { return w.ids["th"] }},
		{name: "Khmer substring", query: runes(khmerTitle, 22, 39), want: func(w *searchWorld) string { return w.ids["km"] }},
		{name: "Burmese substring", query: runes(burmeseTitle, 17, 34), want: func(w *searchWorld) string { return w.ids["my"] }},
		{name: "Lao substring", query: runes(laoTitle, 14, 24), want: func(w *searchWorld) string { return w.ids["lo"] }},
		{name: "one letter wrong", query: "consert rangoon", wantText: "MTV EXIT Concert in People's Square, Rangoon"},
		{name: "one letter missing", query: "Rangon", wantText: "MTV EXIT Concert in People's Square, Rangoon"},
		{name: "two letters swapped", query: "Ragnoon concert", wantText: "MTV EXIT Concert in People's Square, Rangoon"},
		{name: "two letters missing", query: "trafiking victims cambodia", wantText: "Support for trafficking victims in Cambodia"},
		{name: "Burma finds Myanmar", query: "Burma", wantText: "Youth Forum Myanmar"},
		{name: "Myanmar finds Burma", query: "Myanmar joint plan", wantText: "U.S.–Burma joint plan to counter trafficking in persons"},
		{name: "case does not matter", query: "YOUTH FORUM myanmar", want: func(w *searchWorld) string { return w.ids["myanmar"] }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := w.search(t, w.c, map[string]any{"q": tc.query, "first": 50})
			ids, texts := p.found()
			if len(ids) == 0 {
				t.Fatalf("search %q found nothing", tc.query)
			}
			if tc.want != nil && ids[0] != tc.want(w) {
				t.Errorf("search %q: first result %q (%s), want %s; all: %q", tc.query, texts[0], ids[0], tc.want(w), texts)
			}
			if tc.wantText != "" && !slices.ContainsFunc(texts, func(s string) bool { return equalFold(s, tc.wantText) }) {
				t.Errorf("search %q found %q, not %q", tc.query, texts, tc.wantText)
			}
			if p.Search.Edges[0].Snippet == "" {
				t.Errorf("search %q: no snippet", tc.query)
			}
		})
	}
}

func equalFold(a, b string) bool {
	return len(a) == len(b) && (a == b || lower(a) == lower(b))
}

func lower(s string) string {
	out := []rune(s)
	for i, r := range out {
		if r >= 'A' && r <= 'Z' {
			out[i] = r + 'a' - 'A'
		}
	}
	return string(out)
}

// TestSearchMissesWhatIsNotThere keeps the fuzziness honest: unrelated words find nothing.
func TestSearchMissesWhatIsNotThere(t *testing.T) {
	t.Parallel()
	w := newSearchWorld(t)
	for _, q := range []string{"zzqx", "helicopter", "Ha Long"} {
		if ids, texts := w.search(t, w.c, map[string]any{"q": q}).found(); len(ids) > 0 {
			t.Errorf("search %q found %q", q, texts)
		}
	}
}

// TestSearchRespectsVisibility finds a draft campaign and a partner-only event only with a
// key of their organization, as the lists do.
func TestSearchRespectsVisibility(t *testing.T) {
	t.Parallel()
	w := newSearchWorld(t)
	for _, tc := range []struct {
		name string
		c    *apitest.Client
		want []string
	}{
		{"anonymous", w.c, nil},
		{"another organization", w.c.As(w.stranger), nil},
		{"the owner", w.c.As(w.owner), []string{w.ids["draft"], w.ids["partners"]}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ids, _ := w.search(t, tc.c, map[string]any{"q": "zebra"}).found()
			slices.Sort(ids)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(ids, want) {
				t.Errorf("found %q, want %q", ids, want)
			}
		})
	}
}

// TestSearchNarrowsAndPages checks types, country (by alias too) and paging by cursor.
func TestSearchNarrowsAndPages(t *testing.T) {
	t.Parallel()
	w := newSearchWorld(t)
	if ids, _ := w.search(t, w.c, map[string]any{"q": "Ha Noi", "country": "TH"}).found(); len(ids) != 0 {
		t.Errorf("Ha Noi in Thailand found %q", ids)
	}
	if ids, _ := w.search(t, w.c, map[string]any{"q": "Ha Noi", "country": "Viet Nam"}).found(); len(ids) != 1 || ids[0] != w.ids["vi"] {
		t.Errorf("Ha Noi in Viet Nam found %q", ids)
	}
	if ids, _ := w.search(t, w.c, map[string]any{"q": runes(burmeseTitle, 17, 34), "country": "Burma"}).found(); len(ids) != 1 || ids[0] != w.ids["my"] {
		t.Errorf("Burmese text in Burma found %q", ids)
	}
	p := w.search(t, w.c, map[string]any{"q": "trafficking", "types": []string{"ORGANIZATION"}, "first": 50})
	if len(p.Search.Edges) == 0 {
		t.Fatal("no organization about trafficking")
	}
	for _, e := range p.Search.Edges {
		if e.Node.Typename != "Organization" {
			t.Errorf("types ORGANIZATION found a %s", e.Node.Typename)
		}
	}
	all := w.search(t, w.c, map[string]any{"q": "trafficking", "first": 100})
	var paged []string
	var after any
	for range 100 {
		p := w.search(t, w.c, map[string]any{"q": "trafficking", "first": 2, "after": after})
		for _, e := range p.Search.Edges {
			paged = append(paged, e.Node.ID)
		}
		if !p.Search.PageInfo.HasNextPage {
			break
		}
		after = *p.Search.PageInfo.EndCursor
	}
	whole, _ := all.found()
	if len(whole) < 3 || !slices.Equal(paged, whole) {
		t.Errorf("pages of 2 gave %q, one page %q", paged, whole)
	}
	for i := 1; i < len(all.Search.Edges); i++ {
		if all.Search.Edges[i].Score > all.Search.Edges[i-1].Score {
			t.Errorf("result %d scores %v, above result %d's %v", i, all.Search.Edges[i].Score, i-1, all.Search.Edges[i-1].Score)
		}
	}
}

// TestSearchRefusesBadInput answers a bad query or cursor with BAD_USER_INPUT.
func TestSearchRefusesBadInput(t *testing.T) {
	t.Parallel()
	w := newSearchWorld(t)
	other := w.search(t, w.c, map[string]any{"q": "trafficking", "first": 1}).Search.PageInfo.EndCursor
	for name, vars := range map[string]map[string]any{
		"too short":             {"q": "a"},
		"blank":                 {"q": "   "},
		"too long":              {"q": string(make([]byte, 201))},
		"unknown country":       {"q": "Ha Noi", "country": "Atlantis"},
		"cursor of another one": {"q": "concert", "after": *other},
		"not a cursor":          {"q": "concert", "after": "nonsense"},
		"too many":              {"q": "concert", "first": 101},
	} {
		t.Run(name, func(t *testing.T) {
			if code := w.c.Query(t, searchQuery, vars).ErrorCode(t); code != "BAD_USER_INPUT" {
				t.Errorf("code %s, want BAD_USER_INPUT", code)
			}
		})
	}
}

// TestScriptsAreLettersToTrigrams checks search_norm against the database's locale, on which
// search in Thai, Khmer, Burmese and Lao depends: pg_trgm must take every character of the
// normalized text as part of a word (a character it does not take gives no trigrams on its
// own), so that a run of them is one word whose trigrams the index holds. search_norm drops
// the marks C.UTF-8 does not class as letters; under LC_CTYPE=C none are, and this fails.
func TestScriptsAreLettersToTrigrams(t *testing.T) {
	t.Parallel()
	_, url := dbtest.NewWithURL(t)
	for name, text := range map[string]string{"Thai": thaiTitle, "Khmer": khmerTitle, "Burmese": burmeseTitle, "Lao": laoTitle} {
		var skipped string
		dbValue(t, url, `SELECT coalesce(string_agg(c, ' '), '') FROM regexp_split_to_table(search_norm($1), '') c WHERE cardinality(show_trgm(c)) = 0`,
			[]any{text}, &skipped)
		if skipped != "" {
			t.Errorf("%s: pg_trgm does not take %q as letters", name, skipped)
		}
	}
}
