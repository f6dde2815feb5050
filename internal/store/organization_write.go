package store

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm/clause"

	"campaigns/internal/auth"
	"campaigns/internal/problem"
	"campaigns/internal/relay"
	"campaigns/internal/validate"
	"campaigns/models"
)

// organizationKinds are the values of the schema's OrganizationKind, as the database's
// CHECK constraint allows them.
var organizationKinds = []string{"GOVERNMENT", "INTERGOVERNMENTAL", "DONOR", "MEDIA", "CIVIL_SOCIETY",
	"UN_AGENCY", "PRIVATE_SECTOR", "ACADEMIC", "OTHER"}

// OrganizationInput is a new organization, or the fields of a change; a nil or unset field is
// left as it is.
type OrganizationInput struct {
	Slug, Name, Kind              *string
	Country, Website, Description Opt[string]
}

// apply copies the given fields of in onto o; the country is resolved separately, since it
// may be given by name.
func (in OrganizationInput) apply(o *models.Organization) {
	if in.Slug != nil {
		o.Slug = *in.Slug
	}
	if in.Name != nil {
		o.Name = *in.Name
	}
	if in.Kind != nil {
		o.Kind = *in.Kind
	}
	if in.Website.Set {
		o.Website = in.Website.Value
	}
	if in.Description.Set {
		o.Description = in.Description.Value
	}
}

// validateOrganization checks an organization's fields as they will be stored.
func validateOrganization(o *models.Organization, p *validate.Problems) {
	p.Slug("slug", o.Slug)
	p.Text("name", o.Name, 1, 300)
	if !slices.Contains(organizationKinds, o.Kind) {
		p.Add("kind", validate.Invalid, "kind must be one of %s", strings.Join(organizationKinds, ", "))
	}
	if o.Website != nil && !strings.HasPrefix(*o.Website, "http://") && !strings.HasPrefix(*o.Website, "https://") {
		// The database wants the scheme in lower case, which url.Parse would accept either way.
		p.Add("website", validate.Invalid, "website must be an http or https URL")
	} else {
		p.URL("website", o.Website)
	}
	p.OptionalText("description", o.Description, 5000)
}

// applyCountry sets the organization's country from a change, resolving a name to its code.
func (t *Tx) applyCountry(o *models.Organization, country Opt[string], p *validate.Problems) {
	switch {
	case !country.Set:
	case country.Value == nil:
		o.CountryCode = nil
	default:
		o.CountryCode = t.resolveCountry("country", *country.Value, p)
	}
}

// CreateOrganization creates a partner organization. Only the platform's operators create
// organizations: an organization's keys act for it, so making one is making a new party.
func (t *Tx) CreateOrganization(in OrganizationInput) (*models.Organization, error) {
	if err := auth.RequireRole(t.caller, auth.RolePlatform, "create an organization"); err != nil {
		return nil, err
	}
	o := &models.Organization{}
	in.apply(o)
	var p validate.Problems
	validateOrganization(o, &p)
	t.applyCountry(o, in.Country, &p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	if err := t.db.Create(o).Error; err != nil {
		if uniqueViolation(err) {
			p.Add("slug", validate.Taken, "another organization has the slug %q", o.Slug)
			return nil, p
		}
		return nil, fmt.Errorf("insert organization: %w", translate(err))
	}
	return o, t.Audit("createOrganization", relay.TypeOrganization, o.GlobalID(), nil, o)
}

// UpdateOrganization changes the given fields of an organization; platform operators only.
func (t *Tx) UpdateOrganization(id int64, in OrganizationInput) (*models.Organization, error) {
	if err := auth.RequireRole(t.caller, auth.RolePlatform, "change an organization"); err != nil {
		return nil, err
	}
	o, err := lockReadable[models.Organization](t, organizationRead, id, forUpdate)
	if err != nil {
		return nil, err
	}
	before := *o
	in.apply(o)
	var p validate.Problems
	validateOrganization(o, &p)
	t.applyCountry(o, in.Country, &p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	o.UpdatedAt = time.Now()
	if err := t.db.Save(o).Error; err != nil {
		if uniqueViolation(err) {
			p.Add("slug", validate.Taken, "another organization has the slug %q", o.Slug)
			return nil, p
		}
		return nil, fmt.Errorf("update organization %d: %w", id, translate(err))
	}
	return o, t.Audit("updateOrganization", relay.TypeOrganization, o.GlobalID(), before, o)
}

// CountryInput is a country to create or change. Aliases and AseanMember left unset keep
// an existing country's values, and start empty and false for a new one.
type CountryInput struct {
	Code, Name  string
	Aliases     []string
	AliasesSet  bool
	AseanMember *bool
}

var countryCode = regexp.MustCompile(`^[A-Z]{2}$`)

// maxAliases bounds a country's other names, which every country lookup searches.
const maxAliases = 20

func validateCountry(c *models.Country, p *validate.Problems) {
	if !countryCode.MatchString(c.Code) {
		p.Add("code", validate.Invalid, "code must be an ISO 3166-1 alpha-2 code: two capital letters, such as MM")
	}
	p.Text("name", c.Name, 1, 200)
	for i, a := range c.AliasList {
		p.Text(fmt.Sprintf("aliases.%d", i), a, 1, 100)
	}
	if len(c.AliasList) > maxAliases {
		p.Add("aliases", validate.Length, "a country has at most %d aliases, not %d", maxAliases, len(c.AliasList))
	}
}

// UpsertCountry creates the country with the given code, or changes it if it exists;
// platform operators only, since every partner's records refer to countries.
func (t *Tx) UpsertCountry(in CountryInput) (*models.Country, error) {
	if err := auth.RequireRole(t.caller, auth.RolePlatform, "change a country"); err != nil {
		return nil, err
	}
	c := &models.Country{Code: in.Code, AliasList: models.StringList{}}
	var before *models.Country
	if countryCode.MatchString(in.Code) {
		var existing models.Country
		err := t.db.Clauses(clause.Locking{Strength: "UPDATE"}).Where("code = ?", in.Code).Take(&existing).Error
		switch err = translate(err); {
		case err == nil:
			b := existing
			before, c = &b, &existing
		case !errors.Is(err, ErrNotFound):
			return nil, fmt.Errorf("country %s: %w", in.Code, err)
		}
	}
	c.Name = in.Name
	if in.AliasesSet {
		c.AliasList = models.StringList(in.Aliases)
	}
	if in.AseanMember != nil {
		c.AseanMember = *in.AseanMember
	}
	var p validate.Problems
	validateCountry(c, &p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	var err error
	if before == nil {
		err = t.db.Create(c).Error
	} else {
		c.UpdatedAt = time.Now()
		err = t.db.Save(c).Error
	}
	if uniqueViolation(err) {
		return nil, problem.Wrap(ErrConflict, "the country %s was created by another request at the same time; read it and try again", c.Code)
	}
	if err != nil {
		return nil, fmt.Errorf("upsert country %s: %w", c.Code, translate(err))
	}
	var state any // a nil *Country would be recorded as JSON null rather than as no state
	if before != nil {
		state = before
	}
	return c, t.Audit("upsertCountry", relay.TypeCountry, c.GlobalID(), state, c)
}
