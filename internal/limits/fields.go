package limits

// A Field says how a field of the schema is priced beyond one point per object it returns:
// how long a list it returns may be, which rows it pages through, and what PostgreSQL reads
// for it that it does not return (a count, an aggregate, a search's ranking). A field
// without an entry returns objects only; a list without one is priced at the default page.
type Field struct {
	// Size bounds the list the field returns or, with Of, the lists of the type it returns.
	Size *Size
	// Rows are the rows of the list the field returns, or of the list its connection pages
	// through: they price that connection's counts, and size a list that has no page size.
	Rows *Rows
	// Reads is what PostgreSQL reads for the field beyond what it returns.
	Reads []Read
}

// A Size bounds a list by the field's arguments.
type Size struct {
	// Args are the arguments that bound the list (first, last); the largest given applies.
	Args []string
	// IDs is an argument each of whose elements asks for one item (nodes' ids).
	IDs string
	// Default is the size when no argument is given; Max caps a given one (the field refuses
	// a larger one when it runs) and, alone, is a bound that the writes keep.
	Default, Max int
	// Of names the lists of the field's type that repeat once per item: a connection's edges
	// and nodes, a change set's changes. Empty when the field itself is the list.
	Of []string
}

// Rows are rows of a table: all of them, or those hanging off one parent record, or those
// that the field's arguments narrow to.
type Rows struct {
	Table string
	// Per is the column that ties the rows to the parent record (campaign_id for a
	// campaign's events): the rows are at most the parent with the most.
	Per string
	// Narrow maps an argument ("filter.country") to the column it narrows the rows by: given,
	// the rows are at most those of the value with the most.
	Narrow map[string]string
	// Values maps an argument that lists values ("types") to the column that holds them:
	// given, the rows are those of the values listed.
	Values map[string]string
	// Cap, when over 0, is the most of these rows that are read: a count that stops there.
	Cap int
}

// A Read is rows PostgreSQL reads for a field without returning them.
type Read struct {
	// Rows are the rows read; nil for those of the connection the field belongs to.
	Rows *Rows
	// For, when set, is the set of parents whose groups of Rows are read (the registrations
	// of a campaign's events): the rows are then at most the parents times the largest
	// group, and never more than the table.
	For  *Rows
	Work Work
	// AtMost is an argument that stops the read: it reads at most one row more.
	AtMost string
	// PerItem charges the read once per item of the connection's page rather than once.
	PerItem bool
	// Estimate names the CostModel's estimator that counts the rows from the database when
	// statistics cannot tell them; Rows prices the read without it.
	Estimate string
}

// Work is a kind of work on rows, each with its rate in rows per point (CostModel).
type Work int

const (
	// Counted rows are index entries a count reads.
	Counted Work = iota
	// Aggregated rows are rows an aggregate groups and sums.
	Aggregated
	// Ranked rows are documents a search matches and scores.
	Ranked
	works
)

func (w Work) String() string { return [...]string{"counted", "aggregated", "ranked"}[w] }

