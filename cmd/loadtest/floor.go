package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"

	"campaigns/internal/page"
	"campaigns/internal/relay"
	"campaigns/internal/store"
	"campaigns/models"
)

// The floor runs, for each kind, the SQL statements the API runs for it, copied from the
// statements PostgreSQL logs for the API's requests (see BENCHMARKS.md), each one once per
// level of the query as perfect batching would, in the order the levels depend on each
// other. It scans only the columns the answer needs and writes the answer's JSON by hand,
// the same data as the API's (the -check flag compares them), and throws it away. No HTTP,
// no GraphQL: what is left is the database's own work and the least Go work to use it.

// The statements that the store writes out whole are its own, in the form it sends them,
// so that they cannot drift apart.
var (
	sqlRecords      = store.Numbered(store.RecordsByIDSQL)
	sqlPartners     = store.Numbered(store.CampaignPartnersSQL)
	sqlCoHosts      = store.Numbered(store.EventCoHostsSQL)
	sqlCoordinators = store.Numbered(store.NetworkCoordinatorsSQL)
	sqlChannels     = store.Numbered(store.NetworkChannelsSQL)
)

// The statements that the store builds (lists, pages, GORM's look-ups by ID), as it makes
// them, copied from the statements PostgreSQL logs for the API's requests. An event comes with its venue, the venue's
// country and its organizer, joined in the event's own statement (store.eventCols); the
// floor names the joined columns apart so that it can scan them by name.
const (
	sqlEventJoinCols = `ev.id AS v_id, ev.name AS v_name, ev.city AS v_city, ev.country_code AS v_country, ev.latitude AS v_lat,
		ev.longitude AS v_lon, ev.address AS v_address, ev.address_private AS v_private, ev.source AS v_source, ev.created_at AS v_created,
		evc.code AS c_code, evc.name AS c_name, evc.aliases AS c_aliases, evc.asean_member AS c_asean, evc.created_at AS c_created,
		evc.updated_at AS c_updated, eo.id AS o_id, eo.slug AS o_slug, eo.name AS o_name, eo.kind AS o_kind, eo.country_code AS o_country,
		eo.website AS o_website, eo.description AS o_description, eo.source AS o_source, eo.created_at AS o_created, eo.updated_at AS o_updated`
	sqlEventJoins    = ` LEFT JOIN venues ev ON ev.id = e.venue_id LEFT JOIN countries evc ON evc.code = ev.country_code LEFT JOIN organizations eo ON eo.id = e.organizer_id`
	sqlCampaignPage  = `SELECT c.*, to_json(c.name)#>>'{}' AS sort_value, (c.id)::text AS sort_key FROM campaigns c WHERE (c.status <> 'DRAFT') ORDER BY c.name ASC, c.id ASC LIMIT 21`
	sqlCampaignNext  = `SELECT c.*, to_json(c.name)#>>'{}' AS sort_value, (c.id)::text AS sort_key FROM campaigns c WHERE (c.status <> 'DRAFT') AND ((c.name, c.id) > ($1::text, $2::bigint)) ORDER BY c.name ASC, c.id ASC LIMIT 21`
	sqlCampaignCount = `SELECT count(*) FROM campaigns c WHERE (c.status <> 'DRAFT')`
	sqlEventPages    = `SELECT x.*, par.key AS parent_key FROM unnest($1::text[]) WITH ORDINALITY AS par(key, ord) CROSS JOIN LATERAL (SELECT e.*, ` + sqlEventJoinCols + `, to_json(e.start_key)#>>'{}' AS sort_value, (e.id)::text AS sort_key FROM events e` + sqlEventJoins + ` WHERE (e.campaign_id = par.key::bigint) AND ` + eventPublic + ` ORDER BY e.start_key ASC, e.id ASC LIMIT 11) x ORDER BY par.ord`
	sqlCountries     = `SELECT * FROM "countries" WHERE code = ANY($1::text[])`
	sqlEvents        = `SELECT e.*, ` + sqlEventJoinCols + ` FROM events e` + sqlEventJoins + ` WHERE e.id = ANY($1::bigint[])`
	sqlCampaigns     = `SELECT * FROM "campaigns" WHERE id = ANY($1::bigint[])`
	sqlNetworks      = `SELECT * FROM "youth_networks" WHERE id = ANY($1::bigint[])`
	sqlChapterPages  = `SELECT x.*, par.key AS parent_key FROM unnest($1::text[]) WITH ORDINALITY AS par(key, ord) CROSS JOIN LATERAL (SELECT n.id, n.slug, n.name, n.description, n.scope, n.country_code, n.parent_id, n.founded_at_id, n.owner_id, n.source, n.version, n.created_at, n.updated_at, n.original_language, to_json(n.name)#>>'{}' AS sort_value, (n.id)::text AS sort_key FROM youth_networks n WHERE (n.parent_id = par.key::bigint) ORDER BY n.name ASC, n.id ASC LIMIT 11) x ORDER BY par.ord`
	sqlChapterCounts = `SELECT par.key AS parent_key, (SELECT count(*) FROM youth_networks n WHERE (n.parent_id = par.key::bigint)) AS n FROM unnest($1::text[]) AS par(key)`
	sqlFindCountry   = `SELECT * FROM "countries" WHERE lower(code) = lower($1) OR lower(name) = lower($2) OR EXISTS (SELECT 1 FROM unnest(aliases) a WHERE lower(a) = lower($3)) ORDER BY code LIMIT $4`
	// A window keeps the events whose start period overlaps it: from start_key $2 on, and
	// the few periods that straddle $2, each read in order and limited, then merged, as the
	// store sends it (store.EventFilter.list, listSpec.branches).
	sqlCountryFilter = `(e.country_code = $1) AND (e.start_key < $3)`
	sqlCountryFrom   = `(SELECT e.* FROM events e WHERE ` + eventPublic + ` AND ` + sqlCountryFilter + ` AND (e.start_key >= $2) ORDER BY e.start_key ASC, e.id ASC LIMIT 21)
		UNION ALL (SELECT e.* FROM events e WHERE ` + eventPublic + ` AND ` + sqlCountryFilter + ` AND (e.start_key < $2 AND e.date_precision <> 'MINUTE' AND tstzrange(e.start_key, e.start_latest, '[]') @> $2::timestamptz) ORDER BY e.start_key ASC, e.id ASC LIMIT 21)`
	sqlCountryPage  = `SELECT e.*, ` + sqlEventJoinCols + `, to_json(e.start_key)#>>'{}' AS sort_value, (e.id)::text AS sort_key FROM (` + sqlCountryFrom + `) e` + sqlEventJoins + ` ORDER BY e.start_key ASC, e.id ASC LIMIT 21`
	sqlCountryCount = `SELECT count(*) FROM (SELECT 1 FROM events e WHERE ` + eventPublic + ` AND ` + sqlCountryFilter + ` AND (e.start_key >= $2)
		UNION ALL SELECT 1 FROM events e WHERE ` + eventPublic + ` AND ` + sqlCountryFilter + ` AND (e.start_key < $2 AND e.date_precision <> 'MINUTE' AND tstzrange(e.start_key, e.start_latest, '[]') @> $2::timestamptz)) counted`
	sqlEventsPage = `SELECT e.*, ` + sqlEventJoinCols + `, to_json(e.start_key)#>>'{}' AS sort_value, (e.id)::text AS sort_key FROM events e` + sqlEventJoins + ` WHERE ` + eventPublic + ` ORDER BY e.start_key ASC, e.id ASC LIMIT 21`
	sqlEventsNext = `SELECT e.*, ` + sqlEventJoinCols + `, to_json(e.start_key)#>>'{}' AS sort_value, (e.id)::text AS sort_key FROM events e` + sqlEventJoins + ` WHERE ` + eventPublic + ` AND ((e.start_key, e.id) > ($1::timestamptz, $2::bigint)) ORDER BY e.start_key ASC, e.id ASC LIMIT 21`
)

