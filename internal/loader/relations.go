package loader

import (
	"context"
	"reflect"
	"slices"
	"strconv"

	"campaigns/internal/page"
	"campaigns/internal/store"
	"campaigns/models"
)

// The relation table. Every schema field that resolves to stored records has one row here:
// the field ("Campaign.events"), the loader (and so the store's batch method) that serves
// it, the key a record of the field's type asks that loader for, and what the loaded value
// hands to the next level. Look-ahead (ahead.go) reads its key functions and attached
// records from these rows only, and TestRelationsMatchSchema holds the rows to the
// executable schema, so a renamed field fails a test instead of quietly falling back to the
// loader's window. Adding a relation means: the schema, one resolver line, one row, one
// store method.
var relations = slices.Concat([]Relation{
	// Single records, by the parent record's foreign key.
	toOne("Campaign.parent", srcCampaigns, func(c *models.Campaign) (int64, bool) { return deref(c.ParentID) }),
	toOne("Event.campaign", srcCampaigns, func(e *models.Event) (int64, bool) { return e.CampaignID, true }),
	toOne("Indicator.campaign", srcCampaigns, func(i *models.Indicator) (int64, bool) { return i.CampaignID, true }),
	toOne("YouthNetwork.foundedAt", srcEvents, func(n *models.YouthNetwork) (int64, bool) { return deref(n.FoundedAtID) }),
	toOne("YouthNetwork.parent", srcNetworks, func(n *models.YouthNetwork) (int64, bool) { return deref(n.ParentID) }),
	toOne("FundingCommitment.funder", srcOrganizations, func(f *models.FundingCommitment) (int64, bool) { return f.FunderID, true }),
	toOne("Campaign.owner", srcOrganizations, func(c *models.Campaign) (int64, bool) { return deref(c.OwnerID) }),
	toOne("YouthNetwork.owner", srcOrganizations, func(n *models.YouthNetwork) (int64, bool) { return deref(n.OwnerID) }),
	toOne("CampaignCountry.country", srcCountries, func(c *models.CampaignCountry) (string, bool) { return c.CountryCode, true }),
	toOne("Organization.country", srcCountries, func(o *models.Organization) (string, bool) { return deref(o.CountryCode) }),
	toOne("YouthNetwork.country", srcCountries, func(n *models.YouthNetwork) (string, bool) { return deref(n.CountryCode) }),
	toMany("Organization.logo", srcImages, imageOwner[*models.Organization]), // the first image

	// Lists, by the parent record's ID.
	toMany("Campaign.coverage", srcCampaignCountries, campaignKey),
	through(toMany("Campaign.countries", srcCampaignCountries, campaignKey), srcCountries,
		func(c *models.CampaignCountry) (string, bool) { return c.CountryCode, true }),
	toMany("Campaign.partners", srcCampaignPartners, campaignKey),
	toMany("Campaign.fundingCommitments", srcCampaignFunding, campaignKey),
	toMany("Campaign.indicators", srcCampaignIndicators, campaignKey),
	toMany("Campaign.headlineFigures", srcHeadlines, campaignKey),
	toMany("Indicator.periods", srcIndicatorPeriods, func(i *models.Indicator) (int64, bool) { return i.ID, true }),
	toMany("Event.coHosts", srcEventCoHosts, func(e *models.Event) (int64, bool) { return e.ID, true }),
	toMany("YouthNetwork.coordinators", srcNetworkCoordinators, networkKey),
	toMany("YouthNetwork.channels", srcNetworkChannels, networkKey),
	toMany("Campaign.images", srcImages, imageOwner[*models.Campaign]),
	toMany("Event.images", srcImages, imageOwner[*models.Event]),
	toMany("Organization.images", srcImages, imageOwner[*models.Organization]),

	// Pages, by the parent record's key (CampaignChildren… below, which the resolvers name).
	CampaignChildren, OrganizationCampaigns,
	CampaignEvents, OrganizationEvents, CountryEvents,
	NetworkChapters,
	EventRegistrations, NetworkMembers,

	// Records the store reads with their parent (store.eventCols) and the schema binds
	// without a resolver: no batch loads them, so their cousins are their parents' cousins'.
	attached("Event.venue", func(e *models.Event) *models.Venue { return e.Venue }),
	attached("Event.organizer", func(e *models.Event) *models.Organization { return e.Organizer }),
	attached("Venue.country", func(v *models.Venue) *models.Country { return v.Country }),
	attached("CampaignPartner.organization", func(p *models.CampaignPartner) *models.Organization { return p.Organization }),

	// Relations with no parent: the root fields whose records the loader registers itself
	// (tree.rooted), so that the fields below them load for all of them at once.
	root[*models.Campaign]("Query.campaigns"),
	root[*models.Event]("Query.events"),
	root[*models.YouthNetwork]("Query.youthNetworks"),
	root[*models.Organization]("Query.organizations"),
	root[*models.Country]("Query.countries"),
	root[*models.Campaign]("Query.campaign"),
	root[*models.Event]("Query.event"),
	root[*models.YouthNetwork]("Query.youthNetwork"),
	root[*models.Organization]("Query.organization"),
	root[models.Node]("Query.node"),
	root[models.Node]("Query.nodes"),

	// Relations served through a loader's window, not (yet) by look-ahead: their parents
	// are not registered, or their loaders are keyed by more than the parent (the viewer).
	windowed[*models.APIKey, *models.Organization]("ApiKey.organization"),
	windowed[*models.Campaign, *models.Result]("Campaign.results"),
	windowed[*models.CoHostInvitation, *models.Event]("CoHostInvitation.event"),
	windowed[*models.CoHostInvitation, *models.Organization]("CoHostInvitation.invitedBy"),
	windowed[*models.CoHostInvitation, *models.Organization]("CoHostInvitation.organization"),
	windowed[*models.Indicator, *models.Result]("Indicator.result"),
	windowed[*models.IndicatorBreakdown, *models.Country]("IndicatorBreakdown.country"),
	windowed[*models.IndicatorPeriod, *models.IndicatorBreakdown]("IndicatorPeriod.breakdowns"),
	windowed[*models.Member, *models.Country]("Member.country"),
	windowed[*models.Member, *models.GuardianConsent]("Member.guardianConsent"),
	windowed[*models.Member, *models.MemberReader]("Member.readers"),
	windowed[*models.Member, *models.Organization]("Member.recordedBy"),
	windowed[*models.Member, *models.MemberShare]("Member.sharedWith"),
	windowed[*models.MemberReader, *models.Organization]("MemberReader.organization"),
	windowed[*models.MemberShare, *models.Organization]("MemberShare.organization"),
	windowed[*models.Registration, *models.Event]("Registration.event"),
	windowed[*models.Registration, *models.Member]("Registration.member"),
	windowed[*models.Result, *models.Campaign]("Result.campaign"),
	windowed[*models.Result, *models.Indicator]("Result.indicators"),

	// Root fields read straight from the store, whose records are not registered.
	windowed[none, *models.APIKey]("Query.apiKeys"),
	root[*models.AuditEntry]("Query.auditLog"),
	windowed[none, *models.Country]("Query.country"),
	windowed[none, *models.Event]("Query.eventsNear"),
	windowed[none, models.Node]("Query.search"),

	// Fields that are not relations but read records through a loader: the key an audit
	// entry shows, and the texts in the caller's language.
	feeds("AuditEntry.apiKeyPrefix", srcAPIKeys, func(a *models.AuditEntry) (int64, bool) { return deref(a.APIKeyID) }),
	feeds("Event.registrationCounts", srcRegistrationCounts, func(e *models.Event) (int64, bool) { return e.ID, true }),
	feeds("YouthNetwork.memberCount", srcMemberCounts, networkKey),
	feeds("YouthNetwork.memberCount", srcNetworkCoordinators, networkKey), // the exact count is for coordinators
	// Whether the caller's organization owns a private venue, which its address and exact
	// position wait on (graph/venue.go): asked for every venue at the same place at once.
	owned("Venue.address", srcVenueOwners, privateVenue),
	owned("Venue.coordinates", srcVenueOwners, privateVenue),
},
	translated("Campaign", func(c *models.Campaign) (store.TranslationKey, bool) { return translationKey(c, c.ID) },
		"name", "summary", "description", "localizedName", "localizedSummary", "localizedDescription"),
	translated("Event", func(e *models.Event) (store.TranslationKey, bool) { return translationKey(e, e.ID) },
		"title", "summary", "description", "localizedTitle", "localizedSummary", "localizedDescription"),
	translated("Indicator", func(i *models.Indicator) (store.TranslationKey, bool) { return translationKey(i, i.ID) },
		"name", "description", "localizedName", "localizedDescription"),
	translated("YouthNetwork", func(n *models.YouthNetwork) (store.TranslationKey, bool) { return translationKey(n, n.ID) },
		"name", "description", "localizedName", "localizedDescription"),
)

