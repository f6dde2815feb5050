package store

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"campaigns/internal/auth"
	"campaigns/internal/problem"
	"campaigns/internal/relay"
	"campaigns/internal/validate"
	"campaigns/models"
)

// NetworkInput is a new youth network, or the fields of a change; a nil field is left as it
// is. Scope, Country, ParentID and FoundedAtID are set only when a network is created.
type NetworkInput struct {
	Slug, Name      *string
	Description     Opt[string]
	Scope           string
	Country         *string
	ParentID        int64
	FoundedAtID     int64
	Coordinators    []int64
	CoordinatorsSet bool
	Channels        []ChannelInput
	ChannelsSet     bool
}

// ChannelInput is a social-media account or site of a network.
type ChannelInput struct {
	Platform, URL string
	Handle        *string
}

// Bounds on a network's lists, so that one request cannot write without limit.
const (
	maxCoordinators = 50
	maxChannels     = 20
)

// scopeRank orders scopes from the widest; a chapter's scope ranks below its parent's.
var scopeRank = map[string]int{"REGIONAL": 0, "NATIONAL": 1, "LOCAL": 2}

// networkState is what an audit entry shows of a network: its row and its lists.
type networkState struct {
	Network      models.YouthNetwork
	Coordinators []int64
	Channels     []models.NetworkChannel
}

// networkState reads a network's lists for an audit entry.
func (t *Tx) networkState(n *models.YouthNetwork) (networkState, error) {
	s := networkState{Network: *n, Coordinators: []int64{}, Channels: []models.NetworkChannel{}}
	if err := t.db.Raw(`SELECT organization_id FROM network_coordinators WHERE network_id = ? ORDER BY organization_id`, n.ID).Scan(&s.Coordinators).Error; err != nil {
		return s, fmt.Errorf("coordinators of network %d: %w", n.ID, translate(err))
	}
	if err := t.db.Where("network_id = ?", n.ID).Order("id").Find(&s.Channels).Error; err != nil {
		return s, fmt.Errorf("channels of network %d: %w", n.ID, translate(err))
	}
	return s, nil
}

// canEditNetwork reports whether the caller's organization owns the network or coordinates
// it: coordinating is the grant that lets a partner maintain a network and found chapters.
func (t *Tx) canEditNetwork(n *models.YouthNetwork) error {
	var granted bool
	if !t.caller.Anonymous() {
		err := t.db.Raw(`SELECT EXISTS (SELECT 1 FROM network_coordinators WHERE network_id = ? AND organization_id = ?)`,
			n.ID, t.caller.OrgID).Scan(&granted).Error
		if err != nil {
			return fmt.Errorf("network %d coordinators: %w", n.ID, translate(err))
		}
	}
	return auth.RequireEdit(t.caller, "youth network", n.OwnerID, granted)
}

// validateNetwork checks a network's own fields as they will be stored.
func validateNetwork(n *models.YouthNetwork, p *validate.Problems) {
	p.Slug("slug", n.Slug)
	p.Text("name", n.Name, 1, 300)
	p.OptionalText("description", n.Description, 20000)
}

// checkChannels validates channels and returns them as rows of network id.
func checkChannels(id int64, in []ChannelInput, p *validate.Problems) []models.NetworkChannel {
	if len(in) > maxChannels {
		p.Add("channels", validate.Length, "a network has at most %d channels", maxChannels)
	}
	rows := make([]models.NetworkChannel, len(in))
	for i, c := range in {
		p.URL(fmt.Sprintf("channels.%d.url", i), &c.URL)
		if c.Handle != nil {
			p.Text(fmt.Sprintf("channels.%d.handle", i), *c.Handle, 1, 100)
		}
		rows[i] = models.NetworkChannel{NetworkID: id, Platform: c.Platform, URL: c.URL, Handle: c.Handle}
	}
	return rows
}

