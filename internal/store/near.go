package store

import (
	"context"
	"fmt"
	"math"

	"campaigns/internal/page"
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
		return fmt.Errorf("%w: latitude must be between -90 and 90 degrees, got %g", ErrInvalid, n.Latitude)
	case math.IsNaN(n.Longitude) || n.Longitude < -180 || n.Longitude > 180:
		return fmt.Errorf("%w: longitude must be between -180 and 180 degrees, got %g", ErrInvalid, n.Longitude)
	case math.IsNaN(n.RadiusKm) || n.RadiusKm <= 0 || n.RadiusKm > MaxRadiusKm:
		return fmt.Errorf("%w: radiusKm must be over 0 and at most %d, got %g", ErrInvalid, MaxRadiusKm, n.RadiusKm)
	}
	return nil
}

// cond keeps the events whose venue lies within the circle. earth_box is a cube around the
// point that the GiST index venues_earth_idx searches; it holds a little more than the circle,
// so earth_distance, the great-circle distance, then refines it exactly.
func (n Near) cond() cond {
	m := n.RadiusKm * 1000
	return cond{
		sql: `e.venue_id IN (SELECT nv.id FROM venues nv
			WHERE earth_box(ll_to_earth(?, ?), ?) @> ll_to_earth(nv.latitude, nv.longitude)
			AND earth_distance(ll_to_earth(?, ?), ll_to_earth(nv.latitude, nv.longitude)) <= ?)`,
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
	p, err := listPage[models.Event](ctx, s.db, nearList, append(f.conds(), n.cond()), NearOrder, req)
	if err != nil {
		return p, fmt.Errorf("events near %g,%g within %g km: %w", n.Latitude, n.Longitude, n.RadiusKm, err)
	}
	return p, nil
}

// CountEventsNear counts the events EventsNear pages through.
func (s *Store) CountEventsNear(ctx context.Context, n Near, f EventFilter) (int, error) {
	if err := n.Check(); err != nil {
		return 0, err
	}
	c, err := listCount(ctx, s.db, nearList, append(f.conds(), n.cond()), 0)
	if err != nil {
		return 0, fmt.Errorf("count events near %g,%g within %g km: %w", n.Latitude, n.Longitude, n.RadiusKm, err)
	}
	return c, nil
}
