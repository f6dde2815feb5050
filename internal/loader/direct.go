package loader

import (
	"context"

	"campaigns/internal/page"
	"campaigns/internal/store"
	"campaigns/models"
)

// Direct lists the reads that have nothing to batch: each answers a root field, a
// mutation's payload or a subscription's check once per request, in one statement of its
// own, so no relation row stands behind it. graph reads them through Loaders.Direct, as it
// reads every relation through the table in relations.go, and so names every read it makes
// in this package; graph_test's TestGraphReadsThroughTheLoader holds it to that.
type Direct interface {
	// Root lists and their counts.
	Search(ctx context.Context, q store.SearchQuery, req page.Request) (store.SearchPage, error)
	EventsNear(ctx context.Context, n store.Near, f store.EventFilter, req page.Request) (page.Page[*models.Event], error)
	CountEventsNear(ctx context.Context, n store.Near, f store.EventFilter) (int, error)
	CountEventsNearUpTo(ctx context.Context, n store.Near, f store.EventFilter, limit int) (int, error)
	ReachOf(ctx context.Context, f store.EventFilter) (*store.Reach, error)
	Changes(ctx context.Context, q store.SyncQuery) (store.SyncPage, error)
	APIKeys(ctx context.Context, orgID int64, req page.Request) (page.Page[*models.APIKey], error)
	CountAPIKeys(ctx context.Context, orgID int64) (int, error)
	AuditLog(ctx context.Context, orgID int64, f store.AuditFilter, req page.Request) (page.Page[*models.AuditEntry], error)
	CountAuditLog(ctx context.Context, orgID int64, f store.AuditFilter) (int, error)
	PendingCoHostInvitations(ctx context.Context, orgID int64) ([]*models.CoHostInvitation, error)
	SentCoHostInvitations(ctx context.Context, orgID int64) ([]*models.CoHostInvitation, error)

	// Lookups of one record by what a caller names it with.
	AuditEntriesByID(ctx context.Context, ids []int64) (map[int64]*models.AuditEntry, error)
	CoHostInvitation(ctx context.Context, eventID, orgID int64) (*models.CoHostInvitation, error)
	CampaignBySlug(ctx context.Context, slug string) (*models.Campaign, error)
	NetworkBySlug(ctx context.Context, slug string) (*models.YouthNetwork, error)
	OrganizationBySlug(ctx context.Context, slug string) (*models.Organization, error)
	FindCountry(ctx context.Context, name string) (*models.Country, error)

	// Access checks of one record.
	VisibleVenues(ctx context.Context, viewer int64, ids []int64) (map[int64]bool, error)
	VisibleCampaign(ctx context.Context, viewer, id int64, slug string) (int64, string, error)
}

var _ Direct = (*store.Store)(nil)

// Direct returns the reads that nothing batches (see the type).
func (l *Loaders) Direct() Direct { return l.store }
