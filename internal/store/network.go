package store

import (
	"context"
	"fmt"

	"campaigns/internal/page"
	"campaigns/models"
)

var networkList = listSpec{
	name: ListNetworks,
	from: "youth_networks n",
	cols: networkCols,
	scan: func() any { return networkScan{} },
	tie:  sortKey{expr: "n.id", cast: "bigint", kind: kindInt},
	orders: map[string]sortKey{
		"NAME":       {expr: "n.name", cast: "text", kind: kindText},
		"CREATED_AT": {expr: "n.created_at", cast: "timestamptz", kind: kindTime},
	},
}

// networkCols are the columns of a youth network in the order networkScan reads them.
const networkCols = `n.id, n.slug, n.name, n.description, n.scope, n.country_code, n.parent_id, n.founded_at_id,
	n.owner_id, n.source, n.version, n.created_at, n.updated_at, n.original_language`

// networkScan reads rows of networkCols (a rowScan) without GORM's reflection, which was
// an eighth of the server's CPU on the network tree (BENCHMARKS.md).
type networkScan struct{}

func (networkScan) dest(n *models.YouthNetwork) []any {
	return []any{&n.ID, &n.Slug, &n.Name, &n.Description, &n.Scope, &n.CountryCode, &n.ParentID, &n.FoundedAtID,
		&n.OwnerID, &n.Source, &n.Version, &n.CreatedAt, &n.UpdatedAt, &n.OriginalLanguage}
}

func (networkScan) done(*models.YouthNetwork) error { return nil }

// NetworkFilter narrows a list of youth networks; zero fields do not narrow.
type NetworkFilter struct {
	Scopes      []string
	CountryCode string
	ParentID    int64
	TopLevel    *bool
}

func (f NetworkFilter) conds() []cond {
	var cs []cond
	if len(f.Scopes) > 0 {
		cs = append(cs, cond{"n.scope = ANY(?::text[])", []any{models.StringList(f.Scopes)}})
	}
	if f.CountryCode != "" {
		cs = append(cs, cond{"n.country_code = ?", []any{f.CountryCode}})
	}
	if f.ParentID != 0 {
		cs = append(cs, cond{"n.parent_id = ?", []any{f.ParentID}})
	}
	if f.TopLevel != nil {
		if *f.TopLevel {
			cs = append(cs, cond{sql: "n.parent_id IS NULL"})
		} else {
			cs = append(cs, cond{sql: "n.parent_id IS NOT NULL"})
		}
	}
	return cs
}

// Networks returns a page of the youth networks that match f.
func (s *Store) Networks(ctx context.Context, f NetworkFilter, o Order, req page.Request) (page.Page[*models.YouthNetwork], error) {
	p, err := listPage[models.YouthNetwork](ctx, s.db, networkList, f.conds(), o, req)
	if err != nil {
		return p, fmt.Errorf("youth networks: %w", err)
	}
	return p, nil
}

// CountNetworks counts the youth networks that match f.
func (s *Store) CountNetworks(ctx context.Context, f NetworkFilter) (int, error) {
	n, err := listCount(ctx, s.db, networkList, f.conds(), 0)
	if err != nil {
		return 0, fmt.Errorf("count youth networks: %w", err)
	}
	return n, nil
}

// NetworkPages returns, in one statement, a page of networks for each parent key.
func (s *Store) NetworkPages(ctx context.Context, by Parent, keys []string, f NetworkFilter, o Order, req page.Request) (map[string]page.Page[*models.YouthNetwork], error) {
	out, err := listPages[models.YouthNetwork](ctx, s.db, networkList, by, keys, f.conds(), o, req)
	if err != nil {
		return nil, fmt.Errorf("network pages of %d parents: %w", len(keys), err)
	}
	return out, nil
}

// CountNetworkPages counts, in one statement, the networks under each parent key.
func (s *Store) CountNetworkPages(ctx context.Context, by Parent, keys []string, f NetworkFilter) (map[string]int, error) {
	out, err := listCounts(ctx, s.db, networkList, by, keys, f.conds(), 0)
	if err != nil {
		return nil, fmt.Errorf("count network pages of %d parents: %w", len(keys), err)
	}
	return out, nil
}

// NetworksByID returns the youth networks with the given IDs.
func (s *Store) NetworksByID(ctx context.Context, ids []int64) (map[int64]*models.YouthNetwork, error) {
	ns, err := scanAll[models.YouthNetwork](ctx, s.db, networkScan{}, "SELECT "+networkCols+" FROM youth_networks n WHERE n.id = ANY(?::bigint[])", idList(ids))
	if err != nil {
		return nil, fmt.Errorf("youth networks by id: %w", translate(err))
	}
	return keyed(ns, func(n *models.YouthNetwork) int64 { return n.ID }), nil
}

// NetworkBySlug returns the youth network with the given slug, or ErrNotFound.
func (s *Store) NetworkBySlug(ctx context.Context, slug string) (*models.YouthNetwork, error) {
	var n models.YouthNetwork
	if err := s.db.WithContext(ctx).Where("slug = ?", slug).Take(&n).Error; err != nil {
		return nil, fmt.Errorf("youth network %q: %w", slug, translate(err))
	}
	return &n, nil
}

// NetworkCoordinatorsSQL is NetworkCoordinators' statement, of an array of network IDs;
// exported for cmd/loadtest's floor.
const NetworkCoordinatorsSQL = `SELECT ` + organizationCols + `, nc.network_id FROM network_coordinators nc
		JOIN organizations eo ON eo.id = nc.organization_id WHERE nc.network_id = ANY(?::bigint[]) ORDER BY eo.name, eo.id`

// NetworkCoordinators returns the coordinating organizations of each network, by name.
func (s *Store) NetworkCoordinators(ctx context.Context, ids []int64) (map[int64][]*models.Organization, error) {
	out, err := organizationsOf(ctx, s.db, NetworkCoordinatorsSQL, ids)
	if err != nil {
		return nil, fmt.Errorf("coordinators of %d networks: %w", len(ids), translate(err))
	}
	return out, nil
}

// NetworkChannelsSQL is NetworkChannels' statement, of an array of network IDs; exported
// for cmd/loadtest's floor.
const NetworkChannelsSQL = "SELECT id, network_id, platform, url, handle FROM network_channels WHERE network_id = ANY(?::bigint[]) ORDER BY id"

// NetworkChannels returns the channels of each network.
func (s *Store) NetworkChannels(ctx context.Context, ids []int64) (map[int64][]*models.NetworkChannel, error) {
	var rows []*models.NetworkChannel
	err := queryRows(ctx, s.db, NetworkChannelsSQL, []any{idList(ids)}, func(r rowScanner) error {
		c := new(models.NetworkChannel)
		rows = append(rows, c)
		return r.Scan(&c.ID, &c.NetworkID, &c.Platform, &c.URL, &c.Handle)
	})
	if err != nil {
		return nil, fmt.Errorf("channels of %d networks: %w", len(ids), translate(err))
	}
	return groupBy(ids, rows, func(r *models.NetworkChannel) int64 { return r.NetworkID }), nil
}