// translated declares the texts of a translatable type, which read its translations, and
// its translations field.
func translated[O any](typ string, key func(O) (store.TranslationKey, bool), texts ...string) []Relation {
	rows := []Relation{toMany(typ+".translations", srcTranslations, key)}
	for _, f := range texts {
		rows = append(rows, feeds(typ+"."+f, srcTranslations, key))
	}
	return rows
}

func translationKey(r models.Translatable, id int64) (store.TranslationKey, bool) {
	return store.TranslationKey{Kind: r.TranslationKind(), ID: id}, true
}

// The pages the resolvers read, each a row of the table: the parent's condition in the
// store (store.Parent) and the parent record's key in it.
var (
	CampaignChildren      = toPages("Campaign.children", CampaignList, store.CampaignsUnder, campaignID)
	OrganizationCampaigns = toPages("Organization.campaigns", CampaignList, store.CampaignsOfPartner, organizationID)
	CampaignEvents        = toPages("Campaign.events", EventList, store.EventsOfCampaign, campaignID)
	OrganizationEvents    = toPages("Organization.events", EventList, store.EventsOfOrganizer, organizationID)
	CountryEvents         = toPages("Country.events", EventList, store.EventsInCountry, countryCode)
	NetworkChapters       = toPages("YouthNetwork.chapters", NetworkList, store.NetworkChapters, networkID)
	EventRegistrations    = toPages("Event.registrations", RegistrationList, store.RegistrationsOfEvent, eventID)
	NetworkMembers        = toPages("YouthNetwork.members", MemberList, store.MembersOfNetwork, networkID)
)