// Fields are the fields of this API's schema that the cost model needs told about, by
// "Type.field". TestFieldsMatchTheSchema holds them to the schema: every list of objects,
// connection and count is here.
var Fields = map[string]Field{
	// Connections: their counts count these rows.
	"Query.apiKeys":          {Rows: &Rows{Table: "api_keys", Per: "organization_id"}},
	"Query.auditLog":         {Rows: &Rows{Table: "audit_log", Per: "organization_id"}},
	"Query.campaigns":        {Rows: &Rows{Table: "campaigns"}},
	"Campaign.children":      {Rows: &Rows{Table: "campaigns", Per: "parent_id"}},
	"Organization.campaigns": {Rows: &Rows{Table: "campaigns"}},
	"Query.countries":        {Rows: &Rows{Table: "countries"}},
	"Query.events":           {Rows: eventsFiltered},
	"Query.eventsNear":       {Rows: eventsFiltered},
	"Campaign.events":        {Rows: &Rows{Table: "events", Per: "campaign_id"}},
	"Country.events":         {Rows: &Rows{Table: "events", Per: "country_code"}},
	"Organization.events":    {Rows: &Rows{Table: "events", Per: "organizer_id"}},
	"Query.youthNetworks": {Rows: &Rows{Table: "youth_networks",
		Narrow: map[string]string{"filter.parent": "parent_id", "filter.country": "country_code"}}},
	"YouthNetwork.chapters": {Rows: &Rows{Table: "youth_networks", Per: "parent_id"}},
	"YouthNetwork.members":  {Rows: &Rows{Table: "memberships", Per: "network_id"}},
	"Query.organizations": {Rows: &Rows{Table: "organizations",
		Narrow: map[string]string{"filter.country": "country_code"}}},
	// Each registration of a page counts the waitlist ahead of it.
	"Event.registrations": {Rows: registrationsOfEvent,
		Reads: []Read{{Rows: registrationsOfEvent, Work: Counted, PerItem: true}}},
	"EventConnection.count": {Reads: []Read{{Work: Counted, AtMost: "atMost"}}},
	// A search ranks every document that matches before it pages. Statistics cannot tell
	// how many match a text, so the estimator counts them (store.SearchMatches); without
	// it, the price is every document of the kinds and country asked for. Its totalCount
	// (and totalCountIsExact, which needs the same count) counts the ranked matches once
	// more, in the same statement, stopping past store.SearchCountCap.
	"Query.search":                       {Rows: searchCounted, Reads: []Read{{Work: Ranked, Estimate: EstimateSearch, Rows: searchDocuments}}},
	"SearchConnection.totalCountIsExact": {Reads: []Read{{Work: Counted, Rows: &Rows{Table: "search_documents", Cap: SearchCountRows}}}},
	"Query.changes":                      {Size: &Size{Args: []string{"first"}, Default: 100, Max: 500, Of: []string{"changes"}}},
	"Query.nodes":                        {Size: &Size{IDs: "ids", Max: 100}},

	// Counts and aggregates outside connections.
	"YouthNetwork.memberCount":     {Reads: []Read{{Rows: &Rows{Table: "memberships", Per: "network_id"}, Work: Counted}}},
	"Event.registrationCounts":     {Reads: []Read{{Rows: registrationsOfEvent, Work: Counted}}},
	"Campaign.reach":               {Reads: reachOf(&Rows{Table: "events", Per: "campaign_id"})},
	"Query.reach":                  {Reads: reachOf(eventsFiltered)},
	"Reach.byKind":                 {Size: &Size{Max: 7}},   // the event kinds
	"Reach.byStatus":               {Size: &Size{Max: 5}},   // the event statuses
	"Reach.byYear":                 {Size: &Size{Max: 301}}, // 1900 to 2200, the years an event may start in
	"Reach.byCountry":              {Rows: &Rows{Table: "countries"}},
	"Campaign.countries":           {Rows: &Rows{Table: "campaign_countries", Per: "campaign_id"}},
	"Campaign.coverage":            {Rows: &Rows{Table: "campaign_countries", Per: "campaign_id"}},
	"Campaign.partners":            {Rows: &Rows{Table: "campaign_partners", Per: "campaign_id"}},
	"Campaign.fundingCommitments":  {Rows: &Rows{Table: "funding_commitments", Per: "campaign_id"}},
	"Campaign.indicators":          {Rows: &Rows{Table: "indicators", Per: "campaign_id"}},
	"Campaign.results":             {Rows: &Rows{Table: "results", Per: "campaign_id"}},
	"Result.indicators":            {Rows: &Rows{Table: "indicators", Per: "result_id"}},
	"Indicator.periods":            {Rows: &Rows{Table: "indicator_periods", Per: "indicator_id"}},
	"IndicatorPeriod.breakdowns":   {Rows: &Rows{Table: "indicator_breakdowns", Per: "period_id"}},
	"Event.coHosts":                {Rows: &Rows{Table: "event_cohosts", Per: "event_id"}},
	"YouthNetwork.coordinators":    {Size: &Size{Max: 50}},  // network_write.go's maxCoordinators
	"YouthNetwork.channels":        {Size: &Size{Max: 20}},  // network_write.go's maxChannels
	"Viewer.coHostInvitations":     {Size: &Size{Max: 100}}, // cohost_write.go's maxInvitationList
	"Viewer.sentCoHostInvitations": {Size: &Size{Max: 100}},
	"Campaign.images":              {Size: &Size{Max: 20}}, // image_write.go's maxImages
	"Event.images":                 {Size: &Size{Max: 20}},
	"Organization.images":          {Size: &Size{Max: 20}},
	"Illustrated.images":           {Size: &Size{Max: 20}},
	"Image.altTexts":               {Size: &Size{Max: 20}},                                 // image_write.go's maxAltLanguages
	"Campaign.headlineFigures":     {Rows: &Rows{Table: "indicators", Per: "campaign_id"}}, // one per indicator
	"Member.sharedWith":            {Rows: &Rows{Table: "member_shares", Per: "member_id"}},
	"Member.readers":               {Rows: &Rows{Table: "organizations"}}, // one row per organization that read the member
	"Campaign.translations":        translations,
	"Event.translations":           translations,
	"YouthNetwork.translations":    translations,
	"Indicator.translations":       translations,
	"Translatable.translations":    translations,
}

// MembersTables are the tables of members' data, whose lengths price coarsely (CostModel).
var MembersTables = map[string]bool{"registrations": true, "memberships": true, "members": true,
	"member_shares": true, "guardian_consents": true}

// EstimateSearch names the estimator of a search's matches.
const EstimateSearch = "search"

// SearchCountRows are the most matches a search's totalCount counts: store.SearchCountCap
// and one more, to tell that there are more (a test holds the two together).
const SearchCountRows = 1001

var (
	eventsFiltered = &Rows{Table: "events", Narrow: map[string]string{
		"filter.campaign": "campaign_id", "filter.country": "country_code", "filter.organizer": "organizer_id"}}
	registrationsOfEvent = &Rows{Table: "registrations", Per: "event_id"}
	searchDocuments      = &Rows{Table: "search_documents",
		Values: map[string]string{"types": "entity_type"}, Narrow: map[string]string{"country": "country_codes"}}
	// SearchCountRows is store.SearchCountCap + 1, the most matches a search's count reads.
	searchCounted = &Rows{Table: "search_documents", Values: searchDocuments.Values, Narrow: searchDocuments.Narrow, Cap: SearchCountRows}
	translations  = Field{Rows: &Rows{Table: "translations", Per: "entity_id"}}
)

// reachOf is what a reach reads for the events rows: one pass over the events, the
// registrations of those events, and the memberships of the networks they founded.
func reachOf(events *Rows) []Read {
	return []Read{
		{Rows: events, Work: Aggregated},
		{Rows: &Rows{Table: "registrations", Per: "event_id"}, For: events, Work: Aggregated},
		{Rows: &Rows{Table: "memberships"}, Work: Aggregated},
	}
}
