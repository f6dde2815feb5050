package loader

import (
	"context"

	"campaigns/internal/store"
	"campaigns/models"
)

// imageKeys key the image fields of each illustrated type by its record, for look-ahead: the
// images of a page of campaigns, events or organizations come in one statement.
var imageKeys = map[string]func(any, store.ImageOwner) (store.ImageOwner, bool){
	"Campaign.images":     by(imageOwner[*models.Campaign]),
	"Event.images":        by(imageOwner[*models.Event]),
	"Organization.images": by(imageOwner[*models.Organization]),
	"Organization.logo":   by(imageOwner[*models.Organization]),
}

func imageOwner[T models.Illustrated](r T) (store.ImageOwner, bool) {
	return store.ImageOwner{Kind: r.ImageKind(), ID: r.ImageID()}, true
}

// headlineKeys key a campaign's headline figures by the campaign.
var headlineKeys = ofCampaign("headlineFigures")

// Images loads a record's images and logo, the logo first.
func (l *Loaders) Images(ctx context.Context, rec models.Illustrated) ([]*models.Image, error) {
	return load(ctx, l.get().tree, l.get().images, store.ImageOwner{Kind: rec.ImageKind(), ID: rec.ImageID()})
}

// HeadlineFigures loads a campaign's headline figures.
func (l *Loaders) HeadlineFigures(ctx context.Context, campaignID int64) ([]*models.HeadlineFigure, error) {
	return load(ctx, l.get().tree, l.get().headlines, campaignID)
}