// The lists that pages are read from: the loaders of nested pages and counts, and the
// store's methods for the whole list at the root, if the schema has one.
var (
	CampaignList = &List[store.CampaignFilter, *models.Campaign]{
		pages:     func(s *set) *source[pageKey, page.Page[*models.Campaign]] { return s.campaignPages },
		count:     func(s *set) *source[pageKey, int] { return s.campaignCount },
		pagesKind: srcCampaignPages, countKind: srcCampaignCount,
		all: (*store.Store).Campaigns, countAll: (*store.Store).CountCampaigns,
	}
	EventList = &List[store.EventFilter, *models.Event]{
		pages:     func(s *set) *source[pageKey, page.Page[*models.Event]] { return s.eventPages },
		count:     func(s *set) *source[pageKey, int] { return s.eventCount },
		countTo:   func(s *set) *source[pageKey, int] { return s.eventCountTo },
		pagesKind: srcEventPages, countKind: srcEventCount, countToKind: srcEventCountTo,
		all: (*store.Store).Events, countAll: (*store.Store).CountEvents, countAllTo: (*store.Store).CountEventsUpTo,
	}
	NetworkList = &List[store.NetworkFilter, *models.YouthNetwork]{
		pages:     func(s *set) *source[pageKey, page.Page[*models.YouthNetwork]] { return s.networkPages },
		count:     func(s *set) *source[pageKey, int] { return s.networkCount },
		pagesKind: srcNetworkPages, countKind: srcNetworkCount,
		all: (*store.Store).Networks, countAll: (*store.Store).CountNetworks,
	}
	// Organizations and countries are listed at the root only.
	OrganizationList = &List[store.OrganizationFilter, *models.Organization]{
		all: (*store.Store).Organizations, countAll: (*store.Store).CountOrganizations,
	}
	CountryList = &List[store.CountryFilter, *models.Country]{
		all: (*store.Store).Countries, countAll: (*store.Store).CountCountries,
	}
	// Members and registrations are read only for who may see them, which the resolver
	// checks for each parent: they are not read ahead for the parent's cousins.
	RegistrationList = &List[store.RegistrationFilter, *models.Registration]{
		pages:     func(s *set) *source[pageKey, page.Page[*models.Registration]] { return s.registrationPages },
		count:     func(s *set) *source[pageKey, int] { return s.registrationCount },
		pagesKind: srcRegistrationPages, countKind: srcRegistrationCount,
		private: true,
	}
	MemberList = &List[store.MemberFilter, *models.Member]{
		pages:     func(s *set) *source[pageKey, page.Page[*models.Member]] { return s.memberPages },
		count:     func(s *set) *source[pageKey, int] { return s.memberCount },
		pagesKind: srcMemberPages, countKind: srcMemberCount,
		private: true,
	}
)

