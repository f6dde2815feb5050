// Package loader batches the reads of one GraphQL request. Every relation of the schema is
// resolved through a loader here, so that the items of a list ask for their related records
// together and the store answers each level of a query with one statement.
package loader

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/vikstrous/dataloadgen"

	"campaigns/internal/page"
	"campaigns/internal/store"
	"campaigns/models"
)

// Wait is how long a loader gathers keys before it runs its batch. gqlgen resolves the
// fields of a list's items in parallel goroutines that all ask within microseconds, so a
// short window catches them all without making each level of a query wait long.
const Wait = time.Millisecond

// Loaders are the per-request loaders. Create them with New for each request; they cache
// what they load for the life of the request only, or until Reset after a write.
type Loaders struct {
	store *store.Store
	cur   atomic.Pointer[set]
}

// set is one generation of loaders; Reset replaces it.
type set struct {
	campaigns     *dataloadgen.Loader[int64, *models.Campaign]
	countries     *dataloadgen.Loader[string, *models.Country]
	events        *dataloadgen.Loader[int64, *models.Event]
	fundings      *dataloadgen.Loader[int64, *models.FundingCommitment]
	indicators    *dataloadgen.Loader[int64, *models.Indicator]
	networks      *dataloadgen.Loader[int64, *models.YouthNetwork]
	organizations *dataloadgen.Loader[int64, *models.Organization]
	venues        *dataloadgen.Loader[int64, *models.Venue]
	apiKeys       *dataloadgen.Loader[int64, *models.APIKey]

	campaignCountries *dataloadgen.Loader[int64, []*models.CampaignCountry]
	campaignPartners  *dataloadgen.Loader[int64, []*models.CampaignPartner]
	campaignFunding   *dataloadgen.Loader[int64, []*models.FundingCommitment]
	campaignIndicator *dataloadgen.Loader[int64, []*models.Indicator]
	indicatorPeriods  *dataloadgen.Loader[int64, []*models.IndicatorPeriod]
	eventCoHosts      *dataloadgen.Loader[int64, []*models.Organization]
	networkCoords     *dataloadgen.Loader[int64, []*models.Organization]
	networkChannels   *dataloadgen.Loader[int64, []*models.NetworkChannel]

	campaignPages *dataloadgen.Loader[pageKey, page.Page[*models.Campaign]]
	campaignCount *dataloadgen.Loader[pageKey, int]
	eventPages    *dataloadgen.Loader[pageKey, page.Page[*models.Event]]
	eventCount    *dataloadgen.Loader[pageKey, int]
	networkPages  *dataloadgen.Loader[pageKey, page.Page[*models.YouthNetwork]]
	networkCount  *dataloadgen.Loader[pageKey, int]

	members lazyMembers // members and registrations, made on first use (member.go)
	reach   lazyReach   // results, breakdowns and reach figures, made on first use (reach.go)
}

// New returns a fresh set of loaders over s.
func New(s *store.Store) *Loaders {
	l := &Loaders{store: s}
	l.cur.Store(newSet(s))
	return l
}

// Reset drops everything loaded so far. A mutation calls it after it commits, so that its
// payload, and the mutations after it in the same request, read what it wrote. gqlgen runs
// a request's mutations one after another, so no read of the old generation is under way.
func (l *Loaders) Reset() { l.cur.Store(newSet(l.store)) }

func (l *Loaders) get() *set { return l.cur.Load() }

