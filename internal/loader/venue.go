package loader

import (
	"context"

	"campaigns/internal/store"
)

// ownerKey asks whether an organization owns a venue. The organization is part of the key,
// so that a batch never answers one caller with another's ownership.
type ownerKey struct {
	org, venue int64
}

// VenueOwned reports whether the organization org owns the venue (store.OwnedVenues): only
// its owner reads a private venue's street address and exact position. The private venues
// of one level of a query are asked about together, by look-ahead (the relation table's
// Venue.address and Venue.coordinates), not by a time window, which a busy machine splits.
func (l *Loaders) VenueOwned(ctx context.Context, org, venue int64) (bool, error) {
	if org == 0 {
		return false, nil
	}
	return load(ctx, l.get().tree, l.get().venueOwners, ownerKey{org, venue})
}

// venueOwnersFetch asks the store, one statement per organization (one per request in
// practice), which venues each owns.
func venueOwnersFetch(s *store.Store) func(context.Context, []ownerKey) (map[ownerKey]bool, error) {
	return func(ctx context.Context, keys []ownerKey) (map[ownerKey]bool, error) {
		byOrg := map[int64][]int64{}
		for _, k := range keys {
			byOrg[k.org] = append(byOrg[k.org], k.venue)
		}
		out := make(map[ownerKey]bool, len(keys))
		for org, ids := range byOrg {
			owned, err := s.OwnedVenues(ctx, org, ids)
			if err != nil {
				return nil, err
			}
			for _, id := range ids {
				out[ownerKey{org, id}] = owned[id]
			}
		}
		return out, nil
	}
}