// The loaders that rows name; a set makes its loaders from them (newSet), with the key
// functions the rows put in them once, when the package starts.
var (
	srcCampaigns           = newKind[int64, *models.Campaign]("campaigns")
	srcCountries           = newKind[string, *models.Country]("countries")
	srcEvents              = newKind[int64, *models.Event]("events")
	srcNetworks            = newKind[int64, *models.YouthNetwork]("networks")
	srcOrganizations       = newKind[int64, *models.Organization]("organizations")
	srcVenues              = newKind[int64, *models.Venue]("venues")
	srcVenueOwners         = newKind[ownerKey, bool]("venueOwners")
	srcAPIKeys             = newKind[int64, *models.APIKey]("apiKeys")
	srcCampaignCountries   = newKind[int64, []*models.CampaignCountry]("campaignCountries")
	srcCampaignPartners    = newKind[int64, []*models.CampaignPartner]("campaignPartners")
	srcCampaignFunding     = newKind[int64, []*models.FundingCommitment]("campaignFunding")
	srcCampaignIndicators  = newKind[int64, []*models.Indicator]("campaignIndicators")
	srcIndicatorPeriods    = newKind[int64, []*models.IndicatorPeriod]("indicatorPeriods")
	srcEventCoHosts        = newKind[int64, []*models.Organization]("eventCoHosts")
	srcNetworkCoordinators = newKind[int64, []*models.Organization]("networkCoordinators")
	srcNetworkChannels     = newKind[int64, []*models.NetworkChannel]("networkChannels")
	srcTranslations        = newKind[store.TranslationKey, []*models.Translation]("translations")
	srcImages              = newKind[store.ImageOwner, []*models.Image]("images")
	srcHeadlines           = newKind[int64, []*models.HeadlineFigure]("headlineFigures")
	srcRegistrationCounts  = newKind[int64, store.RegistrationCount]("registrationCounts")
	srcMemberCounts        = newKind[int64, int]("networkMemberCounts")

	srcCampaignPages     = newKind[pageKey, page.Page[*models.Campaign]]("campaignPages")
	srcCampaignCount     = newKind[pageKey, int]("campaignCount")
	srcEventPages        = newKind[pageKey, page.Page[*models.Event]]("eventPages")
	srcEventCount        = newKind[pageKey, int]("eventCount")
	srcEventCountTo      = newKind[pageKey, int]("eventCountUpTo")
	srcNetworkPages      = newKind[pageKey, page.Page[*models.YouthNetwork]]("networkPages")
	srcNetworkCount      = newKind[pageKey, int]("networkCount")
	srcRegistrationPages = newKind[pageKey, page.Page[*models.Registration]]("registrationPages")
	srcRegistrationCount = newKind[pageKey, int]("registrationCount")
	srcMemberPages       = newKind[pageKey, page.Page[*models.Member]]("memberPages")
	srcMemberCount       = newKind[pageKey, int]("memberCount")
)

// kind names a loader of V by K, and holds, by the resolving field ("Event.venue"), the key
// that a cousin record asks it for (ahead.go).
type kind[K comparable, V any] struct {
	name  string
	keyOf map[string]func(obj any, self K) (K, bool)
}

func newKind[K comparable, V any](name string) *kind[K, V] {
	return &kind[K, V]{name: name, keyOf: map[string]func(any, K) (K, bool){}}
}

func campaignKey(c *models.Campaign) (int64, bool)    { return c.ID, true }
func networkKey(n *models.YouthNetwork) (int64, bool) { return n.ID, true }
func campaignID(c *models.Campaign) string            { return strconv.FormatInt(c.ID, 10) }
func organizationID(o *models.Organization) string    { return strconv.FormatInt(o.ID, 10) }
func networkID(n *models.YouthNetwork) string         { return strconv.FormatInt(n.ID, 10) }
func eventID(e *models.Event) string                  { return strconv.FormatInt(e.ID, 10) }
func countryCode(c *models.Country) string            { return c.Code }
func imageOwner[T models.Illustrated](r T) (store.ImageOwner, bool) {
	return store.ImageOwner{Kind: r.ImageKind(), ID: r.ImageID()}, true
}

