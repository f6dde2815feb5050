package graph

import (
	"context"

	"campaigns/internal/loader"
	"campaigns/models"
)

// headlineFigures returns a campaign's indicators with their latest reported values. They
// are the partners' reported figures, shown as reported: unlike the counts of members
// (counts.go), they are not drawn from records of people here, so there is nothing to round.
func headlineFigures(ctx context.Context, c *models.Campaign) ([]*models.HeadlineFigure, error) {
	return loader.For(ctx).HeadlineFigures(ctx, c.ID)
}

// headlineLabel is the indicator's name in the caller's languages.
func headlineLabel(ctx context.Context, h *models.HeadlineFigure, language *string) (string, error) {
	return required(localized(ctx, h.Indicator, "NAME", language))
}
