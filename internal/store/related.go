package store

import (
	"context"

	"github.com/jackc/pgx/v5/pgtype"
	"gorm.io/gorm"

	"campaigns/models"
)

// relatedScan reads the columns of venues, countries and organizations (venueCols,
// countryCols, organizationCols), joined to other rows or read on their own, into nullable
// scratch values, since a left join gives NULLs where there is no venue, and makes each
// distinct record of a statement once: the rows of a page share a few organizers, venues
// and countries, and the records are only read after the statement.
type relatedScan struct {
	v struct {
		id                             pgtype.Int8
		name, city, country, addr, src pgtype.Text
		lat, lon                       pgtype.Float8
		private                        pgtype.Bool
		created                        pgtype.Timestamptz
	}
	c struct {
		code, name, aliases pgtype.Text
		asean               pgtype.Bool
		created, updated    pgtype.Timestamptz
	}
	o struct {
		id                                             pgtype.Int8
		slug, name, kind, country, website, descr, src pgtype.Text
		created, updated                               pgtype.Timestamptz
	}
	venues        map[int64]*models.Venue
	countries     map[string]*models.Country
	organizations map[int64]*models.Organization
}

// dest gives the scan destinations of venueCols, countryCols and organizationCols.
func (r *relatedScan) dest() []any {
	return append(append(r.venueDest(), r.countryDest()...), r.organizationDest()...)
}

func (r *relatedScan) venueDest() []any {
	v := &r.v
	return []any{&v.id, &v.name, &v.city, &v.country, &v.lat, &v.lon, &v.addr, &v.private, &v.src, &v.created}
}

func (r *relatedScan) countryDest() []any {
	c := &r.c
	return []any{&c.code, &c.name, &c.aliases, &c.asean, &c.created, &c.updated}
}

func (r *relatedScan) organizationDest() []any {
	o := &r.o
	return []any{&o.id, &o.slug, &o.name, &o.kind, &o.country, &o.website, &o.descr, &o.src, &o.created, &o.updated}
}

// venue is the venue of the row just scanned, with its country; nil when the row has none.
func (r *relatedScan) venue() (*models.Venue, error) {
	v := &r.v
	if !v.id.Valid {
		return nil, nil
	}
	if got, ok := r.venues[v.id.Int64]; ok {
		return got, nil
	}
	country, err := r.country()
	if err != nil {
		return nil, err
	}
	out := &models.Venue{
		ID: v.id.Int64, Name: v.name.String, City: str(v.city), CountryCode: v.country.String,
		Latitude: float(v.lat), Longitude: float(v.lon), StreetAddress: str(v.addr),
		AddressPrivate: v.private.Bool, Source: str(v.src), CreatedAt: v.created.Time,
		Country: country,
	}
	if r.venues == nil {
		r.venues = map[int64]*models.Venue{}
	}
	r.venues[out.ID] = out
	return out, nil
}

// country is the country of the row just scanned; nil when the row has none.
func (r *relatedScan) country() (*models.Country, error) {
	c := &r.c
	if !c.code.Valid {
		return nil, nil
	}
	if got, ok := r.countries[c.code.String]; ok {
		return got, nil
	}
	out := &models.Country{Code: c.code.String, Name: c.name.String, AseanMember: c.asean.Bool,
		CreatedAt: c.created.Time, UpdatedAt: c.updated.Time}
	// Aliases are read as text and parsed once per country rather than once per row.
	if err := out.AliasList.Scan(c.aliases.String); err != nil {
		return nil, err
	}
	if r.countries == nil {
		r.countries = map[string]*models.Country{}
	}
	r.countries[out.Code] = out
	return out, nil
}

// organization is the organization of the row just scanned; nil when the row has none.
func (r *relatedScan) organization() *models.Organization {
	o := &r.o
	if !o.id.Valid {
		return nil
	}
	if got, ok := r.organizations[o.id.Int64]; ok {
		return got
	}
	out := &models.Organization{
		ID: o.id.Int64, Slug: o.slug.String, Name: o.name.String, Kind: o.kind.String,
		CountryCode: str(o.country), Website: str(o.website), Description: str(o.descr),
		Source: str(o.src), CreatedAt: o.created.Time, UpdatedAt: o.updated.Time,
	}
	if r.organizations == nil {
		r.organizations = map[int64]*models.Organization{}
	}
	r.organizations[out.ID] = out
	return out
}

// organizationsOf reads rows of organizationCols followed by a key (an event's or a
// network's ID) and groups the organizations by key, with an empty list for every key asked.
func organizationsOf(ctx context.Context, db *gorm.DB, query string, keys []int64) (map[int64][]*models.Organization, error) {
	out := make(map[int64][]*models.Organization, len(keys))
	for _, k := range keys {
		out[k] = []*models.Organization{}
	}
	var r relatedScan
	var key int64
	dest := append(r.organizationDest(), &key)
	err := queryRows(ctx, db, query, []any{idList(keys)}, func(rows rowScanner) error {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		out[key] = append(out[key], r.organization())
		return nil
	})
	return out, err
}

// relatedByKey reads one record per row of query into r's scratch values through dest, and
// keeps what rec makes of each row by key: the lookups by ID of venues, organizations and
// countries, which share relatedScan with the joins.
func relatedByKey[K comparable, T any](ctx context.Context, db *gorm.DB, query string, arg any, dest []any,
	rec func() (*T, error), key func(*T) K) (map[K]*T, error) {
	out := map[K]*T{}
	err := queryRows(ctx, db, query, []any{arg}, func(rows rowScanner) error {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		v, err := rec()
		if v != nil {
			out[key(v)] = v
		}
		return err
	})
	return out, err
}

// keyed makes a map of records by their key.
func keyed[K comparable, T any](recs []*T, key func(*T) K) map[K]*T {
	out := make(map[K]*T, len(recs))
	for _, r := range recs {
		out[key(r)] = r
	}
	return out
}

func str(s pgtype.Text) *string {
	if !s.Valid {
		return nil
	}
	return &s.String
}

func float(f pgtype.Float8) *float64 {
	if !f.Valid {
		return nil
	}
	return &f.Float64
}
