package gen

import (
	"fmt"
	"math/rand/v2"
	"time"
)

var eventColumns = []string{"id", "campaign_id", "title", "summary", "description", "kind", "status",
	"starts_at", "ends_at", "date_precision", "date_qualifier", "time_zone", "venue_id", "country_code",
	"online_url", "capacity", "registration_enabled", "registration_opens_at", "registration_closes_at",
	"waitlist_enabled", "visibility", "organizer_id", "attendance", "media_reach", "source", "version",
	"created_at", "updated_at"}

// maxYouthSessions bounds the events kept as candidate founders of networks.
const maxYouthSessions = 1000

// events streams the events campaign by campaign, each in the campaign's countries and
// between its dates, at a venue in local time or online. Past events are mostly COMPLETED
// and future ones SCHEDULED; a few are drafts, postponed, cancelled or partner-only. About
// one in five has co-hosts, which are copied after the events.
func (g *generator) events() error {
	r := g.rng(4)
	base, err := g.b.MaxID("events")
	if err != nil {
		return err
	}
	zones := map[string]*time.Location{}
	for _, k := range countries {
		for _, c := range k.cities {
			if zones[c.zone], err = time.LoadLocation(c.zone); err != nil {
				return fmt.Errorf("time zone %s: %w", c.zone, err)
			}
		}
	}
	var cohosts [][]any
	id := base
	ci, left := 0, 0 // the campaign being filled and how many of its events are still to come
	started := time.Now()
	next := func() ([]any, error) {
		for left == 0 {
			if ci == len(g.camps) {
				return nil, nil
			}
			left = g.camps[ci].events
			ci++
		}
		left--
		id++
		if n := id - base; n%100_000 == 0 {
			g.progress("events %9d of %d (%.0f rows/s)", n, g.opt.Events, float64(n)/time.Since(started).Seconds())
		}
		row, hosts := g.event(r, g.camps[ci-1], id, zones)
		cohosts = append(cohosts, hosts...)
		return row, nil
	}
	if err := g.copyFunc("events", eventColumns, next); err != nil {
		return err
	}
	return g.copyRows("event_cohosts", []string{"event_id", "organization_id", "can_edit"}, cohosts)
}

// event makes one event of campaign c, and its co-host rows.
func (g *generator) event(r *rand.Rand, c *campaign, id int64, zones map[string]*time.Location) ([]any, [][]any) {
	kind := pickWeighted(r, eventKinds)
	k := countries[c.countries[c.countryPk.pick(r)]]
	online := kind == "ONLINE_PROGRAMME" || (kind == "BROADCAST" && chance(r, 0.5))
	unplaced := !online && chance(r, 0.01) // the place, and so the zone, not yet known
	var venueID, zone, onlineURL any
	place := "online"
	loc := time.UTC
	switch {
	case online:
		cty := k.cities[0]
		loc, zone = zones[cty.zone], cty.zone
		onlineURL = fmt.Sprintf("https://example.org/live/%d", id)
	case unplaced:
		place = k.name
	default:
		vs := g.venuesOf[indexOf(k.code)]
		v := vs[r.IntN(len(vs))]
		cty := k.cities[v.city]
		venueID, loc, zone, place = v.id, zones[cty.zone], cty.zone, cty.name
	}

	day := c.start.AddDate(0, 0, r.IntN(int(c.end.Sub(c.start).Hours()/24)+1))
	precision := "MINUTE"
	var qualifier, endsAt any
	startsAt := time.Date(day.Year(), day.Month(), day.Day(), between(r, 8, 20), 15*r.IntN(4), 0, 0, loc)
	switch x := r.Float64(); {
	case x < 0.02:
		precision = "MONTH"
		startsAt = time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, loc)
		if chance(r, 0.5) {
			qualifier = []string{"EARLY", "MID", "LATE"}[r.IntN(3)]
		}
	case x < 0.06:
		precision = "DAY"
		startsAt = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
	default:
		endsAt = startsAt.Add(time.Duration(between(r, 1, 8)) * time.Hour)
	}

	past := startsAt.Before(ref)
	status := "SCHEDULED"
	switch x := r.Float64(); {
	case past && x < 0.88:
		status = "COMPLETED"
	case past && x < 0.93:
		status = "CANCELLED"
	case past && x < 0.97:
		status = "POSTPONED"
	case past:
		status = "DRAFT"
	case x < 0.85:
	case x < 0.95:
		status = "DRAFT"
	default:
		status = "POSTPONED"
	}
	visibility := "PUBLIC"
	if chance(r, 0.06) {
		visibility = "PARTNERS"
	}

	var capacity, opens, closes, attendance, reach any
	registration, waitlist := false, false
	if venueID != nil && chance(r, 0.6) {
		n := int32(between(r, 30, 2000))
		if kind == "CONCERT" {
			n = int32(between(r, 2000, 30000))
		}
		capacity = n
		if chance(r, 0.4) {
			registration, waitlist = true, chance(r, 0.4)
			opens, closes = startsAt.AddDate(0, 0, -30), startsAt.AddDate(0, 0, -1)
		}
		if status == "COMPLETED" && chance(r, 0.8) {
			attendance = n * int32(between(r, 40, 110)) / 100
		}
	}
	if status == "COMPLETED" && (kind == "BROADCAST" || kind == "ONLINE_PROGRAMME" || kind == "CONCERT") && chance(r, 0.7) {
		reach = int64(between(r, 1_000, 5_000_000))
	}

	organizer := g.org(r)
	switch x := r.Float64(); {
	case x < 0.4 && c.owner != 0:
		organizer = c.owner
	case x < 0.8 && len(c.partners) > 0:
		organizer = c.partners[r.IntN(len(c.partners))]
	}
	var hosts [][]any
	if chance(r, 0.18) {
		for _, o := range g.distinctOrgs(r, between(r, 1, 2), organizer) {
			hosts = append(hosts, []any{id, o, chance(r, 0.1)})
		}
	}
	if kind == "YOUTH_SESSION" && len(g.youthSessions) < maxYouthSessions && status == "COMPLETED" && visibility == "PUBLIC" {
		g.youthSessions = append(g.youthSessions, id)
	}

	topic := eventTopics[r.IntN(len(eventTopics))]
	title := fmt.Sprintf("%s: %s — %s", kindLabels[kind], topic, place)
	var summary, description any
	if chance(r, 0.7) {
		summary = sentences[r.IntN(len(sentences))]
	}
	if chance(r, 0.3) {
		description = sentences[r.IntN(len(sentences))] + " " + sentences[r.IntN(len(sentences))] + " " + sentences[r.IntN(len(sentences))]
	}
	created := before(startsAt.AddDate(0, 0, -between(r, 7, 120)), ref).UTC()
	return []any{id, c.id, title, summary, description, kind, status,
		startsAt, endsAt, precision, qualifier, zone, venueID, k.code,
		onlineURL, capacity, registration, opens, closes,
		waitlist, visibility, organizer, attendance, reach, g.source, int32(1),
		created, created}, hosts
}

// indexOf returns the index of the country with code.
func indexOf(code string) int {
	for i, k := range countries {
		if k.code == code {
			return i
		}
	}
	panic("gen: unknown country " + code)
}
