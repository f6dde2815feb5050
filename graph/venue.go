package graph

import (
	"context"

	"campaigns/internal/auth"
	"campaigns/internal/loader"
	"campaigns/models"
)

// A venue's street address, when marked private, and its exact position can locate the
// people who meet there, so only the venue's owner reads them: the organization that
// organizes the events held there, which wrote the venue with its event (store.OwnedVenues).
// Everyone else, other partners of the event included, reads no address and the position
// rounded to about a kilometre (models.PublicPosition). Anonymous callers and public venues
// cost no statement; the private venues of one level of a query are asked about together.

// ownsVenue reports whether the caller owns v, for a private venue; a public one hides
// nothing, so it is nobody's question.
func ownsVenue(ctx context.Context, v *models.Venue) (bool, error) {
	if !v.AddressPrivate {
		return false, nil
	}
	return loader.For(ctx).VenueOwned(ctx, auth.FromContext(ctx).OrgID, v.ID)
}

// venueAddress answers Venue.address.
func venueAddress(ctx context.Context, v *models.Venue) (*string, error) {
	if v.StreetAddress == nil {
		return nil, nil
	}
	owner, err := ownsVenue(ctx, v)
	if err != nil {
		return nil, err
	}
	return v.Address(owner), nil
}

// venueCoordinates answers Venue.coordinates.
func venueCoordinates(ctx context.Context, v *models.Venue) (*models.Coordinates, error) {
	if v.Latitude == nil || v.Longitude == nil {
		return nil, nil
	}
	owner, err := ownsVenue(ctx, v)
	if err != nil {
		return nil, err
	}
	return v.Coordinates(owner), nil
}
