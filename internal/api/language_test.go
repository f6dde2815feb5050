package api_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/store"
	"campaigns/models"
)

// langWorld holds a campaign, an event, a youth network and an indicator owned by one
// organization, a partner granted edit on the campaign, and keys of each kind of caller.
type langWorld struct {
	st                                  *store.Store
	url                                 string
	c                                   *apitest.Client
	owner, viewer, partner, other       string // keys
	campaign, event, network, indicator string // global IDs
}

func newLangWorld(t *testing.T) *langWorld {
	t.Helper()
	st, url := seededWithURL(t)
	w := &langWorld{st: st, url: url, c: apitest.New(st)}
	w.owner = apitest.Key(t, st, "lang-owner", "EDITOR")
	w.viewer = apitest.Key(t, st, "lang-owner", "VIEWER")
	w.partner = apitest.Key(t, st, "lang-partner", "EDITOR")
	w.other = apitest.Key(t, st, "lang-other", "EDITOR")
	ctx := context.Background()
	owner, err := st.OrganizationBySlug(ctx, "lang-owner")
	if err != nil {
		t.Fatal(err)
	}
	partner, err := st.OrganizationBySlug(ctx, "lang-partner")
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.SeedOnce(ctx, "lang-test", func(wr *store.Writer) error {
		own := owner.ID
		c := &models.Campaign{Slug: "youth-against-trafficking", Name: "Youth against trafficking", Summary: ptr("Concerts and outreach."),
			Status: "ACTIVE", OwnerID: &own, StartPrecision: "DAY", EndPrecision: "DAY", Version: 1}
		if err := wr.Insert(c); err != nil {
			return err
		}
		e := &models.Event{CampaignID: c.ID, Title: "Concert in Phnom Penh", Kind: "CONCERT", Status: "SCHEDULED", Visibility: "PUBLIC",
			StartBound: c.CreatedAt, DatePrecision: "DAY", OrganizerID: own, Version: 1}
		n := &models.YouthNetwork{Slug: "lang-network", Name: "Youth network", Scope: "REGIONAL", OwnerID: &own, Version: 1}
		i := &models.Indicator{CampaignID: c.ID, Code: "reached", Name: "Young people reached", Unit: "PEOPLE"}
		if err := wr.Insert(e, n, i); err != nil {
			return err
		}
		w.campaign, w.event, w.network, w.indicator = c.GlobalID(), e.GlobalID(), n.GlobalID(), i.GlobalID()
		return wr.Insert(&models.CampaignPartner{CampaignID: c.ID, OrganizationID: partner.ID, Role: "IMPLEMENTER", CanEdit: true})
	})
	if err != nil {
		t.Fatalf("language fixtures: %v", err)
	}
	for _, k := range []string{w.owner, w.viewer, w.partner, w.other} { // first use stamps a key
		w.c.As(k).Query(t, `{ __typename }`, nil)
	}
	return w
}

const setTranslations = `mutation($in: SetTranslationsInput!) {
	m: setTranslations(input: $in) {
		record { id originalLanguage translations { field language text stale sourceVersion version } }
		userErrors { field code message }
		clientMutationId
	}
}`

type translationView struct {
	Field, Language, Text string
	Stale                 bool
	SourceVersion         *int
	Version               int
}

type setTranslationsResult struct {
	M struct {
		Record *struct {
			ID               string
			OriginalLanguage string
			Translations     []translationView
		}
		UserErrors []writeUserError
	}
}

// translate writes translations of record as key and fails the test on any refusal.
func (w *langWorld) translate(t *testing.T, key, record string, tr ...map[string]any) setTranslationsResult {
	t.Helper()
	var got setTranslationsResult
	w.c.As(key).Query(t, setTranslations, map[string]any{"in": map[string]any{"record": record, "translations": tr}}).MustData(t, &got)
	if len(got.M.UserErrors) > 0 || got.M.Record == nil {
		t.Fatalf("setTranslations: %+v", got.M.UserErrors)
	}
	return got
}

func tr(field, language string, text any) map[string]any {
	return map[string]any{"field": field, "language": language, "text": text}
}