// floor is one floor request under way: its statements and its answer.
type floor struct {
	p     *params
	ctx   context.Context
	stmts int64
	w     jw
}

// floorDoer runs floor requests of kind and discards their answers.
func (p *params) floorDoer(kind string) doer {
	return func(ctx context.Context, _ int, r *rand.Rand) (int64, bool, error) {
		f, err := p.runFloor(ctx, p.draw(kind, r))
		if err != nil {
			return 0, false, err
		}
		_, _ = io.Discard.Write(f.w.b)
		return f.stmts, true, nil
	}
}

func (p *params) runFloor(ctx context.Context, q request) (*floor, error) {
	f := &floor{p: p, ctx: ctx, w: jw{b: make([]byte, 0, 16<<10)}}
	var err error
	switch q.kind {
	case "campaigns":
		err = f.campaigns(q)
	case "event":
		err = f.event(q)
	case "networks":
		err = f.networks(q)
	case "country":
		err = f.country(q)
	case "nodes":
		err = f.nodes(q)
	case "page1", "deep":
		err = f.eventList(q)
	default:
		err = fmt.Errorf("no floor for %q", q.kind)
	}
	if err != nil {
		return nil, fmt.Errorf("floor %s: %w", q.kind, err)
	}
	return f, nil
}

// query runs one statement and calls each for every row, after scanning the named columns
// into their targets; the other columns are skipped.
func (f *floor) query(sql string, args []any, named map[string]any, each func()) error {
	f.stmts++
	rows, err := f.p.pool.Query(f.ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	fds := rows.FieldDescriptions()
	targets := make([]any, len(fds))
	for i, fd := range fds {
		targets[i] = named[fd.Name]
	}
	for rows.Next() {
		if err := rows.Scan(targets...); err != nil {
			return err
		}
		each()
	}
	return rows.Err()
}

func (f *floor) count(sql string, args ...any) (int64, error) {
	f.stmts++
	var n int64
	return n, f.p.pool.QueryRow(f.ctx, sql, args...).Scan(&n)
}

// Small records: the columns the answers use.
type (
	org struct {
		id          int64
		name, kind  string
		website     *string
		partnerRole string
		campaignID  int64 // of a partner row
	}
	venueRow struct {
		id            int64
		name          string
		city, address *string
		private       bool
		lat, lon      *float64
		country       string
	}
	eventRow struct {
		e                  models.Event
		sortValue, sortKey string
		parentKey          string
		// the venue (all nil without one), its country's name and the organizer, joined
		v struct {
			id                                      *int64
			name, city, address, country, countryNm *string
			private                                 *bool
			lat, lon                                *float64
		}
		organizer org
	}
)

// venue is the event's joined venue, nil when it has none.
func (r *eventRow) venue() *venueRow {
	v := &r.v
	if v.id == nil {
		return nil
	}
	return &venueRow{id: *v.id, name: *v.name, city: v.city, address: v.address, private: *v.private,
		lat: v.lat, lon: v.lon, country: *v.country}
}

func (f *floor) countries(codes []string) (map[string]string, error) {
	out := make(map[string]string, len(codes))
	var code, name string
	err := f.query(sqlCountries, []any{codes}, map[string]any{"code": &code, "name": &name}, func() { out[code] = name })
	return out, err
}

// eventColumns are the targets of the event columns the answers use.
func eventColumns(r *eventRow) map[string]any {
	e := &r.e
	return map[string]any{"id": &e.ID, "campaign_id": &e.CampaignID, "title": &e.Title, "summary": &e.Summary,
		"description": &e.Description, "kind": &e.Kind, "status": &e.Status, "starts_at": &e.StartBound, "over_at": &e.OverAt,
		"ends_at": &e.EndBound, "date_precision": &e.DatePrecision, "date_qualifier": &e.DateQualifier,
		"time_zone": &e.TimeZone, "venue_id": &e.VenueID, "country_code": &e.CountryCode, "online_url": &e.OnlineURL,
		"capacity": &e.Capacity, "registration_enabled": &e.RegistrationEnabled,
		"registration_opens_at": &e.RegistrationOpensAt, "registration_closes_at": &e.RegistrationClosesAt,
		"waitlist_enabled": &e.WaitlistEnabled, "visibility": &e.Visibility, "organizer_id": &e.OrganizerID,
		"attendance": &e.Attendance, "media_reach": &e.Reach, "listed": &e.Listed,
		"v_id": &r.v.id, "v_name": &r.v.name, "v_city": &r.v.city, "v_address": &r.v.address, "v_private": &r.v.private,
		"v_lat": &r.v.lat, "v_lon": &r.v.lon, "v_country": &r.v.country, "c_name": &r.v.countryNm,
		"o_id": &r.organizer.id, "o_name": &r.organizer.name, "o_kind": &r.organizer.kind, "o_website": &r.organizer.website,
		"sort_value": &r.sortValue, "sort_key": &r.sortKey, "parent_key": &r.parentKey}
}

func (f *floor) events(sql string, args ...any) ([]eventRow, error) {
	var out []eventRow
	var r eventRow
	err := f.query(sql, args, eventColumns(&r), func() { out = append(out, r) })
	return out, err
}

// pageOf trims a page's extra row and says whether the list goes on.
func pageOf[T any](rows []T) ([]T, bool) {
	if len(rows) > page.DefaultSize {
		return rows[:page.DefaultSize], true
	}
	return rows, false
}

// pageInfo writes a page's pageInfo; an empty key means an empty page, with no cursor.
func (f *floor) pageInfo(order, lastValue, lastKey string, more bool) {
	w := &f.w
	w.raw(`"pageInfo":{"endCursor":`)
	if lastKey == "" {
		w.raw("null")
	} else {
		w.str(page.Cursor{Order: order, Value: lastValue, Key: lastKey}.Encode())
	}
	w.raw(`,"hasNextPage":`).bool(more).raw("}")
}

func dateString(d *models.PartialDate) *string {
	if d == nil {
		return nil
	}
	s := d.String()
	return &s
}

// campaigns: the campaign page and its count, the events of each campaign with their
// venues, countries and organizers, and the partners with their organizations.
func (f *floor) campaigns(q request) error {
	type camp struct {
		c                  models.Campaign
		sortValue, sortKey string
	}
	var rows []camp
	var c camp
	sql, args := sqlCampaignPage, []any(nil)
	if q.cursor != nil {
		sql, args = sqlCampaignNext, []any{q.cursor.Value, q.cursor.Key}
	}
	err := f.query(sql, args, map[string]any{"id": &c.c.ID, "name": &c.c.Name, "status": &c.c.Status,
		"starts_on": &c.c.StartDate, "starts_on_precision": &c.c.StartPrecision, "sort_value": &c.sortValue, "sort_key": &c.sortKey},
		func() { rows = append(rows, c) })
	if err != nil {
		return err
	}
	rows, more := pageOf(rows)
	total, err := f.count(sqlCampaignCount)
	if err != nil {
		return err
	}
	keys := make([]string, len(rows))
	ids := make([]int64, len(rows))
	for i, r := range rows {
		keys[i], ids[i] = strconv.FormatInt(r.c.ID, 10), r.c.ID
	}
	events, err := f.events(sqlEventPages, keys)
	if err != nil {
		return err
	}
	var partners []org
	var p org
	if err := f.query(sqlPartners, []any{ids}, map[string]any{"campaign_id": &p.campaignID, "organization_id": &p.id, "role": &p.partnerRole, "name": &p.name},
		func() { partners = append(partners, p) }); err != nil {
		return err
	}

	w := &f.w
	w.raw(`{"campaigns":{"totalCount":`).int(total).raw(",")
	if len(rows) > 0 {
		last := rows[len(rows)-1]
		f.pageInfo("campaigns.NAME", last.sortValue, last.sortKey, more)
	} else {
		f.pageInfo("campaigns.NAME", "", "", more)
	}
	w.raw(`,"nodes":[`)
	for i, r := range rows {
		if i > 0 {
			w.raw(",")
		}
		w.raw(`{"id":`).str(r.c.GlobalID()).raw(`,"name":`).str(r.c.Name).raw(`,"status":`).str(r.c.Status).
			raw(`,"startsOn":`).strp(dateString(r.c.StartsOn())).raw(`,"partners":[`)
		n := 0
		for _, p := range partners {
			if p.campaignID != r.c.ID {
				continue
			}
			if n++; n > 1 {
				w.raw(",")
			}
			w.raw(`{"role":`).str(p.partnerRole).raw(`,"organization":{"id":`).str(relay.EncodeInt(relay.TypeOrganization, p.id)).
				raw(`,"name":`).str(p.name).raw("}}")
		}
		w.raw(`],"events":{"nodes":[`)
		n = 0
		key := strconv.FormatInt(r.c.ID, 10)
		for j := range events {
			e := &events[j]
			if e.parentKey != key {
				continue
			}
			if n++; n > 10 {
				break
			}
			if n > 1 {
				w.raw(",")
			}
			w.raw(`{"id":`).str(e.e.GlobalID()).raw(`,"title":`).str(e.e.Title).raw(`,"kind":`).str(e.e.Kind).
				raw(`,"startsAt":`).time(e.e.StartsAt()).raw(`,"timeZone":`).strp(e.e.TimeZone).raw(`,"venue":`)
			if v := e.venue(); v == nil {
				w.raw("null")
			} else {
				w.raw(`{"name":`).str(v.name).raw(`,"city":`).strp(v.city).raw(`,"country":{"name":`).str(*e.v.countryNm).raw("}}")
			}
			o := &e.organizer
			w.raw(`,"organizer":{"id":`).str(relay.EncodeInt(relay.TypeOrganization, o.id)).raw(`,"name":`).str(o.name).raw("}}")
		}
		w.raw("]}}")
	}
	w.raw("]}}")
	return nil
}

// event: the event with its venue, country and organizer, then its campaign (for the
// visibility rule) and co-hosts.
func (f *floor) event(q request) error {
	evs, err := f.events(sqlEvents, []int64{q.id})
	if err != nil {
		return err
	}
	w := &f.w
	if len(evs) == 0 {
		w.raw(`{"event":null}`)
		return nil
	}
	e := &evs[0].e
	var camp models.Campaign
	if err := f.query(sqlCampaigns, []any{[]int64{e.CampaignID}}, map[string]any{"id": &camp.ID, "name": &camp.Name,
		"slug": &camp.Slug, "status": &camp.Status}, func() {}); err != nil {
		return err
	}
	if e.Status == "DRAFT" || e.Visibility != "PUBLIC" || camp.Status == "DRAFT" {
		w.raw(`{"event":null}`)
		return nil
	}
	venue := evs[0].venue()
	var hosts []org
	var h org
	if err := f.query(sqlCoHosts, []any{[]int64{e.ID}}, map[string]any{"id": &h.id, "name": &h.name}, func() { hosts = append(hosts, h) }); err != nil {
		return err
	}
	o := &evs[0].organizer

	w.raw(`{"event":{"id":`).str(e.GlobalID()).raw(`,"title":`).str(e.Title).raw(`,"summary":`).strp(e.Summary).
		raw(`,"description":`).strp(e.Description).raw(`,"kind":`).str(e.Kind).raw(`,"status":`).str(e.DisplayStatus()).
		raw(`,"startsAt":`).time(e.StartsAt()).raw(`,"endsAt":`).time(e.EndsAt()).
		raw(`,"startsOn":`).str(e.StartsOn().String()).raw(`,"datePrecision":`).str(e.DatePrecision).
		raw(`,"dateLabel":`).str(e.DateLabel()).raw(`,"timeZone":`).strp(e.TimeZone).raw(`,"onlineUrl":`).strp(e.OnlineURL).
		raw(`,"capacity":`).intp(widen(e.Capacity)).raw(`,"attendance":`).intp(widen(e.Attendance)).raw(`,"mediaReach":`)
	if m := e.MediaReach(); m != nil {
		w.float(*m)
	} else {
		w.raw("null")
	}
	w.raw(`,"registration":`)
	if reg := e.Registration(); reg != nil {
		w.raw(`{"opensAt":`).time(reg.OpensAt).raw(`,"closesAt":`).time(reg.ClosesAt).raw(`,"waitlistEnabled":`).bool(reg.WaitlistEnabled).raw("}")
	} else {
		w.raw("null")
	}
	w.raw(`,"venue":`)
	if venue == nil {
		w.raw("null")
	} else {
		var address *string
		if !venue.private {
			address = venue.address
		}
		w.raw(`{"id":`).str(relay.EncodeInt(relay.TypeVenue, venue.id)).raw(`,"name":`).str(venue.name).raw(`,"city":`).strp(venue.city).
			raw(`,"address":`).strp(address).raw(`,"coordinates":`)
		if venue.lat != nil && venue.lon != nil {
			w.raw(`{"latitude":`).float(*venue.lat).raw(`,"longitude":`).float(*venue.lon).raw("}")
		} else {
			w.raw("null")
		}
		w.raw(`,"country":{"code":`).str(venue.country).raw(`,"name":`).str(*evs[0].v.countryNm).raw("}}")
	}
	w.raw(`,"campaign":{"id":`).str(camp.GlobalID()).raw(`,"name":`).str(camp.Name).raw(`,"slug":`).str(camp.Slug).raw("}")
	w.raw(`,"organizer":{"id":`).str(relay.EncodeInt(relay.TypeOrganization, o.id)).raw(`,"name":`).str(o.name).
		raw(`,"website":`).strp(o.website).raw(`},"coHosts":[`)
	for i, h := range hosts {
		if i > 0 {
			w.raw(",")
		}
		w.raw(`{"id":`).str(relay.EncodeInt(relay.TypeOrganization, h.id)).raw(`,"name":`).str(h.name).raw("}")
	}
	w.raw("]}}")
	return nil
}

type network struct {
	id          int64
	name, scope string
	country     *string
	parentKey   string
}

func (f *floor) chapterPages(keys []string) ([]network, error) {
	var out []network
	var n network
	err := f.query(sqlChapterPages, []any{keys}, map[string]any{"id": &n.id, "name": &n.name, "scope": &n.scope,
		"country_code": &n.country, "parent_key": &n.parentKey}, func() { out = append(out, n) })
	return out, err
}

func (f *floor) chapterCounts(keys []string) (map[string]int64, error) {
	out := map[string]int64{}
	var k string
	var n int64
	err := f.query(sqlChapterCounts, []any{keys}, map[string]any{"parent_key": &k, "n": &n}, func() { out[k] = n })
	return out, err
}

// networks: the network, its coordinators, its chapters and their count, the chapters'
// countries, their groups and their count, and the groups' channels.
func (f *floor) networks(q request) error {
	var root network
	found := false
	if err := f.query(sqlNetworks, []any{[]int64{q.id}}, map[string]any{"id": &root.id, "name": &root.name, "scope": &root.scope},
		func() { found = true }); err != nil {
		return err
	}
	w := &f.w
	if !found {
		w.raw(`{"youthNetwork":null}`)
		return nil
	}
	var coords []org
	var o org
	if err := f.query(sqlCoordinators, []any{[]int64{root.id}}, map[string]any{"id": &o.id, "name": &o.name}, func() { coords = append(coords, o) }); err != nil {
		return err
	}
	rootKey := strconv.FormatInt(root.id, 10)
	chapters, err := f.chapterPages([]string{rootKey})
	if err != nil {
		return err
	}
	chapters = chapters[:min(len(chapters), 10)]
	rootCount, err := f.chapterCounts([]string{rootKey})
	if err != nil {
		return err
	}
	keys := make([]string, len(chapters))
	var codes []string
	for i, c := range chapters {
		keys[i] = strconv.FormatInt(c.id, 10)
		if c.country != nil {
			codes = append(codes, *c.country)
		}
	}
	var groups []network
	var counts map[string]int64
	if len(keys) > 0 {
		if groups, err = f.chapterPages(keys); err != nil {
			return err
		}
		if counts, err = f.chapterCounts(keys); err != nil {
			return err
		}
	}
	names := map[string]string{}
	if len(codes) > 0 {
		if names, err = f.countries(distinct(codes)); err != nil {
			return err
		}
	}
	var groupIDs []int64
	perParent := map[string]int{}
	kept := groups[:0]
	for _, g := range groups {
		if perParent[g.parentKey]++; perParent[g.parentKey] <= 10 {
			kept = append(kept, g)
			groupIDs = append(groupIDs, g.id)
		}
	}
	groups = kept
	type channel struct {
		network       int64
		platform, url string
	}
	var channels []channel
	if len(groupIDs) > 0 {
		var c channel
		if err := f.query(sqlChannels, []any{groupIDs}, map[string]any{"network_id": &c.network, "platform": &c.platform, "url": &c.url},
			func() { channels = append(channels, c) }); err != nil {
			return err
		}
	}

	w.raw(`{"youthNetwork":{"id":`).str(relay.EncodeInt(relay.TypeYouthNetwork, root.id)).raw(`,"name":`).str(root.name).
		raw(`,"scope":`).str(root.scope).raw(`,"coordinators":[`)
	for i, c := range coords {
		if i > 0 {
			w.raw(",")
		}
		w.raw(`{"id":`).str(relay.EncodeInt(relay.TypeOrganization, c.id)).raw(`,"name":`).str(c.name).raw("}")
	}
	w.raw(`],"chapters":{"totalCount":`).int(rootCount[rootKey]).raw(`,"nodes":[`)
	for i, c := range chapters {
		if i > 0 {
			w.raw(",")
		}
		w.raw(`{"id":`).str(relay.EncodeInt(relay.TypeYouthNetwork, c.id)).raw(`,"name":`).str(c.name).raw(`,"scope":`).str(c.scope).raw(`,"country":`)
		if c.country == nil {
			w.raw("null")
		} else {
			w.raw(`{"name":`).str(names[*c.country]).raw("}")
		}
		key := strconv.FormatInt(c.id, 10)
		w.raw(`,"chapters":{"totalCount":`).int(counts[key]).raw(`,"nodes":[`)
		n := 0
		for _, g := range groups {
			if g.parentKey != key {
				continue
			}
			if n++; n > 1 {
				w.raw(",")
			}
			w.raw(`{"id":`).str(relay.EncodeInt(relay.TypeYouthNetwork, g.id)).raw(`,"name":`).str(g.name).raw(`,"scope":`).str(g.scope).raw(`,"channels":[`)
			m := 0
			for _, ch := range channels {
				if ch.network != g.id {
					continue
				}
				if m++; m > 1 {
					w.raw(",")
				}
				w.raw(`{"platform":`).str(ch.platform).raw(`,"url":`).str(ch.url).raw("}")
			}
			w.raw("]}")
		}
		w.raw("]}}")
	}
	w.raw("]}}}")
	return nil
}

// country: the country by code, name or alias, the page of its events in the window, their
// venues, and the count of the window's events.
func (f *floor) country(q request) error {
	var code string
	if err := f.query(sqlFindCountry, []any{q.country, q.country, q.country, 1}, map[string]any{"code": &code}, func() {}); err != nil {
		return err
	}
	events, err := f.events(sqlCountryPage, code, q.from, q.to)
	if err != nil {
		return err
	}
	events, more := pageOf(events)
	total, err := f.count(sqlCountryCount, code, q.from, q.to)
	if err != nil {
		return err
	}
	w := &f.w
	w.raw(`{"events":{"totalCount":`).int(total).raw(",")
	f.eventNodes(events, more, func(e *eventRow) {
		w.raw(`,"venue":`)
		v := e.venue()
		if v == nil {
			w.raw("null")
			return
		}
		w.raw(`{"name":`).str(v.name).raw(`,"city":`).strp(v.city).raw("}")
	})
	w.raw("}}")
	return nil
}

// eventNodes writes the pageInfo and nodes of an events page: id, title, kind, startsAt,
// dateLabel and whatever more adds.
func (f *floor) eventNodes(events []eventRow, more bool, extra func(*eventRow)) {
	w := &f.w
	if len(events) > 0 {
		last := &events[len(events)-1]
		f.pageInfo("events.STARTS_AT", last.sortValue, last.sortKey, more)
	} else {
		f.pageInfo("events.STARTS_AT", "", "", more)
	}
	w.raw(`,"nodes":[`)
	for i := range events {
		e := &events[i]
		if i > 0 {
			w.raw(",")
		}
		w.raw(`{"id":`).str(e.e.GlobalID()).raw(`,"title":`).str(e.e.Title).raw(`,"kind":`).str(e.e.Kind).
			raw(`,"startsAt":`).time(e.e.StartsAt()).raw(`,"dateLabel":`).str(e.e.DateLabel())
		if extra != nil {
			extra(e)
		}
		w.raw("}")
	}
	w.raw("]")
}

// eventList: one page of all events, from the start or from a cursor.
func (f *floor) eventList(q request) error {
	sql, args := sqlEventsPage, []any(nil)
	if q.cursor != nil {
		sql, args = sqlEventsNext, []any{q.cursor.Value, q.cursor.Key}
	}
	events, err := f.events(sql, args...)
	if err != nil {
		return err
	}
	events, more := pageOf(events)
	f.w.raw(`{"events":{`)
	f.eventNodes(events, more, nil)
	f.w.raw("}}")
	return nil
}

// nodes: the events (listed ones need no campaign for the visibility rule), then the
// campaigns, organizations and networks asked for, together in one statement.
func (f *floor) nodes(q request) error {
	ids := map[string][]int64{}
	for _, n := range q.nodes {
		ids[n.typ] = append(ids[n.typ], n.id)
	}
	events := map[int64]*models.Event{}
	if len(ids[relay.TypeEvent]) > 0 {
		rows, err := f.events(sqlEvents, ids[relay.TypeEvent])
		if err != nil {
			return err
		}
		for i := range rows {
			events[rows[i].e.ID] = &rows[i].e
		}
	}
	var kinds []string
	var keys []int64
	for _, k := range []struct{ typ, kind string }{{relay.TypeCampaign, "c"}, {relay.TypeOrganization, "o"}, {relay.TypeYouthNetwork, "n"}} {
		for _, id := range ids[k.typ] {
			kinds, keys = append(kinds, k.kind), append(keys, id)
		}
	}
	campaigns := map[int64]*models.Campaign{}
	orgs := map[int64]*org{}
	networks := map[int64]*network{}
	if len(keys) > 0 {
		var kind string
		var cID, oID, nID *int64
		var cName, cStatus, oName, oKind, nName, nScope *string
		err := f.query(sqlRecords, []any{kinds, keys}, map[string]any{"kind": &kind,
			"c_id": &cID, "c_name": &cName, "c_status": &cStatus, "o_id": &oID, "o_name": &oName, "o_kind": &oKind,
			"n_id": &nID, "n_name": &nName, "n_scope": &nScope}, func() {
			switch {
			case kind == "c" && cID != nil:
				campaigns[*cID] = &models.Campaign{ID: *cID, Name: *cName, Status: *cStatus}
			case kind == "o" && oID != nil:
				orgs[*oID] = &org{id: *oID, name: *oName, kind: *oKind}
			case kind == "n" && nID != nil:
				networks[*nID] = &network{id: *nID, name: *nName, scope: *nScope}
			}
		})
		if err != nil {
			return err
		}
	}
	w := &f.w
	w.raw(`{"nodes":[`)
	for i, n := range q.nodes {
		if i > 0 {
			w.raw(",")
		}
		id := relay.EncodeInt(n.typ, n.id)
		switch n.typ {
		case relay.TypeEvent:
			e := events[n.id]
			if e == nil || !e.Listed {
				w.raw("null")
				continue
			}
			w.raw(`{"id":`).str(id).raw(`,"title":`).str(e.Title).raw(`,"startsAt":`).time(e.StartsAt()).raw("}")
		case relay.TypeCampaign:
			c := campaigns[n.id]
			if c == nil || c.Status == "DRAFT" {
				w.raw("null")
				continue
			}
			w.raw(`{"id":`).str(id).raw(`,"name":`).str(c.Name).raw(`,"status":`).str(c.Status).raw("}")
		case relay.TypeOrganization:
			o := orgs[n.id]
			if o == nil {
				w.raw("null")
				continue
			}
			w.raw(`{"id":`).str(id).raw(`,"name":`).str(o.name).raw(`,"kind":`).str(o.kind).raw("}")
		case relay.TypeYouthNetwork:
			nw := networks[n.id]
			if nw == nil {
				w.raw("null")
				continue
			}
			w.raw(`{"id":`).str(id).raw(`,"name":`).str(nw.name).raw(`,"scope":`).str(nw.scope).raw("}")
		}
	}
	w.raw("]}")
	return nil
}

func distinct[T int64 | string](s []T) []T {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

func widen(n *int32) *int64 {
	if n == nil {
		return nil
	}
	v := int64(*n)
	return &v
}