// Relation is a row of the table. Its types are what TestRelationsMatchSchema checks
// against the resolvers of the executable schema.
type Relation interface {
	// Field is the schema field, "Type.field".
	Field() string
	// Types are the Go types of the parent record (none at the root) and of the records
	// the field resolves to (one, or each of a list's or a page's; none for a field that
	// only reads records).
	Types() (parent, records reflect.Type)
	// setup puts the row's key function, attached records or root where look-ahead reads
	// them; init runs it once for every row.
	setup()
}

// none is the parent of a root field, and the records of a field that is no relation.
type none struct{}

type row[O, R any] struct {
	field string
	setUp func()
}

func (r row[O, R]) Field() string { return r.field }
func (r row[O, R]) Types() (reflect.Type, reflect.Type) {
	return reflect.TypeFor[O](), reflect.TypeFor[R]()
}
func (r row[O, R]) setup() {
	if r.setUp != nil {
		r.setUp()
	}
}

// attachedTo gives, by the field that holds it ("Event.organizer"), the record that the
// store read with its parent (attached rows); roots gives, by root field, the records its
// value holds and the paths below the field where they sit (root rows).
var (
	attachedTo = map[string]func(any) any{}
	roots      = map[string]func(any) ([]any, []string){}
)

func init() {
	for _, r := range relations {
		r.setup()
	}
}

// toOne declares that field, on records of type O, loads a record through src by key.
func toOne[O any, K comparable, V any](field string, src *kind[K, V], key func(O) (K, bool)) row[O, V] {
	return row[O, V]{field: field, setUp: func() { src.keyOf[field] = by(key) }}
}

// feeds declares a field that is no relation, but whose resolver reads records through src
// by key: they are read ahead for the field's cousins all the same.
func feeds[O any, K comparable, V any](field string, src *kind[K, V], key func(O) (K, bool)) row[O, none] {
	return row[O, none]{field: field, setUp: func() { src.keyOf[field] = by(key) }}
}

// owned declares a field that asks whether the caller's organization owns its record:
// keyed by the organization of the resolver that runs the batch and the record's ID, where
// id says the record is one to ask about.
func owned[O any](field string, src *kind[ownerKey, bool], id func(O) (int64, bool)) row[O, none] {
	return row[O, none]{field: field, setUp: func() {
		src.keyOf[field] = func(o any, self ownerKey) (ownerKey, bool) {
			r, ok := o.(O)
			if !ok {
				return ownerKey{}, false
			}
			v, ok := id(r)
			return ownerKey{org: self.org, venue: v}, ok
		}
	}}
}

// privateVenue names a venue whose owner reads more of it than others do.
func privateVenue(v *models.Venue) (int64, bool) { return v.ID, v.AddressPrivate }

// toMany declares that field, on records of type O, loads a list of T through src by key.
func toMany[O any, K comparable, T any](field string, src *kind[K, []T], key func(O) (K, bool)) row[O, T] {
	return row[O, T]{field: field, setUp: func() { src.keyOf[field] = by(key) }}
}

// through declares a list that resolves, through a second loader, to the records its
// items name (a campaign's countries are its coverage's countries).
func through[O, T any, K comparable, V any](r row[O, T], _ *kind[K, V], _ func(T) (K, bool)) row[O, V] {
	return row[O, V](r)
}

// attached declares a record the store reads with its parent, which the schema binds
// without a resolver.
func attached[O, A any](field string, get func(O) *A) row[O, *A] {
	return row[O, *A]{field: field, setUp: func() {
		attachedTo[field] = func(o any) any {
			r, ok := o.(O)
			if !ok {
				return nil
			}
			return orNil(get(r))
		}
	}}
}

// root declares a root field whose records, T or a list or page of T, are registered for
// look-ahead as soon as a field below it asks (tree.rooted).
func root[T any](field string) row[none, T] {
	return row[none, T]{field: field, setUp: func() {
		roots[field] = func(v any) (recs []any, paths []string) {
			switch v := v.(type) {
			case T:
				if !isNil(v) {
					return []any{v}, []string{""}
				}
			case []T:
				for _, r := range v {
					if !isNil(r) {
						recs = append(recs, r)
					}
				}
				return recs, []string{""}
			case interface{ Nodes() []T }:
				return records(v.Nodes()), []string{".nodes", ".edges.node"}
			}
			return nil, nil
		}
	}}
}