const campaignTexts = `query($id: ID!, $lang: String) { node(id: $id) { ... on Campaign {
	name(language: $lang) summary(language: $lang) description(language: $lang)
	localizedName(language: $lang) { text language original stale }
	localizedSummary(language: $lang) { text language original stale }
	localizedDescription(language: $lang) { text language original stale } } } }`

type localizedView struct {
	Text, Language  string
	Original, Stale bool
}

type campaignTextsView struct {
	Node struct {
		Name                 string
		Summary, Description *string
		LocalizedName        localizedView
		LocalizedSummary     *localizedView
		LocalizedDescription *localizedView
	}
}

func (w *langWorld) read(t *testing.T, c *apitest.Client, lang any) campaignTextsView {
	t.Helper()
	var got campaignTextsView
	c.Query(t, campaignTexts, map[string]any{"id": w.campaign, "lang": lang}).MustData(t, &got)
	return got
}

// TestFallbackChain walks each step: the first language asked for, a later one when the
// first is missing, the order of weights rather than of the list, the original when none is
// there, each text on its own (a name translated, a summary not), the argument over the header.
func TestFallbackChain(t *testing.T) {
	t.Parallel()
	w := newLangWorld(t)
	w.translate(t, w.owner, w.campaign,
		tr("NAME", "km", "យុវជនប្រឆាំងការជួញដូរមនុស្ស"), tr("NAME", "th", "เยาวชนต่อต้านการค้ามนุษย์"), tr("NAME", "fil", "Kabataan laban sa trafficking"),
		tr("SUMMARY", "th", "คอนเสิร์ตและการเข้าถึงชุมชน"))
	for _, tc := range []struct {
		name, header string
		arg          any
		wantName     localizedView
		wantSummary  localizedView
	}{
		{"no preference: the original", "", nil,
			localizedView{"Youth against trafficking", "en", true, false}, localizedView{"Concerts and outreach.", "en", true, false}},
		{"the first language asked for", "km", nil,
			localizedView{"យុវជនប្រឆាំងការជួញដូរមនុស្ស", "km", false, false}, localizedView{"Concerts and outreach.", "en", true, false}},
		{"a later language when the first is missing", "lo, th;q=0.5", nil,
			localizedView{"เยาวชนต่อต้านการค้ามนุษย์", "th", false, false}, localizedView{"คอนเสิร์ตและการเข้าถึงชุมชน", "th", false, false}},
		{"weights, not the order of the list", "th;q=0.2, km;q=0.9", nil,
			localizedView{"យុវជនប្រឆាំងការជួញដូរមនុស្ស", "km", false, false}, localizedView{"คอนเสิร์ตและการเข้าถึงชุมชน", "th", false, false}},
		{"none there: the original", "lo, my;q=0.8, vi;q=0.5", nil,
			localizedView{"Youth against trafficking", "en", true, false}, localizedView{"Concerts and outreach.", "en", true, false}},
		{"a regional tag finds its language", "fil-PH", nil,
			localizedView{"Kabataan laban sa trafficking", "fil", false, false}, localizedView{"Concerts and outreach.", "en", true, false}},
		{"the original asked first wins", "en, km;q=0.9", nil,
			localizedView{"Youth against trafficking", "en", true, false}, localizedView{"Concerts and outreach.", "en", true, false}},
		{"the argument overrides the header", "km", "th",
			localizedView{"เยาวชนต่อต้านการค้ามนุษย์", "th", false, false}, localizedView{"คอนเสิร์ตและการเข้าถึงชุมชน", "th", false, false}},
		{"an unreadable header is ignored", "km;q=banana", nil,
			localizedView{"Youth against trafficking", "en", true, false}, localizedView{"Concerts and outreach.", "en", true, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := w.c
			if tc.header != "" {
				c = c.WithHeader("Accept-Language", tc.header)
			}
			got := w.read(t, c, tc.arg).Node
			if got.LocalizedName != tc.wantName || got.Name != tc.wantName.Text {
				t.Errorf("name %q, localized %+v; want %+v", got.Name, got.LocalizedName, tc.wantName)
			}
			if got.LocalizedSummary == nil || *got.LocalizedSummary != tc.wantSummary || got.Summary == nil || *got.Summary != tc.wantSummary.Text {
				t.Errorf("summary %v, localized %+v; want %+v", got.Summary, got.LocalizedSummary, tc.wantSummary)
			}
			if got.Description != nil || got.LocalizedDescription != nil {
				t.Errorf("a campaign with no description got %v / %+v", got.Description, got.LocalizedDescription)
			}
		})
	}
}

