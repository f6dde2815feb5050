package store

import (
	"context"
	"fmt"
)

// OwnedVenues reports which of the venues with the given IDs the organization org owns: a
// venue is written with an event (createEvent and updateEvent store the venue they are
// given as a new one, for that event alone), so it belongs to the organization that
// organizes the events held there. Where events of several organizers share a venue (data
// loaded otherwise than through the API), none of them owns it, so none reads what it keeps
// private. Only the owner reads a private venue's street address and exact position.
func (s *Store) OwnedVenues(ctx context.Context, org int64, ids []int64) (map[int64]bool, error) {
	out := make(map[int64]bool, len(ids))
	if org == 0 || len(ids) == 0 {
		return out, nil
	}
	var found []int64
	// The second test stops at the first event of another organizer, so a venue shared by
	// many events costs no more than one of them.
	err := s.db.WithContext(ctx).Raw(`SELECT v.id FROM unnest(?::bigint[]) AS v(id)
		WHERE EXISTS (SELECT 1 FROM events e WHERE e.venue_id = v.id AND e.organizer_id = ?)
		  AND NOT EXISTS (SELECT 1 FROM events e WHERE e.venue_id = v.id AND e.organizer_id <> ?)`,
		idList(ids), org, org).Scan(&found).Error
	if err != nil {
		return nil, fmt.Errorf("venues of %d owned by organization %d: %w", len(ids), org, translate(err))
	}
	for _, id := range found {
		out[id] = true
	}
	return out, nil
}