// checkCoordinators checks that the organizations exist and returns them with owner added
// first, without repeats: the owner always coordinates its network.
func (t *Tx) checkCoordinators(owner *int64, ids []int64, p *validate.Problems) ([]int64, error) {
	if len(ids) > maxCoordinators {
		p.Add("coordinators", validate.Length, "a network has at most %d coordinators", maxCoordinators)
		return nil, nil
	}
	var out []int64
	if owner != nil {
		out = append(out, *owner)
	}
	for i, id := range ids {
		if err := t.organizationMissing(fmt.Sprintf("coordinators.%d", i), id, p); err != nil {
			return nil, err
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		p.Add("coordinators", validate.Required, "a network with no owner needs at least one coordinator")
	}
	return out, nil
}

// setCoordinators replaces a network's coordinators with orgs.
func (t *Tx) setCoordinators(id int64, orgs []int64) error {
	if err := t.db.Exec(`DELETE FROM network_coordinators WHERE network_id = ? AND NOT organization_id = ANY(?::bigint[])`, id, idList(orgs)).Error; err != nil {
		return fmt.Errorf("coordinators of network %d: %w", id, translate(err))
	}
	for _, org := range orgs {
		err := t.db.Exec(`INSERT INTO network_coordinators (network_id, organization_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, id, org).Error
		if err != nil {
			return fmt.Errorf("coordinator %d of network %d: %w", org, id, translate(err))
		}
	}
	return nil
}

// setChannels replaces a network's channels with rows.
func (t *Tx) setChannels(id int64, rows []models.NetworkChannel) error {
	if err := t.db.Exec(`DELETE FROM network_channels WHERE network_id = ?`, id).Error; err != nil {
		return fmt.Errorf("channels of network %d: %w", id, translate(err))
	}
	for i := range rows {
		rows[i].NetworkID = id
		if err := t.insert(&rows[i]); err != nil {
			return err
		}
	}
	return nil
}

// placeNetwork checks a new network's scope, country, parent and founding event, and sets
// them on n.
func (t *Tx) placeNetwork(n *models.YouthNetwork, in NetworkInput, p *validate.Problems) error {
	switch {
	case n.Scope == "REGIONAL" && in.Country != nil:
		p.Add("country", validate.Invalid, "a regional network has no country; leave country out")
	case n.Scope != "REGIONAL" && in.Country == nil:
		p.Add("country", validate.Required, "%s network needs its country", auth.WithArticle(words(n.Scope)))
	case in.Country != nil:
		if code := t.resolveCountry("country", *in.Country, p); code != nil {
			n.CountryCode = code
		}
	}
	if in.ParentID != 0 {
		parent, err := lockReadable[models.YouthNetwork](t, networkRead, in.ParentID, forShare)
		switch {
		case errors.Is(err, ErrNotFound):
			p.Add("parent", validate.NotFound, "no youth network has that ID")
		case err != nil:
			return err
		default:
			if err := t.canEditNetwork(parent); errors.Is(err, auth.ErrForbidden) {
				return fmt.Errorf("parent: %w", problem.Wrap(auth.ErrForbidden, "your organization may not found chapters of this youth network; its owner and coordinators can"))
			} else if err != nil {
				return fmt.Errorf("parent: %w", err)
			}
			n.ParentID = &parent.ID
			if scopeRank[n.Scope] <= scopeRank[parent.Scope] {
				p.Add("scope", validate.Invalid, "a chapter of %s network must have a narrower scope than %s", auth.WithArticle(words(parent.Scope)), words(parent.Scope))
			}
			if parent.CountryCode != nil && n.CountryCode != nil && *parent.CountryCode != *n.CountryCode {
				p.Add("country", validate.Invalid, "a chapter of a network in %s must be in %s too", *parent.CountryCode, *parent.CountryCode)
			}
		}
	}
	if in.FoundedAtID != 0 {
		found, err := t.mayRead(eventRead, in.FoundedAtID)
		if err != nil {
			return err
		}
		if !found {
			p.Add("foundedAt", validate.NotFound, "no event has that ID")
		} else {
			n.FoundedAtID = &in.FoundedAtID
		}
	}
	return nil
}

// CreateYouthNetwork creates a network owned by the caller's organization, which becomes its
// first coordinator. A chapter needs the right to edit its parent.
func (t *Tx) CreateYouthNetwork(in NetworkInput) (*models.YouthNetwork, error) {
	if err := auth.RequireRole(t.caller, auth.RoleEditor, "create a youth network"); err != nil {
		return nil, err
	}
	owner := t.caller.OrgID
	n := &models.YouthNetwork{Scope: in.Scope, OwnerID: &owner, Version: 1, Description: in.Description.Value}
	var p validate.Problems
	if in.Slug != nil {
		n.Slug = *in.Slug
	}
	if in.Name != nil {
		n.Name = *in.Name
	}
	validateNetwork(n, &p)
	if err := t.placeNetwork(n, in, &p); err != nil {
		return nil, err
	}
	coordinators, err := t.checkCoordinators(n.OwnerID, in.Coordinators, &p)
	if err != nil {
		return nil, err
	}
	channels := checkChannels(0, in.Channels, &p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	if err := t.db.Create(n).Error; err != nil {
		if uniqueViolation(err) {
			p.Add("slug", validate.Taken, "another youth network has the slug %q", n.Slug)
			return nil, p
		}
		return nil, fmt.Errorf("insert youth network: %w", translate(err))
	}
	if err := t.setCoordinators(n.ID, coordinators); err != nil {
		return nil, err
	}
	if err := t.setChannels(n.ID, channels); err != nil {
		return nil, err
	}
	after, err := t.networkState(n)
	if err != nil {
		return nil, err
	}
	return n, t.Audit("createYouthNetwork", relay.TypeYouthNetwork, n.GlobalID(), nil, after)
}

// UpdateYouthNetwork changes the given fields of a network at the expected version. Given
// coordinators or channels replace the old lists; the owner stays a coordinator.
func (t *Tx) UpdateYouthNetwork(id int64, expectedVersion int32, in NetworkInput) (*models.YouthNetwork, error) {
	n, err := lockReadable[models.YouthNetwork](t, networkRead, id, forUpdate)
	if err != nil {
		return nil, err
	}
	if err := t.canEditNetwork(n); err != nil {
		return nil, err
	}
	if err := checkVersion("youth network", n.Version, expectedVersion); err != nil {
		return nil, err
	}
	before, err := t.networkState(n)
	if err != nil {
		return nil, err
	}
	if in.Name != nil {
		n.Name = *in.Name
	}
	if in.Description.Set {
		n.Description = in.Description.Value
	}
	var p validate.Problems
	validateNetwork(n, &p)
	var coordinators []int64
	if in.CoordinatorsSet {
		if coordinators, err = t.checkCoordinators(n.OwnerID, in.Coordinators, &p); err != nil {
			return nil, err
		}
	}
	channels := checkChannels(n.ID, in.Channels, &p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	n.Version++
	n.UpdatedAt = time.Now()
	if err := t.db.Save(n).Error; err != nil {
		return nil, fmt.Errorf("update youth network %d: %w", id, translate(err))
	}
	if in.CoordinatorsSet {
		if err := t.setCoordinators(n.ID, coordinators); err != nil {
			return nil, err
		}
	}
	if in.ChannelsSet {
		if err := t.setChannels(n.ID, channels); err != nil {
			return nil, err
		}
	}
	after, err := t.networkState(n)
	if err != nil {
		return nil, err
	}
	return n, t.Audit("updateYouthNetwork", relay.TypeYouthNetwork, n.GlobalID(), before, after)
}