// TestEveryLanguage writes the name in each of the languages and reads each back
// through Accept-Language, and through the language argument of each translatable type.
func TestEveryLanguage(t *testing.T) {
	t.Parallel()
	w := newLangWorld(t)
	names := map[string]string{
		"id": "Pemuda melawan perdagangan orang", "km": "យុវជនប្រឆាំងការជួញដូរមនុស្ស", "lo": "ຊາວໜຸ່ມຕ້ານການຄ້າມະນຸດ",
		"ms": "Belia menentang pemerdagangan orang", "my": "လူကုန်ကူးမှုဆန့်ကျင်ရေးလူငယ်များ", "fil": "Kabataan laban sa human trafficking",
		"th": "เยาวชนต่อต้านการค้ามนุษย์", "vi": "Thanh niên chống mua bán người",
	}
	var in []map[string]any
	for l, n := range names {
		in = append(in, tr("NAME", l, n))
	}
	for _, rec := range []string{w.campaign, w.network, w.indicator} {
		w.translate(t, w.owner, rec, in...)
	}
	var ev []map[string]any
	for l, n := range names {
		ev = append(ev, tr("TITLE", l, n))
	}
	w.translate(t, w.owner, w.event, ev...)
	names["en"] = ""
	for l, want := range names {
		t.Run(l, func(t *testing.T) {
			got := w.read(t, w.c.WithHeader("Accept-Language", l), nil).Node.LocalizedName
			if l == "en" {
				want = "Youth against trafficking"
			}
			if got.Text != want || got.Language != l || got.Original != (l == "en") {
				t.Errorf("%s: %+v, want %q", l, got, want)
			}
			var others struct {
				E struct{ LocalizedTitle localizedView } `json:"e"`
				N struct{ LocalizedName localizedView }  `json:"n"`
				I struct{ LocalizedName localizedView }  `json:"i"`
			}
			w.c.Query(t, `query($e: ID!, $n: ID!, $i: ID!, $l: String) {
				e: node(id: $e) { ... on Event { localizedTitle(language: $l) { text language original stale } } }
				n: node(id: $n) { ... on YouthNetwork { localizedName(language: $l) { text language original stale } } }
				i: node(id: $i) { ... on Indicator { localizedName(language: $l) { text language original stale } } } }`,
				map[string]any{"e": w.event, "n": w.network, "i": w.indicator, "l": l}).MustData(t, &others)
			for what, v := range map[string]localizedView{"event": others.E.LocalizedTitle, "network": others.N.LocalizedName, "indicator": others.I.LocalizedName} {
				if v.Language != l || (l != "en" && v.Text != want) {
					t.Errorf("%s in %s: %+v, want %q", what, l, v, want)
				}
			}
		})
	}
}

