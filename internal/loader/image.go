package loader

import (
	"context"

	"campaigns/internal/store"
	"campaigns/models"
)

// Images loads a record's images and logo, the logo first.
func (l *Loaders) Images(ctx context.Context, rec models.Illustrated) ([]*models.Image, error) {
	return load(ctx, l.get().tree, l.get().images, store.ImageOwner{Kind: rec.ImageKind(), ID: rec.ImageID()})
}

// HeadlineFigures loads a campaign's headline figures.
func (l *Loaders) HeadlineFigures(ctx context.Context, campaignID int64) ([]*models.HeadlineFigure, error) {
	return load(ctx, l.get().tree, l.get().headlines, campaignID)
}
