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
	campaigns     *source[int64, *models.Campaign]
	countries     *source[string, *models.Country]
	events        *source[int64, *models.Event]
	fundings      *dataloadgen.Loader[int64, *models.FundingCommitment]
	indicators    *dataloadgen.Loader[int64, *models.Indicator]
	networks      *source[int64, *models.YouthNetwork]
	organizations *source[int64, *models.Organization]
	venues        *source[int64, *models.Venue]
	apiKeys       *source[int64, *models.APIKey]
	venueOwners   *source[ownerKey, bool]
	slugs         *dataloadgen.Loader[slugKey, int64]

	campaignCountries *source[int64, []*models.CampaignCountry]
	campaignPartners  *source[int64, []*models.CampaignPartner]
	campaignFunding   *source[int64, []*models.FundingCommitment]
	campaignIndicator *source[int64, []*models.Indicator]
	indicatorPeriods  *source[int64, []*models.IndicatorPeriod]
	eventCoHosts      *source[int64, []*models.Organization]
	networkCoords     *source[int64, []*models.Organization]
	networkChannels   *source[int64, []*models.NetworkChannel]
	translations      *source[store.TranslationKey, []*models.Translation]
	images            *source[store.ImageOwner, []*models.Image]
	headlines         *source[int64, []*models.HeadlineFigure]
	regCounts         *source[int64, store.RegistrationCount]
	memberCounts      *source[int64, int]

	campaignPages *source[pageKey, page.Page[*models.Campaign]]
	campaignCount *source[pageKey, int]
	eventPages    *source[pageKey, page.Page[*models.Event]]
	eventCount    *source[pageKey, int]
	eventCountTo  *source[pageKey, int]
	networkPages  *source[pageKey, page.Page[*models.YouthNetwork]]
	networkCount  *source[pageKey, int]

	registrationPages *source[pageKey, page.Page[*models.Registration]]
	registrationCount *source[pageKey, int]
	memberPages       *source[pageKey, page.Page[*models.Member]]
	memberCount       *source[pageKey, int]

	tree    *tree       // the records at each path of the answer, for look-ahead (ahead.go)
	members lazyMembers // members and registrations, made on first use (member.go)
	reach   lazyReach   // results, breakdowns and reach figures, made on first use (reach.go)
}

// New returns a fresh set of loaders over s. The loaders are made on first use: a
// websocket carries the loaders of its upgrade request for as long as it stays open, and
// thousands of idle subscribers would otherwise hold some 24 KB of unused loaders each.
func New(s *store.Store) *Loaders {
	return &Loaders{store: s}
}

// Reset drops everything loaded so far. A mutation calls it after it commits, so that its
// payload, and the mutations after it in the same request, read what it wrote. gqlgen runs
// a request's mutations one after another, so no read of the old generation is under way.
func (l *Loaders) Reset() { l.cur.Store(newSet(l.store)) }

func (l *Loaders) get() *set {
	if s := l.cur.Load(); s != nil {
		return s
	}
	s := newSet(l.store)
	if l.cur.CompareAndSwap(nil, s) {
		return s
	}
	return l.cur.Load()
}

