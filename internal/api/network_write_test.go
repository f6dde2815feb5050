package api_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"campaigns/internal/apitest"
	"campaigns/internal/relay"
	"campaigns/internal/store"
)

// networkWriteWorld is a seeded database, whose regional network is coordinated by ASEAN and
// MTV EXIT and owned by nobody, with keys of the organizations the tests act as.
type networkWriteWorld struct {
	st  *store.Store
	url string
	c   *apitest.Client
	// API keys by who holds them.
	owner, ownerViewer, asean, usaid, other string
	regional, youthSession                  string // global IDs of seed records
	orgs                                    map[string]string
}

func newNetworkWriteWorld(t *testing.T) *networkWriteWorld {
	t.Helper()
	st, url := seededWithURL(t)
	w := &networkWriteWorld{st: st, url: url, c: apitest.New(st), orgs: map[string]string{}}
	w.owner = apitest.Key(t, st, "network-owner", "EDITOR")
	w.ownerViewer = apitest.Key(t, st, "network-owner", "VIEWER")
	w.asean = apitest.Key(t, st, "asean", "EDITOR")
	w.usaid = apitest.Key(t, st, "usaid", "EDITOR")
	w.other = apitest.Key(t, st, "other-org", "EDITOR")
	ctx := context.Background()
	for _, slug := range []string{"network-owner", "asean", "mtv-exit", "usaid", "us-government", "other-org"} {
		o, err := st.OrganizationBySlug(ctx, slug)
		if err != nil {
			t.Fatalf("organization %s: %v", slug, err)
		}
		w.orgs[slug] = o.GlobalID()
	}
	n, err := st.NetworkBySlug(ctx, "asean-mtv-exit-youth-network")
	if err != nil {
		t.Fatalf("seed network: %v", err)
	}
	w.regional = n.GlobalID()
	w.youthSession = relay.EncodeInt(relay.TypeEvent, *n.FoundedAtID)
	for _, k := range []string{w.owner, w.ownerViewer, w.asean, w.usaid, w.other} {
		w.c.As(k).Query(t, `{ __typename }`, nil)
	}
	return w
}

const networkFields = `id slug name description scope version country { code } parent { id } foundedAt { id }
	owner { slug } coordinators { slug } channels { platform url handle }`

const createNetwork = `mutation($in: CreateYouthNetworkInput!) {
	m: createYouthNetwork(input: $in) { record: youthNetwork { ` + networkFields + ` } userErrors { field code message } }
}`

const updateNetwork = `mutation($in: UpdateYouthNetworkInput!) {
	m: updateYouthNetwork(input: $in) { record: youthNetwork { ` + networkFields + ` } userErrors { field code message } }
}`

type networkView struct {
	ID, Slug, Name string
	Description    *string
	Scope          string
	Version        int
	Country        *struct{ Code string }
	Parent         *struct{ ID string }
	FoundedAt      *struct{ ID string }
	Owner          *struct{ Slug string }
	Coordinators   []struct{ Slug string }
	Channels       []struct {
		Platform, URL string
		Handle        *string
	}
}

func (n networkView) coordinatorSlugs() []string {
	out := make([]string, len(n.Coordinators))
	for i, c := range n.Coordinators {
		out[i] = c.Slug
	}
	slices.Sort(out)
	return out
}

// networkInput is a createYouthNetwork input for a regional network; extra replaces or, with
// nil, removes fields.
func networkInput(extra map[string]any) map[string]any {
	in := map[string]any{"slug": "mekong-youth", "name": "Mekong youth against trafficking", "scope": "REGIONAL"}
	for k, v := range extra {
		if v == nil {
			delete(in, k)
		} else {
			in[k] = v
		}
	}
	return map[string]any{"in": in}
}

