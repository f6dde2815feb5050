package store

import (
	"context"
	"slices"

	"campaigns/models"
)

// Who sees a campaign or an event, written once in its two forms, side by side: the SQL
// conditions the lists, search, exports and writes apply (visibleTo, readRule), and the Go
// predicates graph applies to a single record reached by ID, which read the record's
// relatives through the request's loaders so that a page of lookups stays batched.
// TestVisibilityFormsAgree holds the two to the same answers.

// campaignPublic is who sees a campaign: everyone once it is out of draft, and before that
// its owner's and partners' keys.
const campaignPublic = "c.status <> 'DRAFT'"

// campaignVisible adds, for a caller's organization, the drafts it owns or partners.
const campaignVisible = `(c.status <> 'DRAFT' OR c.owner_id = @org
	OR EXISTS (SELECT 1 FROM campaign_partners vp WHERE vp.campaign_id = c.id AND vp.organization_id = @org))`

// CampaignVisible is campaignVisible for one campaign, as the organization org sees it (0
// for an anonymous caller).
func CampaignVisible(ctx context.Context, r Relatives, org int64, c *models.Campaign) (bool, error) {
	if c.Status != "DRAFT" {
		return true, nil
	}
	return campaignOrgs(ctx, r, org, c)
}

// campaignOrgs reports whether org owns or partners the campaign.
func campaignOrgs(ctx context.Context, r Relatives, org int64, c *models.Campaign) (bool, error) {
	if org == 0 {
		return false, nil
	}
	if c.OwnerID != nil && *c.OwnerID == org {
		return true, nil
	}
	partners, err := r.CampaignPartners(ctx, c.ID)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(partners, func(p *models.CampaignPartner) bool { return p.OrganizationID == org }), nil
}

// eventPublic is what everyone sees: events out of draft, public, in a campaign out of
// draft. The events.listed column holds exactly that, kept by triggers (migration 00007),
// so that the anonymous lists read the partial indexes on listed events without probing
// each row's campaign.
const eventPublic = `e.listed`

// eventVisible adds, for a caller's organization, its drafts and partner-only events: those
// it organizes or co-hosts, or whose campaign it owns or partners.
const eventVisible = `(` + eventPublic + `)
	OR e.organizer_id = @org
	OR EXISTS (SELECT 1 FROM event_cohosts vh WHERE vh.event_id = e.id AND vh.organization_id = @org)
	OR EXISTS (SELECT 1 FROM campaigns vc WHERE vc.id = e.campaign_id AND vc.owner_id = @org)
	OR EXISTS (SELECT 1 FROM campaign_partners vp WHERE vp.campaign_id = e.campaign_id AND vp.organization_id = @org)`

// EventVisible is eventVisible for one event, as the organization org sees it (0 for an
// anonymous caller): a draft, a partner-only event or one in a draft campaign is seen only
// by its organizer, its co-hosts and its campaign's owner and partners.
func EventVisible(ctx context.Context, r Relatives, org int64, e *models.Event) (bool, error) {
	if e.Listed {
		return true, nil
	}
	campaign, err := r.Campaign(ctx, e.CampaignID)
	if err != nil {
		return false, err
	}
	if e.Status != "DRAFT" && e.Visibility == "PUBLIC" && campaign.Status != "DRAFT" {
		return true, nil
	}
	if org == 0 {
		return false, nil
	}
	if e.OrganizerID == org {
		return true, nil
	}
	hosts, err := r.EventCoHosts(ctx, e.ID)
	if err != nil {
		return false, err
	}
	if slices.ContainsFunc(hosts, func(o *models.Organization) bool { return o.ID == org }) {
		return true, nil
	}
	return campaignOrgs(ctx, r, org, campaign)
}

// Relatives reads what the Go predicates need besides the record itself, one record at a
// time: graph passes the request's loaders (loader.Loaders), which batch the reads.
type Relatives interface {
	Campaign(ctx context.Context, id int64) (*models.Campaign, error)
	CampaignPartners(ctx context.Context, campaignID int64) ([]*models.CampaignPartner, error)
	EventCoHosts(ctx context.Context, eventID int64) ([]*models.Organization, error)
}