func newSet(s *store.Store) *set {
	opt := dataloadgen.WithWait(Wait)
	st := &set{
		campaigns:     newSource(srcCampaigns, s.CampaignsByID, one[*models.Campaign]),
		countries:     newSource(srcCountries, s.CountriesByCode, nil),
		events:        newSource(srcEvents, s.EventsByID, one[*models.Event]),
		fundings:      dataloadgen.NewMappedLoader(s.FundingCommitmentsByID, opt),
		indicators:    dataloadgen.NewMappedLoader(s.IndicatorsByID, opt),
		networks:      newSource(srcNetworks, s.NetworksByID, one[*models.YouthNetwork]),
		organizations: newSource(srcOrganizations, s.OrganizationsByID, one[*models.Organization]),
		apiKeys:       newSource(srcAPIKeys, s.APIKeysByID, nil),
		slugs:         dataloadgen.NewMappedLoader(slugsFetch(s), opt),

		campaignCountries: newSource(srcCampaignCountries, s.CampaignCountries, records[*models.CampaignCountry]),
		campaignPartners:  newSource(srcCampaignPartners, s.CampaignPartners, records[*models.CampaignPartner]),
		campaignFunding:   newSource(srcCampaignFunding, s.FundingCommitments, records[*models.FundingCommitment]),
		campaignIndicator: newSource(srcCampaignIndicators, s.Indicators, records[*models.Indicator]),
		indicatorPeriods:  newSource(srcIndicatorPeriods, s.IndicatorPeriods, nil),
		eventCoHosts:      newSource(srcEventCoHosts, s.EventCoHosts, records[*models.Organization]),
		networkCoords:     newSource(srcNetworkCoordinators, s.NetworkCoordinators, records[*models.Organization]),
		networkChannels:   newSource(srcNetworkChannels, s.NetworkChannels, nil),
		translations:      newSource(srcTranslations, s.TranslationsOf, nil),
		images:            newSource(srcImages, s.ImagesOf, nil),
		headlines:         newSource(srcHeadlines, s.HeadlineFigures, nil),
		regCounts:         newSource(srcRegistrationCounts, s.RegistrationCounts, nil),
		memberCounts:      newSource(srcMemberCounts, s.NetworkMemberCounts, nil),

		campaignPages: pageSource(srcCampaignPages, s.CampaignPages),
		campaignCount: countSource(srcCampaignCount, s.CountCampaignPages),
		eventPages:    pageSource(srcEventPages, s.EventPages),
		eventCount:    countSource(srcEventCount, s.CountEventPages),
		eventCountTo: countSource(srcEventCountTo, func(ctx context.Context, by store.Parent, keys []string, q upTo[store.EventFilter]) (map[string]int, error) {
			return s.CountEventPagesUpTo(ctx, by, keys, q.Filter, q.Limit)
		}),
		networkPages:      pageSource(srcNetworkPages, s.NetworkPages),
		networkCount:      countSource(srcNetworkCount, s.CountNetworkPages),
		registrationPages: pageSource(srcRegistrationPages, s.RegistrationPages),
		registrationCount: countSource(srcRegistrationCount, s.CountRegistrationPages),
		memberPages:       pageSource(srcMemberPages, s.MemberPages),
		memberCount:       countSource(srcMemberCount, s.CountMemberPages),

		tree: newTree(),
	}
	// A private venue's address and coordinates ask the same question of it: one batch.
	st.venueOwners = newSource(srcVenueOwners, venueOwnersFetch(s), nil)
	st.venueOwners.perRecord = true
	// Venues come with their countries, which prime the countries' loader.
	st.venues = newSource(srcVenues, func(ctx context.Context, ids []int64) (map[int64]*models.Venue, error) {
		venues, err := s.VenuesByID(ctx, ids)
		for _, v := range venues {
			st.countries.prime(v.CountryCode, v.Country)
		}
		return venues, err
	}, one[*models.Venue])
	return st
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

// single loads a single record and speaks the store's ErrNotFound for a missing one.
func single[K comparable, V any](ctx context.Context, l *dataloadgen.Loader[K, V], key K) (V, error) {
	v, err := l.Load(ctx, key)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return v, fmt.Errorf("%v: %w", key, store.ErrNotFound)
	}
	return v, err
}

// singleAhead is single with look-ahead.
func singleAhead[K comparable, V any](ctx context.Context, s *set, src *source[K, V], key K) (V, error) {
	ahead(ctx, s.tree, src, key)
	return single(ctx, src.Loader, key)
}

// Campaign loads a campaign by ID.
func (l *Loaders) Campaign(ctx context.Context, id int64) (*models.Campaign, error) {
	return singleAhead(ctx, l.get(), l.get().campaigns, id)
}

// Country loads a country by ISO code.
func (l *Loaders) Country(ctx context.Context, code string) (*models.Country, error) {
	return singleAhead(ctx, l.get(), l.get().countries, code)
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
	return singleAhead(ctx, l.get(), l.get().events, id)
}

// FundingCommitment loads a funding commitment by ID.
func (l *Loaders) FundingCommitment(ctx context.Context, id int64) (*models.FundingCommitment, error) {
	return single(ctx, l.get().fundings, id)
}