func TestCreateYouthNetwork(t *testing.T) {
	t.Parallel()
	w := newNetworkWriteWorld(t)
	var n networkView
	mustMutate(t, w.c.As(w.owner), createNetwork, networkInput(map[string]any{
		"description": "Young people of the Mekong countries.", "foundedAt": w.youthSession,
		"coordinators": []string{w.orgs["usaid"], w.orgs["network-owner"]},
		"channels":     []map[string]any{{"platform": "FACEBOOK", "url": "https://facebook.com/mekongyouth", "handle": "mekongyouth"}, {"platform": "WEBSITE", "url": "http://mekong.example"}},
	}), &n)
	if n.Slug != "mekong-youth" || n.Scope != "REGIONAL" || n.Version != 1 || n.Country != nil || n.Parent != nil ||
		n.FoundedAt == nil || n.FoundedAt.ID != w.youthSession || n.Owner == nil || n.Owner.Slug != "network-owner" ||
		n.Description == nil || *n.Description != "Young people of the Mekong countries." {
		t.Errorf("created %+v", n)
	}
	if got := n.coordinatorSlugs(); !slices.Equal(got, []string{"network-owner", "usaid"}) {
		t.Errorf("coordinators %v, want the owner and USAID once each", got)
	}
	if len(n.Channels) != 2 || n.Channels[0].Platform != "FACEBOOK" || n.Channels[0].Handle == nil || *n.Channels[0].Handle != "mekongyouth" ||
		n.Channels[1].URL != "http://mekong.example" || n.Channels[1].Handle != nil {
		t.Errorf("channels %+v", n.Channels)
	}
	entry := lastAudit(t, w.url, "createYouthNetwork")
	if entry.EntityType != relay.TypeYouthNetwork || entry.EntityID != n.ID || entry.Before != nil ||
		len(entry.After["Coordinators"].([]any)) != 2 || len(entry.After["Channels"].([]any)) != 2 {
		t.Errorf("audit: %+v", entry)
	}

	t.Run("a coordinator of the parent founds a national chapter, and its owner a local group", func(t *testing.T) {
		var chapter networkView
		mustMutate(t, w.c.As(w.asean), createNetwork, networkInput(map[string]any{
			"slug": "burma-youth", "name": "Burma youth network", "scope": "NATIONAL", "country": "Burma", "parent": w.regional,
		}), &chapter)
		if chapter.Country == nil || chapter.Country.Code != "MM" || chapter.Parent == nil || chapter.Parent.ID != w.regional ||
			chapter.Owner == nil || chapter.Owner.Slug != "asean" || !slices.Equal(chapter.coordinatorSlugs(), []string{"asean"}) {
			t.Fatalf("chapter %+v", chapter)
		}
		var group networkView
		mustMutate(t, w.c.As(w.asean), createNetwork, networkInput(map[string]any{
			"slug": "yangon-youth", "name": "Yangon youth group", "scope": "LOCAL", "country": "MM", "parent": chapter.ID,
		}), &group)
		if group.Parent == nil || group.Parent.ID != chapter.ID || group.Scope != "LOCAL" {
			t.Errorf("group %+v", group)
		}
		var regional struct {
			YouthNetwork struct {
				Chapters struct{ Nodes []struct{ Slug string } }
			}
		}
		w.c.Query(t, `query($id: ID!) { youthNetwork(id: $id) { chapters { nodes { slug } } } }`, map[string]any{"id": w.regional}).MustData(t, &regional)
		if nodes := regional.YouthNetwork.Chapters.Nodes; len(nodes) != 1 || nodes[0].Slug != "burma-youth" {
			t.Errorf("chapters of the regional network: %+v", nodes)
		}
	})
}

