package loader

import (
	"strconv"

	"campaigns/models"
)

// The key functions of look-ahead (ahead.go): for each field that a loader serves, by
// "Type.field" of the schema, the key that a record of that type asks the loader for.
// A field missing here is still served, through the loader's window.

func ids[O any](f func(O) (int64, bool)) func(any, int64) (int64, bool) { return by(f) }

var campaignKeys = map[string]func(any, int64) (int64, bool){
	"Campaign.parent":    ids(func(c *models.Campaign) (int64, bool) { return deref(c.ParentID) }),
	"Event.campaign":     ids(func(e *models.Event) (int64, bool) { return e.CampaignID, true }),
	"Indicator.campaign": ids(func(i *models.Indicator) (int64, bool) { return i.CampaignID, true }),
}

var eventKeys = map[string]func(any, int64) (int64, bool){
	"YouthNetwork.foundedAt": ids(func(n *models.YouthNetwork) (int64, bool) { return deref(n.FoundedAtID) }),
}

var networkKeys = map[string]func(any, int64) (int64, bool){
	"YouthNetwork.parent": ids(func(n *models.YouthNetwork) (int64, bool) { return deref(n.ParentID) }),
}

// Event.venue, Event.organizer, Venue.country and CampaignPartner.organization need no
// key: the store reads them with their records (store.eventCols), so no loader serves them.
var venueKeys = map[string]func(any, int64) (int64, bool){}

var organizationKeys = map[string]func(any, int64) (int64, bool){
	"FundingCommitment.funder": ids(func(f *models.FundingCommitment) (int64, bool) { return f.FunderID, true }),
	"Campaign.owner":           ids(func(c *models.Campaign) (int64, bool) { return deref(c.OwnerID) }),
	"YouthNetwork.owner":       ids(func(n *models.YouthNetwork) (int64, bool) { return deref(n.OwnerID) }),
}

var countryKeys = map[string]func(any, string) (string, bool){
	"CampaignCountry.country": by(func(c *models.CampaignCountry) (string, bool) { return c.CountryCode, true }),
	"Organization.country":    by(func(o *models.Organization) (string, bool) { return deref(o.CountryCode) }),
	"YouthNetwork.country":    by(func(n *models.YouthNetwork) (string, bool) { return deref(n.CountryCode) }),
}

var indicatorPeriodKeys = map[string]func(any, int64) (int64, bool){
	"Indicator.periods": ids(func(i *models.Indicator) (int64, bool) { return i.ID, true }),
}

var eventCoHostKeys = map[string]func(any, int64) (int64, bool){
	"Event.coHosts": ids(func(e *models.Event) (int64, bool) { return e.ID, true }),
}

// ofCampaign keys the given fields of Campaign by the campaign's ID.
func ofCampaign(fields ...string) map[string]func(any, int64) (int64, bool) {
	m := map[string]func(any, int64) (int64, bool){}
	for _, f := range fields {
		m["Campaign."+f] = ids(func(c *models.Campaign) (int64, bool) { return c.ID, true })
	}
	return m
}

// ofNetwork keys the given fields of YouthNetwork by the network's ID.
func ofNetwork(fields ...string) map[string]func(any, int64) (int64, bool) {
	m := map[string]func(any, int64) (int64, bool){}
	for _, f := range fields {
		m["YouthNetwork."+f] = ids(func(n *models.YouthNetwork) (int64, bool) { return n.ID, true })
	}
	return m
}

// parentOf makes a page key function: the cousin's key is the caller's, for another parent.
func parentOf[O any](key func(O) string) func(any, pageKey) (pageKey, bool) {
	return func(o any, self pageKey) (pageKey, bool) {
		r, ok := o.(O)
		if !ok {
			return pageKey{}, false
		}
		self.key = key(r)
		return self, true
	}
}

func campaignID(c *models.Campaign) string         { return strconv.FormatInt(c.ID, 10) }
func organizationID(o *models.Organization) string { return strconv.FormatInt(o.ID, 10) }
func networkID(n *models.YouthNetwork) string      { return strconv.FormatInt(n.ID, 10) }
func countryCode(c *models.Country) string         { return c.Code }

var campaignPageKeys = map[string]func(any, pageKey) (pageKey, bool){
	"Campaign.children":      parentOf(campaignID),
	"Organization.campaigns": parentOf(organizationID),
}

var eventPageKeys = map[string]func(any, pageKey) (pageKey, bool){
	"Campaign.events":     parentOf(campaignID),
	"Organization.events": parentOf(organizationID),
	"Country.events":      parentOf(countryCode),
}

var networkPageKeys = map[string]func(any, pageKey) (pageKey, bool){
	"YouthNetwork.chapters": parentOf(networkID),
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