func newSet(s *store.Store) *set {
	opt := dataloadgen.WithWait(Wait)
	return &set{
		campaigns:     dataloadgen.NewMappedLoader(s.CampaignsByID, opt),
		countries:     dataloadgen.NewMappedLoader(s.CountriesByCode, opt),
		events:        dataloadgen.NewMappedLoader(s.EventsByID, opt),
		fundings:      dataloadgen.NewMappedLoader(s.FundingCommitmentsByID, opt),
		indicators:    dataloadgen.NewMappedLoader(s.IndicatorsByID, opt),
		networks:      dataloadgen.NewMappedLoader(s.NetworksByID, opt),
		organizations: dataloadgen.NewMappedLoader(s.OrganizationsByID, opt),
		venues:        dataloadgen.NewMappedLoader(s.VenuesByID, opt),
		apiKeys:       dataloadgen.NewMappedLoader(s.APIKeysByID, opt),

		campaignCountries: dataloadgen.NewMappedLoader(s.CampaignCountries, opt),
		campaignPartners:  dataloadgen.NewMappedLoader(s.CampaignPartners, opt),
		campaignFunding:   dataloadgen.NewMappedLoader(s.FundingCommitments, opt),
		campaignIndicator: dataloadgen.NewMappedLoader(s.Indicators, opt),
		indicatorPeriods:  dataloadgen.NewMappedLoader(s.IndicatorPeriods, opt),
		eventCoHosts:      dataloadgen.NewMappedLoader(s.EventCoHosts, opt),
		networkCoords:     dataloadgen.NewMappedLoader(s.NetworkCoordinators, opt),
		networkChannels:   dataloadgen.NewMappedLoader(s.NetworkChannels, opt),

		campaignPages: pageLoader(s.CampaignPages, opt),
		campaignCount: countLoader(s.CountCampaignPages, opt),
		eventPages:    pageLoader(s.EventPages, opt),
		eventCount:    countLoader(s.CountEventPages, opt),
		networkPages:  pageLoader(s.NetworkPages, opt),
		networkCount:  countLoader(s.CountNetworkPages, opt),
	}
}

type ctxKey struct{}

// Middleware gives every request its own loaders.
func Middleware(s *store.Store, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(With(r.Context(), New(s))))
	})
}

// With returns a context that carries l.
func With(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// For returns the request's loaders. It panics when the middleware is missing, which is a
// wiring mistake that every end-to-end test would show at once.
func For(ctx context.Context) *Loaders {
	l, ok := ctx.Value(ctxKey{}).(*Loaders)
	if !ok {
		panic("loader: no loaders in context; is loader.Middleware installed?")
	}
	return l
}

// one loads a single record and speaks the store's ErrNotFound for a missing one.
func one[K comparable, V any](ctx context.Context, l *dataloadgen.Loader[K, V], key K) (V, error) {
	v, err := l.Load(ctx, key)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return v, fmt.Errorf("%v: %w", key, store.ErrNotFound)
	}
	return v, err
}

// Campaign loads a campaign by ID.
func (l *Loaders) Campaign(ctx context.Context, id int64) (*models.Campaign, error) {
	return one(ctx, l.get().campaigns, id)
}

// Country loads a country by ISO code.
func (l *Loaders) Country(ctx context.Context, code string) (*models.Country, error) {
	return one(ctx, l.get().countries, code)
}

// Countries loads several countries by ISO code, in the order asked.
func (l *Loaders) Countries(ctx context.Context, codes []string) ([]*models.Country, error) {
	out, err := l.get().countries.LoadAll(ctx, codes)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, fmt.Errorf("countries %v: %w", codes, store.ErrNotFound)
	}
	return out, err
}

// Event loads an event by ID.
func (l *Loaders) Event(ctx context.Context, id int64) (*models.Event, error) {
	return one(ctx, l.get().events, id)
}

// FundingCommitment loads a funding commitment by ID.
func (l *Loaders) FundingCommitment(ctx context.Context, id int64) (*models.FundingCommitment, error) {
	return one(ctx, l.get().fundings, id)
}

// Indicator loads an indicator by ID.
func (l *Loaders) Indicator(ctx context.Context, id int64) (*models.Indicator, error) {
	return one(ctx, l.get().indicators, id)
}

// Network loads a youth network by ID.
func (l *Loaders) Network(ctx context.Context, id int64) (*models.YouthNetwork, error) {
	return one(ctx, l.get().networks, id)
}

// Organization loads an organization by ID.
func (l *Loaders) Organization(ctx context.Context, id int64) (*models.Organization, error) {
	return one(ctx, l.get().organizations, id)
}

// Venue loads a venue by ID.
func (l *Loaders) Venue(ctx context.Context, id int64) (*models.Venue, error) {
	return one(ctx, l.get().venues, id)
}