func TestCreateYouthNetworkRefusesBadInput(t *testing.T) {
	t.Parallel()
	w := newNetworkWriteWorld(t)
	var regional, national networkView
	mustMutate(t, w.c.As(w.owner), createNetwork, networkInput(map[string]any{"slug": "own-regional", "name": "Own regional network"}), &regional)
	mustMutate(t, w.c.As(w.owner), createNetwork, networkInput(map[string]any{"slug": "cambodia-youth", "name": "Cambodia youth", "scope": "NATIONAL", "country": "KH"}), &national)
	missing := func(typ string) string { return relay.EncodeInt(typ, 987654) }
	for _, tc := range []struct {
		name        string
		extra       map[string]any
		code, field string
	}{
		{"taken slug", map[string]any{"slug": "asean-mtv-exit-youth-network"}, "TAKEN", "input.slug"},
		{"slug with capitals", map[string]any{"slug": "Mekong-Youth"}, "INVALID", "input.slug"},
		{"empty name", map[string]any{"name": ""}, "REQUIRED", "input.name"},
		{"name too long", map[string]any{"name": strings.Repeat("n", 301)}, "LENGTH", "input.name"},
		{"national without a country", map[string]any{"scope": "NATIONAL"}, "REQUIRED", "input.country"},
		{"local without a country", map[string]any{"scope": "LOCAL"}, "REQUIRED", "input.country"},
		{"unknown country", map[string]any{"scope": "NATIONAL", "country": "Atlantis"}, "UNKNOWN_COUNTRY", "input.country"},
		{"regional with a country", map[string]any{"country": "TH"}, "INVALID", "input.country"},
		{"unknown parent", map[string]any{"scope": "NATIONAL", "country": "TH", "parent": missing(relay.TypeYouthNetwork)}, "NOT_FOUND", "input.parent"},
		{"regional under regional", map[string]any{"parent": regional.ID}, "INVALID", "input.scope"},
		{"national under national", map[string]any{"scope": "NATIONAL", "country": "KH", "parent": national.ID}, "INVALID", "input.scope"},
		{"local in another country than its chapter", map[string]any{"scope": "LOCAL", "country": "TH", "parent": national.ID}, "INVALID", "input.country"},
		{"unknown founding event", map[string]any{"foundedAt": missing(relay.TypeEvent)}, "NOT_FOUND", "input.foundedAt"},
		{"unknown coordinator", map[string]any{"coordinators": []string{w.orgs["usaid"], missing(relay.TypeOrganization)}}, "NOT_FOUND", "input.coordinators.1"},
		{"channel not http", map[string]any{"channels": []map[string]any{{"platform": "OTHER", "url": "ftp://mekong.example"}}}, "INVALID", "input.channels.0.url"},
		{"channel not a URL", map[string]any{"channels": []map[string]any{{"platform": "OTHER", "url": "mekong youth"}}}, "INVALID", "input.channels.0.url"},
		{"handle too long", map[string]any{"channels": []map[string]any{{"platform": "TWITTER", "url": "https://twitter.com/x", "handle": strings.Repeat("h", 101)}}}, "LENGTH", "input.channels.0.handle"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			refusedAsInput(t, w.url, w.c.As(w.owner), createNetwork, networkInput(tc.extra), tc.code, tc.field)
		})
	}
	t.Run("a chapter of a network the caller cannot edit", func(t *testing.T) {
		refusedWithCode(t, w.url, w.c.As(w.other), createNetwork, networkInput(map[string]any{"scope": "NATIONAL", "country": "TH", "parent": w.regional}), "FORBIDDEN")
	})
	t.Run("callers who may not create", func(t *testing.T) {
		refusedWithCode(t, w.url, w.c, createNetwork, networkInput(nil), "UNAUTHENTICATED")
		refusedWithCode(t, w.url, w.c.As(w.ownerViewer), createNetwork, networkInput(nil), "FORBIDDEN")
	})
}