// TestStaleTranslations marks a translation stale when its original changes, leaves the
// others fresh, and confirms it fresh when written again.
func TestStaleTranslations(t *testing.T) {
	t.Parallel()
	w := newLangWorld(t)
	got := w.translate(t, w.owner, w.campaign, tr("NAME", "km", "យុវជន"), tr("SUMMARY", "km", "ការប្រគុំតន្ត្រី"))
	for _, x := range got.M.Record.Translations {
		if x.Stale || x.SourceVersion == nil || *x.SourceVersion != 1 || x.Version != 1 {
			t.Errorf("fresh translation %+v", x)
		}
	}
	var upd struct {
		M struct{ Record struct{ Version int } } `json:"m"`
	}
	w.c.As(w.owner).Query(t, `mutation($in: UpdateCampaignInput!) { m: updateCampaign(input: $in) { record: campaign { version } } }`,
		map[string]any{"in": map[string]any{"id": w.campaign, "expectedVersion": 1, "name": "Young people against trafficking"}}).MustData(t, &upd)
	read := w.read(t, w.c.WithHeader("Accept-Language", "km"), nil).Node
	if !read.LocalizedName.Stale || read.LocalizedName.Language != "km" {
		t.Errorf("name after the original changed: %+v, want a stale km translation", read.LocalizedName)
	}
	if read.LocalizedSummary.Stale {
		t.Errorf("summary, whose original did not change: %+v", read.LocalizedSummary)
	}
	var list struct {
		Node struct{ Translations []translationView }
	}
	w.c.Query(t, `query($id: ID!) { node(id: $id) { ... on Campaign { translations { field language text stale sourceVersion version } } } }`,
		map[string]any{"id": w.campaign}).MustData(t, &list)
	stale := map[string]bool{}
	for _, x := range list.Node.Translations {
		stale[x.Field] = x.Stale
	}
	if !stale["NAME"] || stale["SUMMARY"] {
		t.Errorf("translations list: %+v", list.Node.Translations)
	}
	again := w.translate(t, w.owner, w.campaign, tr("NAME", "km", "យុវជន"))
	for _, x := range again.M.Record.Translations {
		if x.Field == "NAME" && (x.Stale || x.Version != 2 || *x.SourceVersion != upd.M.Record.Version) {
			t.Errorf("confirmed translation %+v, want fresh at version 2 of source version %d", x, upd.M.Record.Version)
		}
	}
}

// TestTranslationWritesNeedTheRightToEdit gives each kind of caller each kind of record.
func TestTranslationWritesNeedTheRightToEdit(t *testing.T) {
	t.Parallel()
	w := newLangWorld(t)
	for _, tc := range []struct {
		who, key string
		record   func() string
		field    string
		code     string // "" for allowed
	}{
		{"anonymous", "", func() string { return w.campaign }, "NAME", "UNAUTHENTICATED"},
		{"the owner's viewer key", w.viewer, func() string { return w.campaign }, "NAME", "FORBIDDEN"},
		{"another organization", w.other, func() string { return w.campaign }, "NAME", "FORBIDDEN"},
		{"another organization, event", w.other, func() string { return w.event }, "TITLE", "FORBIDDEN"},
		{"another organization, network", w.other, func() string { return w.network }, "NAME", "FORBIDDEN"},
		{"another organization, indicator", w.other, func() string { return w.indicator }, "NAME", "FORBIDDEN"},
		{"a partner granted edit", w.partner, func() string { return w.campaign }, "NAME", ""},
		{"a partner granted edit, indicator", w.partner, func() string { return w.indicator }, "NAME", ""},
		{"the owner, campaign", w.owner, func() string { return w.campaign }, "SUMMARY", ""},
		{"the owner, event", w.owner, func() string { return w.event }, "TITLE", ""},
		{"the owner, network", w.owner, func() string { return w.network }, "NAME", ""},
		{"the owner, indicator", w.owner, func() string { return w.indicator }, "NAME", ""},
	} {
		t.Run(tc.who, func(t *testing.T) {
			vars := map[string]any{"in": map[string]any{"record": tc.record(), "translations": []map[string]any{tr(tc.field, "vi", "Bản dịch")}}}
			c := w.c
			if tc.key != "" {
				c = c.As(tc.key)
			}
			if tc.code != "" {
				refusedWithCode(t, w.url, c, setTranslations, vars, tc.code)
				return
			}
			var got setTranslationsResult
			c.Query(t, setTranslations, vars).MustData(t, &got)
			if got.M.Record == nil || !slices.ContainsFunc(got.M.Record.Translations, func(x translationView) bool { return x.Language == "vi" }) {
				t.Errorf("not written: %+v", got.M)
			}
		})
	}
}

