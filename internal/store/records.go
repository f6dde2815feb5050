package store

import (
	"context"
	"fmt"

	"campaigns/models"
)

// Records are campaigns, organizations and youth networks looked up together by ID.
type Records struct {
	Campaigns     map[int64]*models.Campaign
	Organizations map[int64]*models.Organization
	Networks      map[int64]*models.YouthNetwork
}

// RecordsByIDSQL is RecordsByID's statement: kinds ('c', 'o', 'n') and IDs, in two arrays
// of the same length. It is exported for cmd/loadtest's floor, which runs the API's
// statements without the API.
const RecordsByIDSQL = `SELECT k.kind,
		c.id AS c_id, c.slug AS c_slug, c.name AS c_name, c.summary AS c_summary, c.description AS c_description,
		c.status AS c_status, c.focus AS c_focus, c.themes AS c_themes, c.audiences AS c_audiences,
		c.objectives AS c_objectives, c.starts_on AS c_starts_on, c.starts_on_precision AS c_starts_on_precision,
		c.ends_on AS c_ends_on, c.ends_on_precision AS c_ends_on_precision, c.parent_id AS c_parent_id,
		c.owner_id AS c_owner_id, c.source AS c_source, c.version AS c_version, c.created_at AS c_created_at,
		c.updated_at AS c_updated_at, c.original_language AS c_original_language,
		o.id AS o_id, o.slug AS o_slug, o.name AS o_name, o.kind AS o_kind, o.country_code AS o_country_code,
		o.website AS o_website, o.description AS o_description, o.source AS o_source, o.created_at AS o_created_at,
		o.updated_at AS o_updated_at,
		n.id AS n_id, n.slug AS n_slug, n.name AS n_name, n.description AS n_description, n.scope AS n_scope,
		n.country_code AS n_country_code, n.parent_id AS n_parent_id, n.founded_at_id AS n_founded_at_id,
		n.owner_id AS n_owner_id, n.source AS n_source, n.version AS n_version, n.created_at AS n_created_at,
		n.updated_at AS n_updated_at, n.original_language AS n_original_language
		FROM unnest(?::text[], ?::bigint[]) AS k(kind, id)
		LEFT JOIN campaigns c ON k.kind = 'c' AND c.id = k.id
		LEFT JOIN organizations o ON k.kind = 'o' AND o.id = k.id
		LEFT JOIN youth_networks n ON k.kind = 'n' AND n.id = k.id`

// RecordsByID returns, in one statement, the campaigns, organizations and youth networks
// with the given IDs: what nodes(ids:) asks for besides events, which would otherwise take a
// statement per type. Each ID is left-joined to its own table, so that a row carries the
// columns of one record and NULLs for the others; an ID with no record is left out.
func (s *Store) RecordsByID(ctx context.Context, campaigns, organizations, networks []int64) (Records, error) {
	var kinds []string
	var ids idList
	for _, k := range []struct {
		kind string
		ids  []int64
	}{{"c", campaigns}, {"o", organizations}, {"n", networks}} {
		for _, id := range k.ids {
			kinds, ids = append(kinds, k.kind), append(ids, id)
		}
	}
	var rows []struct {
		Kind         string
		Campaign     models.Campaign     `gorm:"embedded;embeddedPrefix:c_"`
		Organization models.Organization `gorm:"embedded;embeddedPrefix:o_"`
		Network      models.YouthNetwork `gorm:"embedded;embeddedPrefix:n_"`
	}
	err := s.db.WithContext(ctx).Raw(RecordsByIDSQL, models.StringList(kinds), ids).Scan(&rows).Error
	if err != nil {
		return Records{}, fmt.Errorf("records by id: %w", translate(err))
	}
	out := Records{Campaigns: map[int64]*models.Campaign{}, Organizations: map[int64]*models.Organization{}, Networks: map[int64]*models.YouthNetwork{}}
	for i := range rows {
		r := &rows[i]
		switch {
		case r.Kind == "c" && r.Campaign.ID != 0:
			out.Campaigns[r.Campaign.ID] = &r.Campaign
		case r.Kind == "o" && r.Organization.ID != 0:
			out.Organizations[r.Organization.ID] = &r.Organization
		case r.Kind == "n" && r.Network.ID != 0:
			out.Networks[r.Network.ID] = &r.Network
		}
	}
	return out, nil
}