func TestUpdateYouthNetwork(t *testing.T) {
	t.Parallel()
	w := newNetworkWriteWorld(t)
	owner := w.c.As(w.owner)
	var n networkView
	mustMutate(t, owner, createNetwork, networkInput(map[string]any{
		"description": "Young people of the Mekong countries.", "coordinators": []string{w.orgs["usaid"]},
		"channels": []map[string]any{{"platform": "FACEBOOK", "url": "https://facebook.com/mekongyouth"}},
	}), &n)

	// Only the name is given: the rest stays as it was.
	var renamed networkView
	mustMutate(t, owner, updateNetwork, map[string]any{"in": map[string]any{"id": n.ID, "expectedVersion": 1, "name": "Mekong youth network"}}, &renamed)
	if renamed.Name != "Mekong youth network" || renamed.Version != 2 || renamed.Description == nil || *renamed.Description != *n.Description ||
		len(renamed.Channels) != 1 || !slices.Equal(renamed.coordinatorSlugs(), []string{"network-owner", "usaid"}) {
		t.Errorf("after renaming: %+v", renamed)
	}
	entry := lastAudit(t, w.url, "updateYouthNetwork")
	if entry.EntityID != n.ID || entry.Before["Network"].(map[string]any)["Name"] != n.Name || entry.After["Network"].(map[string]any)["Name"] != "Mekong youth network" {
		t.Errorf("audit: %+v", entry)
	}

	// A coordinator edits too; given lists replace the old ones, and the owner stays.
	var replaced networkView
	mustMutate(t, w.c.As(w.usaid), updateNetwork, map[string]any{"in": map[string]any{"id": n.ID, "expectedVersion": 2, "description": nil,
		"coordinators": []string{w.orgs["mtv-exit"]},
		"channels":     []map[string]any{{"platform": "YOUTUBE", "url": "https://youtube.com/@mekongyouth", "handle": "@mekongyouth"}, {"platform": "LINE", "url": "https://line.me/mekong"}},
	}}, &replaced)
	if replaced.Version != 3 || replaced.Description != nil || replaced.Name != "Mekong youth network" {
		t.Errorf("after replacing: %+v", replaced)
	}
	if got := replaced.coordinatorSlugs(); !slices.Equal(got, []string{"mtv-exit", "network-owner"}) {
		t.Errorf("coordinators %v, want MTV EXIT and the owner", got)
	}
	if len(replaced.Channels) != 2 || replaced.Channels[0].Platform != "YOUTUBE" || replaced.Channels[1].Platform != "LINE" {
		t.Errorf("channels %+v", replaced.Channels)
	}

	t.Run("the removed coordinator may no longer edit", func(t *testing.T) {
		refusedWithCode(t, w.url, w.c.As(w.usaid), updateNetwork, map[string]any{"in": map[string]any{"id": n.ID, "expectedVersion": 3, "name": "Taken over"}}, "FORBIDDEN")
	})
	t.Run("a stale version", func(t *testing.T) {
		refusedWithCode(t, w.url, owner, updateNetwork, map[string]any{"in": map[string]any{"id": n.ID, "expectedVersion": 2, "name": "Stale"}}, "CONFLICT")
	})
	t.Run("bad input", func(t *testing.T) {
		for _, tc := range []struct {
			name        string
			in          map[string]any
			code, field string
		}{
			{"empty name", map[string]any{"name": ""}, "REQUIRED", "input.name"},
			{"unknown coordinator", map[string]any{"coordinators": []string{relay.EncodeInt(relay.TypeOrganization, 987654)}}, "NOT_FOUND", "input.coordinators.0"},
			{"channel not http", map[string]any{"channels": []map[string]any{{"platform": "OTHER", "url": "javascript:alert(1)"}}}, "INVALID", "input.channels.0.url"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tc.in["id"], tc.in["expectedVersion"] = n.ID, 3
				refusedAsInput(t, w.url, owner, updateNetwork, map[string]any{"in": tc.in}, tc.code, tc.field)
			})
		}
	})
	t.Run("the seed network by its coordinator", func(t *testing.T) {
		var seed networkView
		mustMutate(t, w.c.As(w.asean), updateNetwork, map[string]any{"in": map[string]any{"id": w.regional, "expectedVersion": 1,
			"channels": []map[string]any{{"platform": "WEBSITE", "url": "https://asean.org/youth"}}}}, &seed)
		if seed.Owner != nil || seed.Version != 2 || len(seed.Channels) != 1 || !slices.Equal(seed.coordinatorSlugs(), []string{"asean", "mtv-exit"}) {
			t.Errorf("seed network after its coordinator's change: %+v", seed)
		}
		refusedAsInput(t, w.url, w.c.As(w.asean), updateNetwork, map[string]any{"in": map[string]any{"id": w.regional, "expectedVersion": 2, "coordinators": []string{}}},
			"REQUIRED", "input.coordinators")
	})
}

func TestUpdateYouthNetworkRefusesOutsiders(t *testing.T) {
	t.Parallel()
	w := newNetworkWriteWorld(t)
	var n networkView
	mustMutate(t, w.c.As(w.owner), createNetwork, networkInput(nil), &n)
	vars := map[string]any{"in": map[string]any{"id": n.ID, "expectedVersion": 1, "name": "Taken over"}}
	for _, tc := range []struct {
		name, key, code string
	}{
		{"anonymous", "", "UNAUTHENTICATED"},
		{"the owner's viewer", w.ownerViewer, "FORBIDDEN"},
		{"another organization's editor", w.other, "FORBIDDEN"},
		{"an editor of a coordinator of another network", w.asean, "FORBIDDEN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			refusedWithCode(t, w.url, w.c.As(tc.key), updateNetwork, vars, tc.code)
		})
	}
	t.Run("unknown network", func(t *testing.T) {
		refusedWithCode(t, w.url, w.c.As(w.owner), updateNetwork, map[string]any{"in": map[string]any{"id": relay.EncodeInt(relay.TypeYouthNetwork, 987654), "expectedVersion": 1, "name": "X"}}, "NOT_FOUND")
	})
}
