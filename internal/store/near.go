package store

import (
	"context"
	"fmt"
	"math"

	"campaigns/internal/page"
	"campaigns/internal/problem"
	"campaigns/models"
)

// MaxRadiusKm bounds a near-me search: a wider circle is no longer "near", and would make
// the bounding box cover most venues, which no index helps with.
const MaxRadiusKm = 500

// ListEventsNear names the near-me list in cursors, so that a cursor of the plain events
// list is refused by it and the other way round.
const ListEventsNear = "eventsNear"

// Near is a circle on the earth: a point (WGS 84 degrees) and a radius in kilometres.
type Near struct {
	Latitude, Longitude, RadiusKm float64
}

// Check refuses a point off the globe and a radius that is not positive or over the cap.
func (n Near) Check() error {
	switch {
	case math.IsNaN(n.Latitude) || n.Latitude < -90 || n.Latitude > 90:
		return problem.Wrap(ErrInvalid, "latitude must be between -90 and 90 degrees, got %g", n.Latitude)
	case math.IsNaN(n.Longitude) || n.Longitude < -180 || n.Longitude > 180:
		return problem.Wrap(ErrInvalid, "longitude must be between -180 and 180 degrees, got %g", n.Longitude)
	case math.IsNaN(n.RadiusKm) || n.RadiusKm <= 0 || n.RadiusKm > MaxRadiusKm:
		return problem.Wrap(ErrInvalid, "radiusKm must be over 0 and at most %d, got %g", MaxRadiusKm, n.RadiusKm)
	}
	return nil
}

// publicLatitude and publicLongitude are a venue's public position in SQL, for the venues
// table under alias: for a venue whose address is private, rounded to two decimals of a
// degree (about a kilometre), so that no reading of its position locates it better than
// that; models.PublicPosition is the same rule in Go. Migration 00008 indexes this expression.
func publicLatitude(alias string) string {
	return "CASE WHEN " + alias + ".address_private THEN round(" + alias + ".latitude::numeric, 2)::double precision ELSE " + alias + ".latitude END"
}

func publicLongitude(alias string) string {
	return "CASE WHEN " + alias + ".address_private THEN round(" + alias + ".longitude::numeric, 2)::double precision ELSE " + alias + ".longitude END"
}

// nearPosition is a venue's public position as the earth_distance functions take it.
var nearPosition = "ll_to_earth(" + publicLatitude("nv") + ", " + publicLongitude("nv") + ")"

// cond keeps the events whose venue's public position lies within the circle. earth_box is
// a cube around the point that the GiST index venues_public_earth_idx searches; it holds a
// little more than the circle, so earth_distance, the great-circle distance, then refines it.
func (n Near) cond() cond {
	m := n.RadiusKm * 1000
	return cond{
		sql: `e.venue_id IN (SELECT nv.id FROM venues nv
			WHERE earth_box(ll_to_earth(?, ?), ?) @> ` + nearPosition + `
			AND earth_distance(ll_to_earth(?, ?), ` + nearPosition + `) <= ?)`,
		args: []any{n.Latitude, n.Longitude, m, n.Latitude, n.Longitude, m},
	}
}

// nearList is the events list under its own name; it orders by start only, soonest first.
var nearList = listSpec{
	name: ListEventsNear, from: eventList.from, joins: eventList.joins, cols: eventList.cols, scan: eventList.scan, tie: eventList.tie,
	orders: map[string]sortKey{"STARTS_AT": eventList.orders["STARTS_AT"]},
}

// NearOrder is the one order of the near-me list.
var NearOrder = Order{Field: "STARTS_AT"}

// EventsNear returns a page of the events that match f and whose venue is within the
// circle, soonest first. Online events, and venues without coordinates, are never near.
func (s *Store) EventsNear(ctx context.Context, n Near, f EventFilter, req page.Request) (page.Page[*models.Event], error) {
	if err := n.Check(); err != nil {
		return page.Page[*models.Event]{}, err
	}
	f = f.at(ctx)
	p, err := listPage[models.Event](ctx, s.db, nearList, append(f.conds(), n.cond()), NearOrder, req)
	if err != nil {
		return p, fmt.Errorf("events near %g,%g within %g km: %w", n.Latitude, n.Longitude, n.RadiusKm, err)
	}
	return p, nil
}

// CountEventsNear counts the events EventsNear pages through.
func (s *Store) CountEventsNear(ctx context.Context, n Near, f EventFilter) (int, error) {
	return s.CountEventsNearUpTo(ctx, n, f, 0)
}

// CountEventsNearUpTo counts the events EventsNear pages through, stopping at limit (0: no
// limit): no statistic tells how many events lie within a radius, so an exact count may read
// every event, and a bounded one reads at most limit.
func (s *Store) CountEventsNearUpTo(ctx context.Context, n Near, f EventFilter, limit int) (int, error) {
	if err := n.Check(); err != nil {
		return 0, err
	}
	f = f.at(ctx)
	c, err := listCount(ctx, s.db, nearList, append(f.conds(), n.cond()), limit)
	if err != nil {
		return 0, fmt.Errorf("count events near %g,%g within %g km up to %d: %w", n.Latitude, n.Longitude, n.RadiusKm, limit, err)
	}
	return c, nil
}