// APIKey loads an API key by ID, for the keys named by audit entries and the viewer.
func (l *Loaders) APIKey(ctx context.Context, id int64) (*models.APIKey, error) {
	return one(ctx, l.get().apiKeys, id)
}

// CampaignCountries loads the countries a campaign works in.
func (l *Loaders) CampaignCountries(ctx context.Context, id int64) ([]*models.CampaignCountry, error) {
	return l.get().campaignCountries.Load(ctx, id)
}

// CampaignPartners loads a campaign's partners with their roles.
func (l *Loaders) CampaignPartners(ctx context.Context, id int64) ([]*models.CampaignPartner, error) {
	return l.get().campaignPartners.Load(ctx, id)
}

// FundingCommitments loads a campaign's funding commitments.
func (l *Loaders) FundingCommitments(ctx context.Context, campaignID int64) ([]*models.FundingCommitment, error) {
	return l.get().campaignFunding.Load(ctx, campaignID)
}

// Indicators loads a campaign's indicators.
func (l *Loaders) Indicators(ctx context.Context, campaignID int64) ([]*models.Indicator, error) {
	return l.get().campaignIndicator.Load(ctx, campaignID)
}

// IndicatorPeriods loads an indicator's periods.
func (l *Loaders) IndicatorPeriods(ctx context.Context, indicatorID int64) ([]*models.IndicatorPeriod, error) {
	return l.get().indicatorPeriods.Load(ctx, indicatorID)
}

// EventCoHosts loads an event's co-hosts.
func (l *Loaders) EventCoHosts(ctx context.Context, eventID int64) ([]*models.Organization, error) {
	return l.get().eventCoHosts.Load(ctx, eventID)
}

// NetworkCoordinators loads a network's coordinating organizations.
func (l *Loaders) NetworkCoordinators(ctx context.Context, networkID int64) ([]*models.Organization, error) {
	return l.get().networkCoords.Load(ctx, networkID)
}

// NetworkChannels loads a network's channels.
func (l *Loaders) NetworkChannels(ctx context.Context, networkID int64) ([]*models.NetworkChannel, error) {
	return l.get().networkChannels.Load(ctx, networkID)
}

// CampaignPage loads a page of the campaigns under one parent.
func (l *Loaders) CampaignPage(ctx context.Context, by store.Parent, key string, f store.CampaignFilter, o store.Order, req page.Request) (page.Page[*models.Campaign], error) {
	return l.get().campaignPages.Load(ctx, newPageKey(by, key, query[store.CampaignFilter]{f, o, req}))
}

// CampaignCount counts the campaigns under one parent.
func (l *Loaders) CampaignCount(ctx context.Context, by store.Parent, key string, f store.CampaignFilter) (int, error) {
	return l.get().campaignCount.Load(ctx, newPageKey(by, key, f))
}

// EventPage loads a page of the events under one parent.
func (l *Loaders) EventPage(ctx context.Context, by store.Parent, key string, f store.EventFilter, o store.Order, req page.Request) (page.Page[*models.Event], error) {
	return l.get().eventPages.Load(ctx, newPageKey(by, key, query[store.EventFilter]{f, o, req}))
}

// EventCount counts the events under one parent.
func (l *Loaders) EventCount(ctx context.Context, by store.Parent, key string, f store.EventFilter) (int, error) {
	return l.get().eventCount.Load(ctx, newPageKey(by, key, f))
}

// NetworkPage loads a page of the youth networks under one parent.
func (l *Loaders) NetworkPage(ctx context.Context, by store.Parent, key string, f store.NetworkFilter, o store.Order, req page.Request) (page.Page[*models.YouthNetwork], error) {
	return l.get().networkPages.Load(ctx, newPageKey(by, key, query[store.NetworkFilter]{f, o, req}))
}

// NetworkCount counts the youth networks under one parent.
func (l *Loaders) NetworkCount(ctx context.Context, by store.Parent, key string, f store.NetworkFilter) (int, error) {
	return l.get().networkCount.Load(ctx, newPageKey(by, key, f))
}