// Indicator loads an indicator by ID.
func (l *Loaders) Indicator(ctx context.Context, id int64) (*models.Indicator, error) {
	return single(ctx, l.get().indicators, id)
}

// Network loads a youth network by ID.
func (l *Loaders) Network(ctx context.Context, id int64) (*models.YouthNetwork, error) {
	return singleAhead(ctx, l.get(), l.get().networks, id)
}

// Organization loads an organization by ID.
func (l *Loaders) Organization(ctx context.Context, id int64) (*models.Organization, error) {
	return singleAhead(ctx, l.get(), l.get().organizations, id)
}

// Venue loads a venue by ID.
func (l *Loaders) Venue(ctx context.Context, id int64) (*models.Venue, error) {
	return singleAhead(ctx, l.get(), l.get().venues, id)
}

// APIKey loads an API key by ID, for the keys named by audit entries and the viewer.
func (l *Loaders) APIKey(ctx context.Context, id int64) (*models.APIKey, error) {
	return singleAhead(ctx, l.get(), l.get().apiKeys, id)
}

// CampaignCountries loads the countries a campaign works in.
func (l *Loaders) CampaignCountries(ctx context.Context, id int64) ([]*models.CampaignCountry, error) {
	return load(ctx, l.get().tree, l.get().campaignCountries, id)
}

// CampaignPartners loads a campaign's partners with their roles.
func (l *Loaders) CampaignPartners(ctx context.Context, id int64) ([]*models.CampaignPartner, error) {
	return load(ctx, l.get().tree, l.get().campaignPartners, id)
}

// FundingCommitments loads a campaign's funding commitments.
func (l *Loaders) FundingCommitments(ctx context.Context, campaignID int64) ([]*models.FundingCommitment, error) {
	return load(ctx, l.get().tree, l.get().campaignFunding, campaignID)
}

// Indicators loads a campaign's indicators.
func (l *Loaders) Indicators(ctx context.Context, campaignID int64) ([]*models.Indicator, error) {
	return load(ctx, l.get().tree, l.get().campaignIndicator, campaignID)
}

// IndicatorPeriods loads an indicator's periods.
func (l *Loaders) IndicatorPeriods(ctx context.Context, indicatorID int64) ([]*models.IndicatorPeriod, error) {
	return load(ctx, l.get().tree, l.get().indicatorPeriods, indicatorID)
}

// EventCoHosts loads an event's co-hosts.
func (l *Loaders) EventCoHosts(ctx context.Context, eventID int64) ([]*models.Organization, error) {
	return load(ctx, l.get().tree, l.get().eventCoHosts, eventID)
}

// NetworkCoordinators loads a network's coordinating organizations.
func (l *Loaders) NetworkCoordinators(ctx context.Context, networkID int64) ([]*models.Organization, error) {
	return load(ctx, l.get().tree, l.get().networkCoords, networkID)
}

// NetworkChannels loads a network's channels.
func (l *Loaders) NetworkChannels(ctx context.Context, networkID int64) ([]*models.NetworkChannel, error) {
	return load(ctx, l.get().tree, l.get().networkChannels, networkID)
}

// PrimeRecords loads, in one statement, the campaigns, organizations and youth networks
// with the given IDs that are not loaded yet, and primes their loaders: nodes(ids:) asks for
// several types at once, and a statement per type would pass the depth + 1 bound.
func (l *Loaders) PrimeRecords(ctx context.Context, campaigns, organizations, networks []int64) error {
	s := l.get()
	campaigns = s.campaigns.missing(campaigns)
	organizations = s.organizations.missing(organizations)
	networks = s.networks.missing(networks)
	if len(campaigns)+len(organizations)+len(networks) == 0 {
		return nil
	}
	recs, err := l.store.RecordsByID(ctx, campaigns, organizations, networks)
	if err != nil {
		return err
	}
	for id, c := range recs.Campaigns {
		s.campaigns.prime(id, c)
	}
	for id, o := range recs.Organizations {
		s.organizations.prime(id, o)
	}
	for id, n := range recs.Networks {
		s.networks.prime(id, n)
	}
	return nil
}
