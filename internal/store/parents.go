package store

// Parent says how a nested list hangs off its parents: a condition on the parent's key,
// which it refers to as par.key (a text value, cast as the column needs). The conditions
// are all here, each under the alias of its list's table; the relation table
// (internal/loader/relations.go) names the schema field each one serves.
type Parent string

const (
	// CampaignsUnder are a campaign's children; keys are campaign IDs.
	CampaignsUnder = Parent("c.parent_id = par.key::bigint")
	// CampaignsOfPartner are the campaigns an organization is a partner of; keys are organization IDs.
	CampaignsOfPartner = Parent("EXISTS (SELECT 1 FROM campaign_partners cp WHERE cp.campaign_id = c.id AND cp.organization_id = par.key::bigint)")

	// EventsOfCampaign are a campaign's events; keys are campaign IDs.
	EventsOfCampaign = Parent("e.campaign_id = par.key::bigint")
	// EventsOfOrganizer are the events an organization organizes; keys are organization IDs.
	EventsOfOrganizer = Parent("e.organizer_id = par.key::bigint")
	// EventsInCountry are the events held in a country; keys are ISO codes.
	EventsInCountry = Parent("e.country_code = par.key")

	// NetworkChapters are a network's chapters or groups; keys are network IDs.
	NetworkChapters = Parent("n.parent_id = par.key::bigint")

	// RegistrationsOfEvent are an event's registrations; keys are event IDs.
	RegistrationsOfEvent = Parent("r.event_id = par.key::bigint")
	// MembersOfNetwork are a network's members; keys are network IDs.
	MembersOfNetwork = Parent("ms.network_id = par.key::bigint")
)