// TestTranslationInputIsChecked refuses each bad input with a user error and writes nothing.
func TestTranslationInputIsChecked(t *testing.T) {
	t.Parallel()
	w := newLangWorld(t)
	many := make([]map[string]any, 51)
	for i := range many {
		many[i] = tr("NAME", "vi", fmt.Sprint(i))
	}
	for _, tc := range []struct {
		name   string
		record func() string
		in     []map[string]any
		orig   any
		field  string
		code   string
	}{
		{"not a language", func() string { return w.campaign }, []map[string]any{tr("NAME", "klingon!", "x")}, nil, "input.translations.0.language", "INVALID"},
		{"a list, not a language", func() string { return w.campaign }, []map[string]any{tr("NAME", "km, th", "x")}, nil, "input.translations.0.language", "INVALID"},
		{"a field the record has not", func() string { return w.campaign }, []map[string]any{tr("TITLE", "km", "x")}, nil, "input.translations.0.field", "INVALID"},
		{"a text the record has not", func() string { return w.campaign }, []map[string]any{tr("DESCRIPTION", "km", "x")}, nil, "input.translations.0.field", "INVALID"},
		{"empty text", func() string { return w.campaign }, []map[string]any{tr("NAME", "km", " ")}, nil, "input.translations.0.text", "REQUIRED"},
		{"too long", func() string { return w.campaign }, []map[string]any{tr("NAME", "km", strings.Repeat("ក", 301))}, nil, "input.translations.0.text", "LENGTH"},
		{"the original language", func() string { return w.campaign }, []map[string]any{tr("NAME", "en", "x")}, nil, "input.translations", "INVALID"},
		{"the same text twice", func() string { return w.campaign }, []map[string]any{tr("NAME", "km", "x"), tr("NAME", "KM", "y")}, nil, "input.translations.1", "INVALID"},
		{"too many", func() string { return w.campaign }, many, nil, "input.translations", "LENGTH"},
		{"a bad original language", func() string { return w.campaign }, nil, "english", "input.originalLanguage", "INVALID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := map[string]any{"record": tc.record(), "translations": tc.in}
			if tc.in == nil {
				in["translations"] = []any{}
			}
			if tc.orig != nil {
				in["originalLanguage"] = tc.orig
			}
			refusedAsInput(t, w.url, w.c.As(w.owner), setTranslations, map[string]any{"in": in}, tc.code, tc.field)
		})
	}
	for name, record := range map[string]string{"an organization": "T3JnYW5pemF0aW9uOjE", "not an ID": "nonsense"} {
		t.Run(name, func(t *testing.T) {
			vars := map[string]any{"in": map[string]any{"record": record, "translations": []map[string]any{tr("NAME", "km", "x")}}}
			refusedWithCode(t, w.url, w.c.As(w.owner), setTranslations, vars, "BAD_USER_INPUT")
		})
	}
	if code := w.c.Query(t, campaignTexts, map[string]any{"id": w.campaign, "lang": "km;q=banana"}).ErrorCode(t); code != "BAD_USER_INPUT" {
		t.Errorf("a bad language argument: %s, want BAD_USER_INPUT", code)
	}
}

// TestOriginalLanguageAndRemoval sets a record's original language, which the chain then
// ends at, removes a translation, and audits the change once under an idempotency key.
func TestOriginalLanguageAndRemoval(t *testing.T) {
	t.Parallel()
	w := newLangWorld(t)
	w.translate(t, w.owner, w.campaign, tr("NAME", "km", "យុវជន"), tr("NAME", "th", "เยาวชน"))
	vars := map[string]any{"in": map[string]any{"record": w.campaign, "originalLanguage": "fil", "idempotencyKey": "lang-1",
		"translations": []map[string]any{tr("NAME", "th", nil)}}}
	for range 2 {
		var got setTranslationsResult
		w.c.As(w.owner).Query(t, setTranslations, vars).MustData(t, &got)
		if got.M.Record == nil || got.M.Record.OriginalLanguage != "fil" || len(got.M.Record.Translations) != 1 {
			t.Fatalf("after removing th and setting fil: %+v", got.M)
		}
	}
	got := w.read(t, w.c.WithHeader("Accept-Language", "th, lo"), nil).Node.LocalizedName
	if got.Language != "fil" || !got.Original {
		t.Errorf("with th removed: %+v, want the original in fil", got)
	}
	if n := countRows(t, w.url, "audit_log", "action = 'setTranslations'"); n != 2 {
		t.Errorf("%d audit entries of setTranslations, want 2 (the first write and one of the retried pair)", n)
	}
	a := lastAudit(t, w.url, "setTranslations")
	if a.EntityID != w.campaign {
		t.Errorf("audit entry of %s, want %s", a.EntityID, w.campaign)
	}
}

