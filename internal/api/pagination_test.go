package api_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/store"
	"campaigns/models"
)

// tieWorld is a data set built to break keyset pagination: most lists are full of rows
// that tie on their order field, so that only the tiebreaker keeps pages apart.
type tieWorld struct {
	countries []*models.Country
	orgs      []*models.Organization
	campaigns []*models.Campaign // listed ones; the draft is kept apart
	events    []*models.Event    // listed ones; the draft is kept apart
	networks  []*models.YouthNetwork

	draftCampaign *models.Campaign
	draftEvent    *models.Event

	tieCampaign  *models.Campaign     // has 25 events starting at the same instant
	busyCampaign *models.Campaign     // has events around that instant
	idleCampaign *models.Campaign     // has no events
	partner      *models.Organization // partner of many campaigns
	region       *models.YouthNetwork // has many chapters
	tieCountry   *models.Country      // has the 25 tied events
	tieInstant   time.Time
}

// The instants the data set is built around: whole seconds, so that Go and PostgreSQL
// agree on every tie.
var (
	tieT0 = time.Date(2012, 12, 8, 12, 30, 0, 0, time.UTC)
	tieT1 = time.Date(2012, 11, 19, 9, 0, 0, 0, time.UTC)
)

// buildTieWorld inserts the data set into an empty database. Names are plain ASCII words
// so that every collation orders them as Go does.
func buildTieWorld(t *testing.T, st *store.Store) *tieWorld {
	t.Helper()
	w := &tieWorld{tieInstant: tieT0}
	_, err := st.SeedOnce(context.Background(), "pagination-ties", func(tx *store.Writer) error {
		names := []string{"Tieland", "Kilo", "Tieland", "Bravo", "Tieland", "Zulu", "Tieland", "Echo", "Tieland", "Lima", "Golf", "Oscar"}
		for i, n := range names {
			c := &models.Country{Code: fmt.Sprintf("Q%c", 'Z'-i), Name: n, AliasList: []string{}}
			if err := tx.Insert(c); err != nil {
				return err
			}
			w.countries = append(w.countries, c)
		}
		w.tieCountry = w.countries[2]

		orgNames := []string{"Tie", "Alpha", "Tie", "Zulu", "Tie", "Mike", "Tie", "Bravo", "Tie", "Kilo", "Tie"}
		for i, n := range orgNames {
			o := &models.Organization{Slug: fmt.Sprintf("org-%02d", i), Name: n, Kind: "CIVIL_SOCIETY",
				CreatedAt: tieT1.Add(time.Duration(i/4) * time.Minute)}
			if err := tx.Insert(o); err != nil {
				return err
			}
			w.orgs = append(w.orgs, o)
		}
		w.partner = w.orgs[2]

		day := func(d int) *time.Time { v := time.Date(2012, 12, d, 0, 0, 0, 0, time.UTC); return &v }
		campaignNames := []string{"Tie", "Alpha", "Tie", "Tie", "Zulu", "Tie", "Mike", "Tie", "Bravo", "Tie", "Tie"}
		starts := []*time.Time{day(8), nil, day(8), nil, day(1), day(8), day(3), nil, day(1), day(20), day(8)}
		for i, n := range campaignNames {
			c := &models.Campaign{Slug: fmt.Sprintf("campaign-%02d", i), Name: n, Status: "ACTIVE",
				StartDate: starts[i], StartPrecision: "DAY", EndPrecision: "DAY",
				CreatedAt: tieT1.Add(time.Duration(i%3) * time.Hour)}
			if err := tx.Insert(c); err != nil {
				return err
			}
			w.campaigns = append(w.campaigns, c)
		}
		w.draftCampaign = &models.Campaign{Slug: "draft", Name: "Tie", Status: "DRAFT", StartPrecision: "DAY", EndPrecision: "DAY", CreatedAt: tieT1}
		if err := tx.Insert(w.draftCampaign); err != nil {
			return err
		}
		w.tieCampaign, w.busyCampaign, w.idleCampaign = w.campaigns[0], w.campaigns[2], w.campaigns[4]
		for i, c := range append(slices.Clone(w.campaigns[:8]), w.draftCampaign) {
			if i == 4 || i == 6 {
				continue
			}
			if err := tx.Insert(&models.CampaignPartner{CampaignID: c.ID, OrganizationID: w.partner.ID, Role: "FUNDER"}); err != nil {
				return err
			}
		}
		// Two roles in one campaign must not list the campaign twice.
		if err := tx.Insert(&models.CampaignPartner{CampaignID: w.campaigns[3].ID, OrganizationID: w.partner.ID, Role: "HOST"}); err != nil {
			return err
		}

		event := func(c *models.Campaign, title string, at time.Time, country *models.Country, created time.Time) *models.Event {
			e := &models.Event{CampaignID: c.ID, Title: title, Kind: "CONCERT", Status: "SCHEDULED", StartBound: at,
				DatePrecision: "MINUTE", OrganizerID: w.orgs[len(title)%len(w.orgs)].ID, CreatedAt: created}
			if country != nil {
				e.CountryCode = &country.Code
			}
			return e
		}
		for i := range 25 {
			title := "Tie"
			if i%3 == 0 {
				title = []string{"Alpha", "Zulu", "Mike", "Bravo", "Kilo", "Echo", "Golf", "Lima", "Oscar"}[i/3]
			}
			w.events = append(w.events, event(w.tieCampaign, title, tieT0, w.tieCountry, tieT1.Add(time.Duration(i%4)*time.Minute)))
		}
		for i, h := range []int{-2, 0, 3, 0, -2, 5} {
			country := w.countries[i%2]
			if i == 5 {
				country = nil
			}
			w.events = append(w.events, event(w.busyCampaign, "Tie", tieT0.Add(time.Duration(h)*time.Hour), country, tieT1))
		}
		for i := range 4 {
			w.events = append(w.events, event(w.campaigns[1], "Busy", tieT0.Add(time.Duration(i-2)*24*time.Hour), w.tieCountry, tieT1))
		}
		w.draftEvent = event(w.tieCampaign, "Tie", tieT0, w.tieCountry, tieT1)
		w.draftEvent.Status = "DRAFT"
		for _, e := range append(slices.Clone(w.events), w.draftEvent) {
			if err := tx.Insert(e); err != nil {
				return err
			}
		}

		network := func(name string, scope string, parent *models.YouthNetwork, country *models.Country, i int) *models.YouthNetwork {
			n := &models.YouthNetwork{Slug: fmt.Sprintf("network-%02d", i), Name: name, Scope: scope,
				CreatedAt: tieT1.Add(time.Duration(i%2) * time.Minute)}
			if parent != nil {
				n.ParentID = &parent.ID
			}
			if country != nil {
				n.CountryCode = &country.Code
			}
			return n
		}
		w.region = network("Region", "REGIONAL", nil, nil, 0)
		other := network("Region", "REGIONAL", nil, nil, 1)
		if err := tx.Insert(w.region, other); err != nil {
			return err
		}
		w.networks = append(w.networks, w.region, other)
		chapterNames := []string{"Chapter", "Alpha", "Chapter", "Chapter", "Zulu", "Chapter", "Chapter", "Mike", "Chapter", "Chapter", "Bravo", "Chapter"}
		for i, n := range chapterNames {
			c := network(n, "NATIONAL", w.region, w.countries[i], i+2)
			if err := tx.Insert(c); err != nil {
				return err
			}
			w.networks = append(w.networks, c)
		}
		for i := range 3 {
			c := network("Chapter", "NATIONAL", other, w.countries[i], i+20)
			if err := tx.Insert(c); err != nil {
				return err
			}
			w.networks = append(w.networks, c)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("build the data set: %v", err)
	}
	return w
}

// compareInt64 and compareTime are three-way comparisons for the expected orders.
func compareInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compareDate orders dates with a missing date after every other, as STARTS_ON promises.
func compareDate(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return a.Compare(*b)
}

// orderedIDs returns the global IDs of items in the order field-then-tiebreaker.
func orderedIDs[T models.Node](items []T, byField func(a, b T) int, tie func(a, b T) int) []string {
	sorted := slices.Clone(items)
	slices.SortFunc(sorted, func(a, b T) int {
		if c := byField(a, b); c != 0 {
			return c
		}
		return tie(a, b)
	})
	ids := make([]string, len(sorted))
	for i, it := range sorted {
		ids[i] = it.GlobalID()
	}
	return ids
}

func campaignOrders(cs []*models.Campaign) map[string][]string {
	tie := func(a, b *models.Campaign) int { return compareInt64(a.ID, b.ID) }
	return map[string][]string{
		"NAME":       orderedIDs(cs, func(a, b *models.Campaign) int { return strings.Compare(a.Name, b.Name) }, tie),
		"STARTS_ON":  orderedIDs(cs, func(a, b *models.Campaign) int { return compareDate(a.StartDate, b.StartDate) }, tie),
		"CREATED_AT": orderedIDs(cs, func(a, b *models.Campaign) int { return a.CreatedAt.Compare(b.CreatedAt) }, tie),
	}
}

// campaignDescOrders are the descending orders that are not the ascending ones reversed:
// campaigns with no start date come last both ways, newest id first among themselves.
func campaignDescOrders(cs []*models.Campaign) map[string][]string {
	tie := func(a, b *models.Campaign) int { return compareInt64(b.ID, a.ID) }
	return map[string][]string{
		"STARTS_ON": orderedIDs(cs, func(a, b *models.Campaign) int {
			if a.StartDate == nil || b.StartDate == nil {
				return compareDate(a.StartDate, b.StartDate)
			}
			return b.StartDate.Compare(*a.StartDate)
		}, tie),
	}
}

func eventOrders(es []*models.Event) map[string][]string {
	tie := func(a, b *models.Event) int { return compareInt64(a.ID, b.ID) }
	return map[string][]string{
		"STARTS_AT":  orderedIDs(es, func(a, b *models.Event) int { return a.StartBound.Compare(b.StartBound) }, tie),
		"TITLE":      orderedIDs(es, func(a, b *models.Event) int { return strings.Compare(a.Title, b.Title) }, tie),
		"CREATED_AT": orderedIDs(es, func(a, b *models.Event) int { return a.CreatedAt.Compare(b.CreatedAt) }, tie),
	}
}

func organizationOrders(os []*models.Organization) map[string][]string {
	tie := func(a, b *models.Organization) int { return compareInt64(a.ID, b.ID) }
	return map[string][]string{
		"NAME":       orderedIDs(os, func(a, b *models.Organization) int { return strings.Compare(a.Name, b.Name) }, tie),
		"CREATED_AT": orderedIDs(os, func(a, b *models.Organization) int { return a.CreatedAt.Compare(b.CreatedAt) }, tie),
	}
}

func countryOrders(cs []*models.Country) map[string][]string {
	tie := func(a, b *models.Country) int { return strings.Compare(a.Code, b.Code) }
	return map[string][]string{
		"NAME": orderedIDs(cs, func(a, b *models.Country) int { return strings.Compare(a.Name, b.Name) }, tie),
		"CODE": orderedIDs(cs, func(a, b *models.Country) int { return strings.Compare(a.Code, b.Code) }, tie),
	}
}

func networkOrders(ns []*models.YouthNetwork) map[string][]string {
	tie := func(a, b *models.YouthNetwork) int { return compareInt64(a.ID, b.ID) }
	return map[string][]string{
		"NAME":       orderedIDs(ns, func(a, b *models.YouthNetwork) int { return strings.Compare(a.Name, b.Name) }, tie),
		"CREATED_AT": orderedIDs(ns, func(a, b *models.YouthNetwork) int { return a.CreatedAt.Compare(b.CreatedAt) }, tie),
	}
}

func filterSlice[T any](items []T, keep func(T) bool) []T {
	var out []T
	for _, it := range items {
		if keep(it) {
			out = append(out, it)
		}
	}
	return out
}

// connList is a connection to page through: a root field, or a field of one parent node.
type connList struct {
	name   string
	field  string // the connection field
	typ    string // the element type, which names the order and filter inputs
	parent string // the parent's global ID; empty at the root
	on     string // the parent's type
	want   map[string][]string
	// wantDesc holds the descending orders that are not want's reversed.
	wantDesc map[string][]string
	// none is a filter that matches nothing.
	none map[string]any
}

// listTokens are the names the lists give their orderings in cursors (store.Order.Token).
var listTokens = map[string]string{
	"Campaign": "campaigns", "Event": "events", "Organization": "organizations",
	"Country": "countries", "YouthNetwork": "youthNetworks",
}

func (l connList) query() string {
	const sel = `{ totalCount edges { cursor node { id } } nodes { id }
		pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }`
	args := "first: $first, after: $after, last: $last, before: $before, orderBy: $order, filter: $filter"
	vars := fmt.Sprintf("$first: Int, $after: String, $last: Int, $before: String, $order: %[1]sOrder, $filter: %[1]sFilter", l.typ)
	if l.parent == "" {
		return fmt.Sprintf("query(%s) { conn: %s(%s) %s }", vars, l.field, args, sel)
	}
	return fmt.Sprintf("query(%s, $parent: ID!) { node(id: $parent) { ... on %s { conn: %s(%s) %s } } }", vars, l.on, l.field, args, sel)
}

// pageVars are the variables of one page request; nil fields are left out.
type pageVars struct {
	first, last   *int
	after, before *string
	field, dir    string
	filter        map[string]any
}

func (l connList) vars(v pageVars) map[string]any {
	m := map[string]any{"first": v.first, "last": v.last, "after": v.after, "before": v.before, "filter": v.filter}
	if v.field != "" {
		dir := v.dir
		if dir == "" {
			dir = "ASC"
		}
		m["order"] = map[string]any{"field": v.field, "direction": dir}
	}
	if l.parent != "" {
		m["parent"] = l.parent
	}
	return m
}

// connPage is a page as the API answers it.
type connPage struct {
	TotalCount int
	Edges      []struct {
		Cursor string
		Node   struct{ ID string }
	}
	Nodes    []struct{ ID string }
	PageInfo struct {
		HasNextPage     bool
		HasPreviousPage bool
		StartCursor     *string
		EndCursor       *string
	}
}

func (p *connPage) ids() []string {
	ids := make([]string, len(p.Edges))
	for i, e := range p.Edges {
		ids[i] = e.Node.ID
	}
	return ids
}

// request sends one page request and returns the raw response.
func (l connList) request(t *testing.T, c *apitest.Client, v pageVars) *apitest.Response {
	t.Helper()
	return c.Query(t, l.query(), l.vars(v))
}

// fetch sends one page request and checks what every page must satisfy.
func (l connList) fetch(t *testing.T, c *apitest.Client, v pageVars) *connPage {
	t.Helper()
	var data struct {
		Conn *connPage
		Node *struct{ Conn *connPage }
	}
	l.request(t, c, v).MustData(t, &data)
	p := data.Conn
	if l.parent != "" {
		if data.Node == nil {
			t.Fatalf("%s: parent %s not found", l.name, l.parent)
		}
		p = data.Node.Conn
	}
	if p == nil {
		t.Fatalf("%s: no connection in the answer", l.name)
	}
	nodes := make([]string, len(p.Nodes))
	for i, n := range p.Nodes {
		nodes[i] = n.ID
	}
	if diff := cmp.Diff(p.ids(), nodes); diff != "" {
		t.Errorf("%s: nodes differ from edges (-edges +nodes):\n%s", l.name, diff)
	}
	var start, end *string
	if n := len(p.Edges); n > 0 {
		start, end = &p.Edges[0].Cursor, &p.Edges[n-1].Cursor
	}
	if diff := cmp.Diff(start, p.PageInfo.StartCursor); diff != "" {
		t.Errorf("%s: startCursor is not the first edge's cursor (-want +got):\n%s", l.name, diff)
	}
	if diff := cmp.Diff(end, p.PageInfo.EndCursor); diff != "" {
		t.Errorf("%s: endCursor is not the last edge's cursor (-want +got):\n%s", l.name, diff)
	}
	return p
}

// walkForward pages through the list with first/after and returns the IDs in the order seen.
func (l connList) walkForward(t *testing.T, c *apitest.Client, field, dir string, size int, filter map[string]any) []string {
	t.Helper()
	total := len(l.want[field])
	var after *string
	var seen []string
	for pages := 1; ; pages++ {
		if pages > total+2 {
			t.Fatalf("%s: still paging after %d pages", l.name, pages)
		}
		p := l.fetch(t, c, pageVars{first: &size, after: after, field: field, dir: dir, filter: filter})
		if p.TotalCount != total {
			t.Errorf("%s page %d: totalCount %d, want %d", l.name, pages, p.TotalCount, total)
		}
		if p.PageInfo.HasPreviousPage != (after != nil) {
			t.Errorf("%s page %d: hasPreviousPage %v after cursor %v", l.name, pages, p.PageInfo.HasPreviousPage, after != nil)
		}
		wantLen := min(size, total-len(seen))
		if len(p.Edges) != wantLen {
			t.Fatalf("%s page %d: %d edges, want %d", l.name, pages, len(p.Edges), wantLen)
		}
		seen = append(seen, p.ids()...)
		if !p.PageInfo.HasNextPage {
			break
		}
		after = p.PageInfo.EndCursor
	}
	return seen
}

// walkBackward pages through the list with last/before, from the end, and returns the IDs
// in list order.
func (l connList) walkBackward(t *testing.T, c *apitest.Client, field, dir string, size int) []string {
	t.Helper()
	total := len(l.want[field])
	var before *string
	var seen []string
	for pages := 1; ; pages++ {
		if pages > total+2 {
			t.Fatalf("%s: still paging back after %d pages", l.name, pages)
		}
		p := l.fetch(t, c, pageVars{last: &size, before: before, field: field, dir: dir})
		if p.TotalCount != total {
			t.Errorf("%s page -%d: totalCount %d, want %d", l.name, pages, p.TotalCount, total)
		}
		if p.PageInfo.HasNextPage != (before != nil) {
			t.Errorf("%s page -%d: hasNextPage %v before cursor %v", l.name, pages, p.PageInfo.HasNextPage, before != nil)
		}
		wantLen := min(size, total-len(seen))
		if len(p.Edges) != wantLen {
			t.Fatalf("%s page -%d: %d edges, want %d", l.name, pages, len(p.Edges), wantLen)
		}
		seen = append(p.ids(), seen...)
		if !p.PageInfo.HasPreviousPage {
			break
		}
		before = p.PageInfo.StartCursor
	}
	return seen
}

// reversed returns a reversed copy.
func reversed(ids []string) []string {
	out := slices.Clone(ids)
	slices.Reverse(out)
	return out
}

// tieLists are the lists of the data set, each with its expected orders.
func tieLists(w *tieWorld) []connList {
	tieEvents := filterSlice(w.events, func(e *models.Event) bool { return e.CampaignID == w.tieCampaign.ID })
	countryEvents := filterSlice(w.events, func(e *models.Event) bool {
		return e.CountryCode != nil && *e.CountryCode == w.tieCountry.Code
	})
	chapters := filterSlice(w.networks, func(n *models.YouthNetwork) bool { return n.ParentID != nil && *n.ParentID == w.region.ID })
	var partnered []*models.Campaign
	for i, c := range w.campaigns[:8] {
		if i != 4 && i != 6 {
			partnered = append(partnered, c)
		}
	}
	return []connList{
		{name: "campaigns", field: "campaigns", typ: "Campaign", want: campaignOrders(w.campaigns),
			wantDesc: campaignDescOrders(w.campaigns), none: map[string]any{"theme": []string{"CHILD_SOLDIERS"}}},
		{name: "events", field: "events", typ: "Event", want: eventOrders(w.events),
			none: map[string]any{"kind": []string{"MEETING"}}},
		{name: "organizations", field: "organizations", typ: "Organization", want: organizationOrders(w.orgs),
			none: map[string]any{"kind": []string{"GOVERNMENT"}}},
		{name: "countries", field: "countries", typ: "Country", want: countryOrders(w.countries),
			none: map[string]any{"search": "atlantis"}},
		{name: "youthNetworks", field: "youthNetworks", typ: "YouthNetwork", want: networkOrders(w.networks),
			none: map[string]any{"scope": []string{"LOCAL"}}},
		{name: "campaign.events", field: "events", typ: "Event", parent: w.tieCampaign.GlobalID(), on: "Campaign",
			want: eventOrders(tieEvents), none: map[string]any{"kind": []string{"MEETING"}}},
		{name: "youthNetwork.chapters", field: "chapters", typ: "YouthNetwork", parent: w.region.GlobalID(), on: "YouthNetwork",
			want: networkOrders(chapters), none: map[string]any{"scope": []string{"LOCAL"}}},
		{name: "organization.campaigns", field: "campaigns", typ: "Campaign", parent: w.partner.GlobalID(), on: "Organization",
			want: campaignOrders(partnered), wantDesc: campaignDescOrders(partnered), none: map[string]any{"theme": []string{"CHILD_SOLDIERS"}}},
		{name: "country.events", field: "events", typ: "Event", parent: w.tieCountry.GlobalID(), on: "Country",
			want: eventOrders(countryEvents), none: map[string]any{"kind": []string{"MEETING"}}},
	}
}

// listNamed returns the list of that name.
func listNamed(t *testing.T, lists []connList, name string) connList {
	t.Helper()
	for _, l := range lists {
		if l.name == name {
			return l
		}
	}
	t.Fatalf("no list %q", name)
	return connList{}
}

func TestPaginationVisitsEveryItemOnceInOrder(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	w := buildTieWorld(t, st)
	c := apitest.New(st)
	for _, l := range tieLists(w) {
		for field, asc := range l.want {
			if len(asc) < 5 {
				t.Fatalf("%s by %s: only %d items; the data set must have more than a page", l.name, field, len(asc))
			}
			for _, dir := range []string{"ASC", "DESC"} {
				want := asc
				if dir == "DESC" {
					want = reversed(asc)
					if desc, ok := l.wantDesc[field]; ok {
						want = desc
					}
				}
				for _, size := range []int{1, 4, 5} {
					t.Run(fmt.Sprintf("%s/%s_%s/%d", l.name, field, dir, size), func(t *testing.T) {
						if diff := cmp.Diff(want, l.walkForward(t, c, field, dir, size, nil)); diff != "" {
							t.Errorf("forward walk (-want +got):\n%s", diff)
						}
						if diff := cmp.Diff(want, l.walkBackward(t, c, field, dir, size)); diff != "" {
							t.Errorf("backward walk (-want +got):\n%s", diff)
						}
					})
				}
			}
		}
	}
}

func TestPaginationDefaultOrder(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	w := buildTieWorld(t, st)
	c := apitest.New(st)
	defaults := map[string]string{"Campaign": "NAME", "Event": "STARTS_AT", "Organization": "NAME", "Country": "NAME", "YouthNetwork": "NAME"}
	for _, l := range tieLists(w) {
		t.Run(l.name, func(t *testing.T) {
			want := l.want[defaults[l.typ]]
			p := l.fetch(t, c, pageVars{first: ptrTo(100)})
			if diff := cmp.Diff(want, p.ids()); diff != "" {
				t.Errorf("first: 100 with no orderBy (-want +got):\n%s", diff)
			}
			p = l.fetch(t, c, pageVars{})
			if diff := cmp.Diff(want[:min(20, len(want))], p.ids()); diff != "" {
				t.Errorf("no arguments: want the first 20 (-want +got):\n%s", diff)
			}
			if p.PageInfo.HasNextPage != (len(want) > 20) {
				t.Errorf("no arguments: hasNextPage %v with %d items", p.PageInfo.HasNextPage, len(want))
			}
		})
	}
}

func TestPaginationCampaignsWithoutStartComeLast(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	w := buildTieWorld(t, st)
	c := apitest.New(st)
	l := listNamed(t, tieLists(w), "campaigns")
	got := l.walkForward(t, c, "STARTS_ON", "ASC", 3, nil)
	var tail []string
	for _, cp := range w.campaigns {
		if cp.StartDate == nil {
			tail = append(tail, cp.GlobalID())
		}
	}
	if diff := cmp.Diff(tail, got[len(got)-len(tail):]); diff != "" {
		t.Errorf("the last %d campaigns by STARTS_ON should be the undated ones in id order (-want +got):\n%s", len(tail), diff)
	}
}

func TestPaginationEmptyAndZeroPages(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	w := buildTieWorld(t, st)
	c := apitest.New(st)
	idle := connList{name: "idle campaign.events", field: "events", typ: "Event", parent: w.idleCampaign.GlobalID(), on: "Campaign",
		want: map[string][]string{"STARTS_AT": nil}}
	for _, l := range append(tieLists(w), idle) {
		t.Run(l.name+"/no match", func(t *testing.T) {
			for _, v := range []pageVars{
				{filter: l.none},
				{filter: l.none, first: ptrTo(10)},
				{filter: l.none, last: ptrTo(10)},
				{filter: l.none, first: ptrTo(0)},
			} {
				p := l.fetch(t, c, v)
				if p.Edges == nil || p.Nodes == nil || len(p.Edges) != 0 || len(p.Nodes) != 0 {
					t.Errorf("edges %v, nodes %v; want both []", p.Edges, p.Nodes)
				}
				if p.PageInfo.StartCursor != nil || p.PageInfo.EndCursor != nil {
					t.Errorf("startCursor %v, endCursor %v; want null", p.PageInfo.StartCursor, p.PageInfo.EndCursor)
				}
				if p.PageInfo.HasNextPage || p.PageInfo.HasPreviousPage {
					t.Errorf("hasNextPage %v, hasPreviousPage %v; want false", p.PageInfo.HasNextPage, p.PageInfo.HasPreviousPage)
				}
				if p.TotalCount != 0 {
					t.Errorf("totalCount %d; want 0", p.TotalCount)
				}
			}
		})
		if l.none == nil {
			continue
		}
		t.Run(l.name+"/first 0", func(t *testing.T) {
			for field, want := range l.want {
				p := l.fetch(t, c, pageVars{first: ptrTo(0), field: field})
				if len(p.Edges) != 0 || p.PageInfo.StartCursor != nil || p.PageInfo.EndCursor != nil {
					t.Errorf("by %s: %d edges, cursors %v %v; want none", field, len(p.Edges), p.PageInfo.StartCursor, p.PageInfo.EndCursor)
				}
				if !p.PageInfo.HasNextPage {
					t.Errorf("by %s: hasNextPage false with %d items to come", field, len(want))
				}
				if p.TotalCount != len(want) {
					t.Errorf("by %s: totalCount %d; want %d", field, p.TotalCount, len(want))
				}
				// first: 0 after the last item has nothing to come.
				all := l.fetch(t, c, pageVars{first: ptrTo(100), field: field})
				p = l.fetch(t, c, pageVars{first: ptrTo(0), after: all.PageInfo.EndCursor, field: field})
				if len(p.Edges) != 0 || p.PageInfo.HasNextPage {
					t.Errorf("by %s: first 0 after the end: %d edges, hasNextPage %v; want none, false", field, len(p.Edges), p.PageInfo.HasNextPage)
				}
			}
		})
	}
}

func TestPaginationLastPageExactly(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	w := buildTieWorld(t, st)
	c := apitest.New(st)
	for _, l := range tieLists(w) {
		for field, want := range l.want {
			t.Run(l.name+"/"+field, func(t *testing.T) {
				n := len(want)
				// A page that takes exactly what is left ends the list.
				p := l.fetch(t, c, pageVars{first: ptrTo(n), field: field})
				if diff := cmp.Diff(want, p.ids()); diff != "" {
					t.Errorf("first %d (-want +got):\n%s", n, diff)
				}
				if p.PageInfo.HasNextPage {
					t.Errorf("first %d of %d: hasNextPage true", n, n)
				}
				p = l.fetch(t, c, pageVars{first: ptrTo(n - 1), field: field})
				if !p.PageInfo.HasNextPage {
					t.Errorf("first %d of %d: hasNextPage false", n-1, n)
				}
				rest := l.fetch(t, c, pageVars{first: ptrTo(1), after: p.PageInfo.EndCursor, field: field})
				if diff := cmp.Diff(want[n-1:], rest.ids()); diff != "" {
					t.Errorf("the last item (-want +got):\n%s", diff)
				}
				if rest.PageInfo.HasNextPage || !rest.PageInfo.HasPreviousPage {
					t.Errorf("the last page: hasNextPage %v, hasPreviousPage %v; want false, true", rest.PageInfo.HasNextPage, rest.PageInfo.HasPreviousPage)
				}
				// And backward: last n is the whole list, last 1 the last item.
				p = l.fetch(t, c, pageVars{last: ptrTo(n), field: field})
				if diff := cmp.Diff(want, p.ids()); diff != "" {
					t.Errorf("last %d (-want +got):\n%s", n, diff)
				}
				if p.PageInfo.HasPreviousPage || p.PageInfo.HasNextPage {
					t.Errorf("last %d of %d: hasPreviousPage %v, hasNextPage %v; want false, false", n, n, p.PageInfo.HasPreviousPage, p.PageInfo.HasNextPage)
				}
				p = l.fetch(t, c, pageVars{last: ptrTo(1), field: field})
				if diff := cmp.Diff(want[n-1:], p.ids()); diff != "" {
					t.Errorf("last 1 (-want +got):\n%s", diff)
				}
				// after a middle cursor, then before it, meet without overlap.
				mid := l.fetch(t, c, pageVars{first: ptrTo(n / 2), field: field})
				after := l.fetch(t, c, pageVars{first: ptrTo(100), after: mid.PageInfo.EndCursor, field: field})
				before := l.fetch(t, c, pageVars{last: ptrTo(100), before: after.PageInfo.StartCursor, field: field})
				if diff := cmp.Diff(want, append(before.ids(), after.ids()...)); diff != "" {
					t.Errorf("before + after the middle (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func TestPaginationTotalCountWithFilter(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	w := buildTieWorld(t, st)
	c := apitest.New(st)
	l := listNamed(t, tieLists(w), "events")
	want := filterSlice(w.events, func(e *models.Event) bool { return e.CampaignID == w.busyCampaign.ID })
	filter := map[string]any{"campaign": w.busyCampaign.GlobalID()}
	fl := l
	fl.want = eventOrders(want)
	got := fl.walkForward(t, c, "STARTS_AT", "ASC", 2, filter)
	if diff := cmp.Diff(fl.want["STARTS_AT"], got); diff != "" {
		t.Errorf("events of one campaign (-want +got):\n%s", diff)
	}
}

func TestPaginationRefusesBadArguments(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	w := buildTieWorld(t, st)
	c := apitest.New(st)
	enc := func(json string) *string { s := base64.RawURLEncoding.EncodeToString([]byte(json)); return &s }
	lists := tieLists(w)
	for _, l := range lists {
		// otherField is a text ordering, anotherField a different one, timeFields the time ones.
		fields := slices.Sorted(maps.Keys(l.want))
		otherField, timeFields := "NAME", []string{}
		if l.typ == "Event" {
			otherField = "TITLE"
		}
		anotherField := fields[0]
		if anotherField == otherField {
			anotherField = fields[1]
		}
		for _, f := range fields {
			if f == "STARTS_AT" || f == "CREATED_AT" {
				timeFields = append(timeFields, f)
			}
		}
		// token is how the list names an ordering in its cursors.
		token := func(field string) string { return listTokens[l.typ] + "." + field }
		// A real cursor of this list, to be used under another ordering.
		made := l.fetch(t, c, pageVars{first: ptrTo(2), field: otherField}).PageInfo.EndCursor
		key := "1"
		if l.typ == "Country" {
			key = "QZ"
		}
		type badCase struct {
			name string
			v    pageVars
		}
		cases := []badCase{
			{"first 101", pageVars{first: ptrTo(101)}},
			{"first -1", pageVars{first: ptrTo(-1)}},
			{"last 101", pageVars{last: ptrTo(101)}},
			{"last -1", pageVars{last: ptrTo(-1)}},
			{"first and last", pageVars{first: ptrTo(1), last: ptrTo(1)}},
			{"after and before", pageVars{after: made, before: made, field: otherField}},
			{"first with before", pageVars{first: ptrTo(2), before: made, field: otherField}},
			{"last with after", pageVars{last: ptrTo(2), after: made, field: otherField}},
			{"garbage cursor", pageVars{first: ptrTo(2), after: ptrTo("garbage!")}},
			{"garbage cursor before", pageVars{last: ptrTo(2), before: ptrTo("garbage!")}},
			{"base64 of garbage JSON", pageVars{first: ptrTo(2), after: enc(`{"o":"NAME",`)}},
			{"base64 of a JSON array", pageVars{first: ptrTo(2), after: enc(`["NAME","x","1"]`)}},
			{"empty cursor", pageVars{first: ptrTo(2), after: ptrTo("")}},
			{"very long cursor", pageVars{first: ptrTo(2), after: ptrTo(strings.Repeat("QUFB", 5000))}},
			{"very long valid JSON", pageVars{first: ptrTo(2), field: otherField, after: enc(`{"o":"` + token(otherField) + `","v":"` + strings.Repeat("x", 3000) + `","k":"` + key + `"}`)}},
			{"NUL in a text value", pageVars{first: ptrTo(2), field: otherField, after: enc(`{"o":"` + token(otherField) + `","v":"a\u0000b","k":"` + key + `"}`)}},
			{"cursor of another ordering", pageVars{first: ptrTo(2), after: made, field: anotherField}},
			{"cursor of another ordering, backward", pageVars{last: ptrTo(2), before: made, field: anotherField}},
		}
		for _, f := range timeFields {
			cases = append(cases,
				// PostgreSQL itself would take "yesterday" for a timestamptz.
				badCase{"not a time for " + f, pageVars{first: ptrTo(2), field: f, after: enc(`{"o":"` + token(f) + `","v":"yesterday","k":"` + key + `"}`)}},
				badCase{"a time out of PostgreSQL's range for " + f, pageVars{first: ptrTo(2), field: f, after: enc(`{"o":"` + token(f) + `","v":"0000-01-01T00:00:00Z","k":"` + key + `"}`)}},
			)
		}
		if l.typ != "Country" {
			cases = append(cases,
				badCase{"not a number for an id key", pageVars{first: ptrTo(2), field: otherField, after: enc(`{"o":"` + token(otherField) + `","v":"Tie","k":"1 OR 1=1"}`)}},
				badCase{"a key out of bigint's range", pageVars{first: ptrTo(2), field: otherField, after: enc(`{"o":"` + token(otherField) + `","v":"Tie","k":"99999999999999999999"}`)}},
			)
		}
		if l.typ == "Campaign" {
			cases = append(cases,
				badCase{"not a date for STARTS_ON", pageVars{first: ptrTo(2), field: "STARTS_ON", after: enc(`{"o":"` + token("STARTS_ON") + `","v":"2012-13-45","k":"1"}`)}},
				badCase{"a date out of PostgreSQL's range", pageVars{first: ptrTo(2), field: "STARTS_ON", after: enc(`{"o":"` + token("STARTS_ON") + `","v":"0000-01-01","k":"1"}`)}},
			)
		}
		for _, tc := range cases {
			t.Run(l.name+"/"+tc.name, func(t *testing.T) {
				res := l.request(t, c, tc.v)
				assertBadInput(t, res)
				if l.parent == "" && string(res.Data) != "null" {
					t.Errorf("data %s; want null, since the connection is non-null", res.Data)
				}
				if l.parent != "" && !strings.Contains(string(res.Data), `"node":null`) {
					t.Errorf("data %s; want node null", res.Data)
				}
			})
		}
		// Nothing a bad request did changes what a good one reads.
		t.Run(l.name+"/unchanged", func(t *testing.T) {
			for field, want := range l.want {
				if diff := cmp.Diff(want, l.walkForward(t, c, field, "ASC", 7, nil)); diff != "" {
					t.Errorf("by %s after bad requests (-want +got):\n%s", field, diff)
				}
			}
		})
	}
}

// assertBadInput checks that a response is one BAD_USER_INPUT error whose message shows no SQL.
func assertBadInput(t *testing.T, res *apitest.Response) {
	t.Helper()
	if code := res.ErrorCode(t); code != "BAD_USER_INPUT" {
		t.Fatalf("code %q (%s); want BAD_USER_INPUT", code, res.Errors[0].Message)
	}
	if len(res.Errors) != 1 {
		t.Errorf("%d errors; want 1: %+v", len(res.Errors), res.Errors)
	}
	msg := res.Errors[0].Message
	for _, leak := range []string{"SELECT", "WHERE", "ORDER BY", "sort_key", "SQLSTATE"} {
		if strings.Contains(msg, leak) {
			t.Errorf("message %q shows %q", msg, leak)
		}
	}
	if len(msg) > 300 {
		t.Errorf("message is %d bytes long; a client's input must be cut short in it", len(msg))
	}
	if res.Status >= 500 {
		t.Errorf("HTTP status %d", res.Status)
	}
}

func ptrTo[T any](v T) *T { return &v }

// nestedEvents is a campaign's events page inside a list of campaigns.
type nestedEvents struct {
	ID     string
	Events struct {
		Edges []struct {
			Cursor string
			Node   struct{ ID string }
		}
		PageInfo   struct{ HasNextPage, HasPreviousPage bool }
		TotalCount int
	}
}

func (n nestedEvents) ids() []string {
	out := make([]string, len(n.Events.Edges))
	for i, e := range n.Events.Edges {
		out[i] = e.Node.ID
	}
	return out
}

func TestPaginationNestedCursorsPerParent(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	w := buildTieWorld(t, st)
	c := apitest.New(st)
	eventsOf := func(cp *models.Campaign) []*models.Event {
		return filterSlice(w.events, func(e *models.Event) bool { return e.CampaignID == cp.ID })
	}
	byStart := func(es []*models.Event) []*models.Event {
		sorted := slices.Clone(es)
		slices.SortFunc(sorted, func(a, b *models.Event) int {
			if c := a.StartBound.Compare(b.StartBound); c != 0 {
				return c
			}
			return compareInt64(a.ID, b.ID)
		})
		return sorted
	}
	gids := func(es []*models.Event) []string {
		out := []string{}
		for _, e := range es {
			out = append(out, e.GlobalID())
		}
		return out
	}

	t.Run("own cursor for each campaign", func(t *testing.T) {
		campaigns := []*models.Campaign{w.tieCampaign, w.busyCampaign, w.campaigns[1]}
		cursors := make([]string, len(campaigns))
		var want [][]string
		for i, cp := range campaigns {
			l := connList{name: cp.Slug, field: "events", typ: "Event", parent: cp.GlobalID(), on: "Campaign"}
			p := l.fetch(t, c, pageVars{first: ptrTo(2)})
			cursors[i] = *p.PageInfo.EndCursor
			want = append(want, gids(byStart(eventsOf(cp))[2:min(5, len(eventsOf(cp)))]))
		}
		q := `query($a: ID!, $b: ID!, $c: ID!, $ca: String, $cb: String, $cc: String) {
			a: node(id: $a) { ... on Campaign { id events(first: 3, after: $ca) { edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage } totalCount } } }
			b: node(id: $b) { ... on Campaign { id events(first: 3, after: $cb) { edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage } totalCount } } }
			c: node(id: $c) { ... on Campaign { id events(first: 3, after: $cc) { edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage } totalCount } } }
		}`
		var data struct{ A, B, C nestedEvents }
		c.Query(t, q, map[string]any{
			"a": campaigns[0].GlobalID(), "b": campaigns[1].GlobalID(), "c": campaigns[2].GlobalID(),
			"ca": cursors[0], "cb": cursors[1], "cc": cursors[2],
		}).MustData(t, &data)
		for i, got := range []nestedEvents{data.A, data.B, data.C} {
			if diff := cmp.Diff(want[i], got.ids()); diff != "" {
				t.Errorf("%s events after its own cursor (-want +got):\n%s", campaigns[i].Slug, diff)
			}
			total := len(eventsOf(campaigns[i]))
			if got.Events.TotalCount != total {
				t.Errorf("%s: totalCount %d, want %d", campaigns[i].Slug, got.Events.TotalCount, total)
			}
			if got.Events.PageInfo.HasNextPage != (total > 5) || !got.Events.PageInfo.HasPreviousPage {
				t.Errorf("%s: pageInfo %+v with %d events", campaigns[i].Slug, got.Events.PageInfo, total)
			}
		}
	})

	// One cursor shared by every campaign of a list: each campaign gets its own events after
	// that position, each page with its own limit, from one batched statement.
	for _, backward := range []bool{false, true} {
		t.Run(fmt.Sprintf("shared cursor, backward %v", backward), func(t *testing.T) {
			l := connList{name: "busy", field: "events", typ: "Event", parent: w.busyCampaign.GlobalID(), on: "Campaign"}
			p := l.fetch(t, c, pageVars{first: ptrTo(3)})
			cursor := p.Edges[2].Cursor
			var at *models.Event
			for _, e := range w.events {
				if e.GlobalID() == p.Edges[2].Node.ID {
					at = e
				}
			}
			pos := func(e *models.Event) int {
				if c := e.StartBound.Compare(at.StartBound); c != 0 {
					return c
				}
				return compareInt64(e.ID, at.ID)
			}
			args := "first: 2, after: $cursor"
			if backward {
				args = "last: 2, before: $cursor"
			}
			q := `query($cursor: String) { campaigns(first: 100) { nodes { id
				events(` + args + `) { edges { node { id } } pageInfo { hasNextPage hasPreviousPage } totalCount } } } }`
			var data struct {
				Campaigns struct{ Nodes []nestedEvents }
			}
			c.Query(t, q, map[string]any{"cursor": cursor}).MustData(t, &data)
			if len(data.Campaigns.Nodes) != len(w.campaigns) {
				t.Fatalf("%d campaigns, want %d", len(data.Campaigns.Nodes), len(w.campaigns))
			}
			withEvents := 0
			for _, got := range data.Campaigns.Nodes {
				var cp *models.Campaign
				for _, x := range w.campaigns {
					if x.GlobalID() == got.ID {
						cp = x
					}
				}
				all := byStart(eventsOf(cp))
				var side []*models.Event
				for _, e := range all {
					if (!backward && pos(e) > 0) || (backward && pos(e) < 0) {
						side = append(side, e)
					}
				}
				page, more := side, false
				if len(side) > 2 {
					more = true
					if backward {
						page = side[len(side)-2:]
					} else {
						page = side[:2]
					}
				}
				if diff := cmp.Diff(gids(page), got.ids()); diff != "" {
					t.Errorf("%s (-want +got):\n%s", cp.Slug, diff)
				}
				if len(page) > 0 {
					withEvents++
				}
				if backward && got.Events.PageInfo.HasPreviousPage != more || !backward && got.Events.PageInfo.HasNextPage != more {
					t.Errorf("%s: pageInfo %+v; want more = %v", cp.Slug, got.Events.PageInfo, more)
				}
				if got.Events.TotalCount != len(all) {
					t.Errorf("%s: totalCount %d, want %d", cp.Slug, got.Events.TotalCount, len(all))
				}
			}
			if withEvents < 2 {
				t.Fatalf("only %d campaigns have events on that side of the cursor; the test proves nothing", withEvents)
			}
		})
	}
}

// insertLater adds rows in a transaction of their own, as another client would between two
// page requests.
func insertLater(t *testing.T, st *store.Store, version string, records ...any) {
	t.Helper()
	if _, err := st.SeedOnce(context.Background(), version, func(w *store.Writer) error { return w.Insert(records...) }); err != nil {
		t.Fatalf("insert: %v", err)
	}
}

func TestPaginationSurvivesConcurrentInserts(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	w := buildTieWorld(t, st)
	c := apitest.New(st)
	lists := tieLists(w)

	tests := []struct {
		list  connList
		field string
		// insert adds rows sorting before, level with, and after the cursor's row, and
		// returns the list's new expected order.
		insert func(t *testing.T) []string
	}{
		{list: listNamed(t, lists, "events"), field: "STARTS_AT", insert: func(t *testing.T) []string {
			added := []*models.Event{}
			for i, at := range []time.Time{tieT0.Add(-time.Hour), tieT0, tieT0, tieT0.Add(time.Hour), tieT0.Add(-48 * time.Hour)} {
				added = append(added, &models.Event{CampaignID: w.campaigns[5].ID, Title: fmt.Sprintf("Late%d", i), Kind: "OUTREACH",
					Status: "SCHEDULED", StartBound: at, DatePrecision: "MINUTE", OrganizerID: w.orgs[0].ID})
			}
			insertLater(t, st, "late-events", anySlice(added)...)
			w.events = append(w.events, added...)
			return eventOrders(w.events)["STARTS_AT"]
		}},
		{list: listNamed(t, lists, "campaigns"), field: "NAME", insert: func(t *testing.T) []string {
			added := []*models.Campaign{}
			for i, n := range []string{"Aaa", "Tie", "Tie", "Zzz", "Mike"} {
				added = append(added, &models.Campaign{Slug: fmt.Sprintf("late-%d", i), Name: n, Status: "ACTIVE",
					StartPrecision: "DAY", EndPrecision: "DAY"})
			}
			insertLater(t, st, "late-campaigns", anySlice(added)...)
			w.campaigns = append(w.campaigns, added...)
			return campaignOrders(w.campaigns)["NAME"]
		}},
		{list: listNamed(t, lists, "campaign.events"), field: "STARTS_AT", insert: func(t *testing.T) []string {
			var tieEvents []*models.Event
			for i, at := range []time.Time{tieT0.Add(-time.Minute), tieT0, tieT0.Add(time.Minute)} {
				tieEvents = append(tieEvents, &models.Event{CampaignID: w.tieCampaign.ID, Title: fmt.Sprintf("Nested%d", i), Kind: "OUTREACH",
					Status: "SCHEDULED", StartBound: at, DatePrecision: "MINUTE", OrganizerID: w.orgs[0].ID})
			}
			insertLater(t, st, "late-nested-events", anySlice(tieEvents)...)
			w.events = append(w.events, tieEvents...)
			return eventOrders(filterSlice(w.events, func(e *models.Event) bool { return e.CampaignID == w.tieCampaign.ID }))["STARTS_AT"]
		}},
	}
	for _, tt := range tests {
		t.Run(tt.list.name, func(t *testing.T) {
			before := tt.list.want[tt.field]
			first := tt.list.fetch(t, c, pageVars{first: ptrTo(7), field: tt.field})
			if diff := cmp.Diff(before[:7], first.ids()); diff != "" {
				t.Fatalf("page 1 (-want +got):\n%s", diff)
			}
			cursorID := first.Edges[6].Node.ID
			after := tt.insert(t)
			at := slices.Index(after, cursorID)
			want := after[at+1:]
			if len(after) <= len(before) || len(want) <= len(before)-7 || at+1 <= 7 {
				t.Fatalf("the inserts must land on both sides of the cursor: %d rows before, %d after, cursor at %d", len(before), len(after), at)
			}

			var rest []string
			cursor := first.PageInfo.EndCursor
			for range len(after) {
				p := tt.list.fetch(t, c, pageVars{first: ptrTo(4), after: cursor, field: tt.field})
				rest = append(rest, p.ids()...)
				if !p.PageInfo.HasNextPage {
					break
				}
				cursor = p.PageInfo.EndCursor
			}
			if diff := cmp.Diff(want, rest); diff != "" {
				t.Errorf("pages after the inserts (-want +got):\n%s", diff)
			}
			// Every row that existed is seen exactly once.
			seen := map[string]int{}
			for _, id := range append(first.ids(), rest...) {
				seen[id]++
			}
			for _, id := range before {
				if seen[id] != 1 {
					t.Errorf("row %s seen %d times", id, seen[id])
				}
			}
		})
	}
}

func anySlice[T any](items []T) []any {
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = it
	}
	return out
}

// TestCursorBelongsToItsListAndDirection refuses a cursor in another list that has an
// ordering of the same name, and under the opposite direction of its own list.
func TestCursorBelongsToItsListAndDirection(t *testing.T) {
	t.Parallel()
	c := apitest.New(dbtest.Seeded(t))
	var got struct {
		Campaigns struct{ PageInfo struct{ EndCursor string } }
	}
	c.Query(t, `{ campaigns(first: 2) { pageInfo { endCursor } } }`, nil).MustData(t, &got)
	cursor := got.Campaigns.PageInfo.EndCursor
	for name, q := range map[string]string{
		"another list":    `query($c: String) { organizations(first: 2, after: $c) { totalCount } }`,
		"other direction": `query($c: String) { campaigns(first: 2, after: $c, orderBy: {field: NAME, direction: DESC}) { totalCount } }`,
	} {
		if code := c.Query(t, q, map[string]any{"c": cursor}).ErrorCode(t); code != "BAD_USER_INPUT" {
			t.Errorf("%s: code %s, want BAD_USER_INPUT", name, code)
		}
	}
	// The same cursor still works where it belongs.
	c.Query(t, `query($c: String) { campaigns(first: 2, after: $c) { totalCount } }`, map[string]any{"c": cursor}).MustData(t, &struct{}{})
}