// isNil reports whether v is nil or holds a nil pointer, which no field resolves below.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	r := reflect.ValueOf(v)
	return r.Kind() == reflect.Pointer && r.IsNil()
}

// windowed declares a relation that a loader serves through its window only.
func windowed[O, R any](field string) row[O, R] { return row[O, R]{field: field} }

// List is a list of records of type T, filtered by F, that pages are read from.
type List[F, T any] struct {
	pages          func(*set) *source[pageKey, page.Page[T]]
	count, countTo func(*set) *source[pageKey, int]
	all            func(*store.Store, context.Context, F, store.Order, page.Request) (page.Page[T], error)
	countAll       func(*store.Store, context.Context, F) (int, error)
	countAllTo     func(*store.Store, context.Context, F, int) (int, error)
	// private lists load through their loaders' window only, never ahead.
	private bool
	// The loaders' kinds, which the rows of the list's pages put their key functions in.
	pagesKind              *kind[pageKey, page.Page[T]]
	countKind, countToKind *kind[pageKey, int]
}

// All names the whole list, the relation of a root field.
func (l *List[F, T]) All() Under[F, T] { return Under[F, T]{list: l} }

// Pages is a row whose field resolves to a page of the records of a list under a parent
// record of type O.
type Pages[O, F, T any] struct {
	row[O, T]
	list *List[F, T]
	by   store.Parent
	key  func(O) string
}

func toPages[O, F, T any](field string, l *List[F, T], by store.Parent, key func(O) string) *Pages[O, F, T] {
	p := &Pages[O, F, T]{list: l, by: by, key: key}
	keyOf := func(o any, self pageKey) (pageKey, bool) {
		r, ok := o.(O)
		if !ok {
			return pageKey{}, false
		}
		self.key = key(r)
		return self, true
	}
	p.row = row[O, T]{field: field, setUp: func() {
		if l.private {
			return
		}
		l.pagesKind.keyOf[field] = keyOf
		l.countKind.keyOf[field] = keyOf
		if l.countToKind != nil {
			l.countToKind.keyOf[field] = keyOf
		}
	}}
	return p
}

// Of names the records of the page under the parent record o.
func (p *Pages[O, F, T]) Of(o O) Under[F, T] {
	return Under[F, T]{list: p.list, by: p.by, key: p.key(o)}
}

// Under names the records a page is read from: those under one parent, or the whole list.
type Under[F, T any] struct {
	list *List[F, T]
	by   store.Parent // "" for the whole list
	key  string
}

// Page loads a page of the records u names. Those under a parent are read with their
// cousins' (look-ahead); the whole list is read straight from the store.
func Page[F, T any](ctx context.Context, u Under[F, T], f F, o store.Order, req page.Request) (page.Page[T], error) {
	l := For(ctx)
	if u.by == "" {
		return u.list.all(l.store, ctx, f, o, req)
	}
	s := l.get()
	return load(ctx, s.tree, u.list.pages(s), newPageKey(u.by, u.key, query[F]{f, o, req}))
}

// Count counts the records u names.
func Count[F, T any](ctx context.Context, u Under[F, T], f F) (int, error) {
	l := For(ctx)
	if u.by == "" {
		return u.list.countAll(l.store, ctx, f)
	}
	return load(ctx, l.get().tree, u.list.count(l.get()), newPageKey(u.by, u.key, f))
}

// CountUpTo counts the records u names, stopping at limit.
func CountUpTo[F, T any](ctx context.Context, u Under[F, T], f F, limit int) (int, error) {
	l := For(ctx)
	if u.by == "" {
		return u.list.countAllTo(l.store, ctx, f, limit)
	}
	return load(ctx, l.get().tree, u.list.countTo(l.get()), newPageKey(u.by, u.key, upTo[F]{f, limit}))
}

// one is the record a single-record loader loaded, as the next level's cousin.
func one[T any](v T) []any { return []any{v} }

func deref[T any](p *T) (T, bool) {
	if p == nil {
		var zero T
		return zero, false
	}
	return *p, true
}