// TestTranslationsLoadInBatches reads a page of campaigns and their events in a language:
// the translations of each level load in one statement, however many records there are.
func TestTranslationsLoadInBatches(t *testing.T) {
	t.Parallel()
	const query = `{ campaigns(first: 20) { nodes { name summary events(first: 10) { nodes { title summary } } } } }`
	counts := map[string]int64{}
	for _, size := range []struct {
		name              string
		campaigns, events int
	}{{"small", 2, 2}, {"large", 20, 10}} {
		st := dbtest.New(t)
		fill(t, st, "lang-"+size.name, size.campaigns, size.events)
		_, err := st.SeedOnce(context.Background(), "lang-translations", func(wr *store.Writer) error {
			for id := range int64(size.campaigns) {
				if err := wr.Insert(&models.Translation{EntityType: "CAMPAIGN", EntityID: id + 1, Field: "NAME", Language: "km", Text: "យុទ្ធនាការ", SourceMD5: "-"}); err != nil {
					return err
				}
			}
			for id := range int64(size.campaigns * size.events) {
				if err := wr.Insert(&models.Translation{EntityType: "EVENT", EntityID: id + 1, Field: "TITLE", Language: "th", Text: "คอนเสิร์ต", SourceMD5: "-"}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		plain := apitest.New(st).Query(t, query, nil)
		localized := apitest.New(st).WithHeader("Accept-Language", "km, th;q=0.5").Query(t, query, nil)
		var got struct {
			Campaigns struct {
				Nodes []struct {
					Name   string
					Events struct{ Nodes []struct{ Title string } }
				}
			}
		}
		localized.MustData(t, &got)
		if len(got.Campaigns.Nodes) == 0 || got.Campaigns.Nodes[0].Name != "យុទ្ធនាការ" || got.Campaigns.Nodes[0].Events.Nodes[0].Title != "คอนเสิร์ต" {
			t.Fatalf("not translated: %+v", got.Campaigns.Nodes[:1])
		}
		counts[size.name] = localized.Statements - plain.Statements
		t.Logf("%s: %d statements, %d in a language", size.name, plain.Statements, localized.Statements)
	}
	for name, n := range counts {
		// One statement per level, two levels, read ahead for each level's records (the
		// relation table, internal/loader); a statement per record would be 220.
		if n != 2 {
			t.Errorf("%s: %d more statements in a language, want 2", name, n)
		}
	}
}

// TestTranslationsAreSearched finds a campaign by its Khmer name, with the snippet in Khmer.
func TestTranslationsAreSearched(t *testing.T) {
	t.Parallel()
	w := newLangWorld(t)
	w.translate(t, w.owner, w.campaign, tr("NAME", "km", "យុវជនប្រឆាំងការជួញដូរមនុស្ស"))
	var got searchPage
	w.c.Query(t, searchQuery, map[string]any{"q": "ប្រឆាំងការជួញដូរ"}).MustData(t, &got)
	if len(got.Search.Edges) == 0 || got.Search.Edges[0].Node.ID != w.campaign {
		t.Fatalf("Khmer search found %+v", got.Search.Edges)
	}
	e := got.Search.Edges[0]
	if e.Snippet != "យុវជនប្រឆាំងការជួញដូរមនុស្ស" || e.SnippetLanguage == nil || *e.SnippetLanguage != "km" {
		t.Errorf("snippet %q in %v", e.Snippet, e.SnippetLanguage)
	}
}

// TestAnswersVaryByLanguage tells caches that answers depend on Accept-Language.
func TestAnswersVaryByLanguage(t *testing.T) {
	t.Parallel()
	w := newLangWorld(t)
	res, header := exchange(t, w.c.Handler, "GET", `{ __typename }`, nil, "")
	if res.Status != 200 || !slices.ContainsFunc(header.Values("Vary"), func(v string) bool { return strings.Contains(v, "Accept-Language") }) {
		t.Errorf("status %d, Vary %q", res.Status, header.Values("Vary"))
	}
}
