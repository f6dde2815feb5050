package store

import (
	"context"
	"fmt"
	"strings"

	"campaigns/internal/page"
	"campaigns/internal/problem"
	"campaigns/models"
)

var organizationList = listSpec{
	name: ListOrganizations,
	from: "organizations o",
	cols: "o.*",
	tie:  sortKey{expr: "o.id", cast: "bigint", kind: kindInt},
	orders: map[string]sortKey{
		"NAME":       {expr: "o.name", cast: "text", kind: kindText},
		"CREATED_AT": {expr: "o.created_at", cast: "timestamptz", kind: kindTime},
	},
}

// OrganizationFilter narrows a list of organizations; zero fields do not narrow.
type OrganizationFilter struct {
	Kinds       []string
	CountryCode string
}

func (f OrganizationFilter) conds() []cond {
	var cs []cond
	if len(f.Kinds) > 0 {
		cs = append(cs, cond{"o.kind = ANY(?::text[])", []any{models.StringList(f.Kinds)}})
	}
	if f.CountryCode != "" {
		cs = append(cs, cond{"o.country_code = ?", []any{f.CountryCode}})
	}
	return cs
}

// Organizations returns a page of the organizations that match f.
func (s *Store) Organizations(ctx context.Context, f OrganizationFilter, o Order, req page.Request) (page.Page[*models.Organization], error) {
	p, err := listPage[models.Organization](ctx, s.db, organizationList, f.conds(), o, req)
	if err != nil {
		return p, fmt.Errorf("organizations: %w", err)
	}
	return p, nil
}

// CountOrganizations counts the organizations that match f.
func (s *Store) CountOrganizations(ctx context.Context, f OrganizationFilter) (int, error) {
	n, err := listCount(ctx, s.db, organizationList, f.conds(), 0)
	if err != nil {
		return 0, fmt.Errorf("count organizations: %w", err)
	}
	return n, nil
}

// OrganizationsByID returns the organizations with the given IDs.
func (s *Store) OrganizationsByID(ctx context.Context, ids []int64) (map[int64]*models.Organization, error) {
	var r relatedScan
	out, err := relatedByKey(ctx, s.db, "SELECT "+organizationCols+" FROM organizations eo WHERE eo.id = ANY(?::bigint[])", idList(ids),
		r.organizationDest(), func() (*models.Organization, error) { return r.organization(), nil },
		func(o *models.Organization) int64 { return o.ID })
	if err != nil {
		return nil, fmt.Errorf("organizations by id: %w", translate(err))
	}
	return out, nil
}

// OrganizationBySlug returns the organization with the given slug, or ErrNotFound.
func (s *Store) OrganizationBySlug(ctx context.Context, slug string) (*models.Organization, error) {
	var o models.Organization
	if err := s.db.WithContext(ctx).Where("slug = ?", slug).Take(&o).Error; err != nil {
		return nil, fmt.Errorf("organization %q: %w", slug, translate(err))
	}
	return &o, nil
}

var countryList = listSpec{
	name: ListCountries,
	from: "countries k",
	cols: "k.*",
	tie:  sortKey{expr: "k.code", cast: "text", kind: kindText},
	orders: map[string]sortKey{
		"NAME": {expr: "k.name", cast: "text", kind: kindText},
		"CODE": {expr: "k.code", cast: "text", kind: kindText},
	},
}

// CountryFilter narrows a list of countries; zero fields do not narrow.
type CountryFilter struct {
	AseanMember *bool
	Search      string
}

func (f CountryFilter) conds() []cond {
	var cs []cond
	if f.AseanMember != nil {
		cs = append(cs, cond{"k.asean_member = ?", []any{*f.AseanMember}})
	}
	if f.Search != "" {
		// A search for "burma" must find Myanmar through its alias.
		pattern := "%" + escapeLike(strings.ToLower(f.Search)) + "%"
		cs = append(cs, cond{
			"lower(k.code) = lower(?) OR lower(k.name) LIKE ? OR EXISTS (SELECT 1 FROM unnest(k.aliases) a WHERE lower(a) LIKE ?)",
			[]any{f.Search, pattern, pattern},
		})
	}
	return cs
}

// Countries returns a page of the countries that match f.
func (s *Store) Countries(ctx context.Context, f CountryFilter, o Order, req page.Request) (page.Page[*models.Country], error) {
	p, err := listPage[models.Country](ctx, s.db, countryList, f.conds(), o, req)
	if err != nil {
		return p, fmt.Errorf("countries: %w", err)
	}
	return p, nil
}

// CountCountries counts the countries that match f.
func (s *Store) CountCountries(ctx context.Context, f CountryFilter) (int, error) {
	n, err := listCount(ctx, s.db, countryList, f.conds(), 0)
	if err != nil {
		return 0, fmt.Errorf("count countries: %w", err)
	}
	return n, nil
}

// CountriesByCode returns the countries with the given ISO codes.
func (s *Store) CountriesByCode(ctx context.Context, codes []string) (map[string]*models.Country, error) {
	var r relatedScan
	out, err := relatedByKey(ctx, s.db, "SELECT "+countryCols+" FROM countries evc WHERE evc.code = ANY(?::text[])", models.StringList(codes),
		r.countryDest(), r.country, func(c *models.Country) string { return c.Code })
	if err != nil {
		return nil, fmt.Errorf("countries %v: %w", codes, translate(err))
	}
	return out, nil
}

// countryNamed matches the country whose code, name or alias is its argument, ignoring case;
// each of its three placeholders takes the same name.
const countryNamed = `lower(code) = lower(?) OR lower(name) = lower(?) OR EXISTS (SELECT 1 FROM unnest(aliases) a WHERE lower(a) = lower(?))`

// FindCountry returns the country whose code, name or alias is name, ignoring case, so that
// "MM", "Myanmar" and "Burma" all find Myanmar. An unknown name gives ErrInvalid, because
// every caller is resolving a filter or lookup the client typed.
func (s *Store) FindCountry(ctx context.Context, name string) (*models.Country, error) {
	var c models.Country
	err := s.db.WithContext(ctx).
		Where(countryNamed, name, name, name).
		Order("code").Take(&c).Error
	if err != nil {
		err = translate(err)
		if err == ErrNotFound {
			return nil, problem.Wrap(ErrInvalid, "no country is called %q; use an ISO 3166-1 alpha-2 code such as MM", truncate(name))
		}
		return nil, fmt.Errorf("country %q: %w", truncate(name), err)
	}
	return &c, nil
}

// escapeLike escapes LIKE's wildcards in user input.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
