package store

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"campaigns/internal/auth"
	"campaigns/internal/lang"
	"campaigns/internal/problem"
	"campaigns/internal/relay"
	"campaigns/internal/validate"
	"campaigns/models"
)

// Bounds of what one record's images may hold: enough for a gallery and a caption in every
// language of the region, not a file store.
const (
	maxImages        = 20
	maxAltLanguages  = 20
	maxAltLength     = 1000
	maxCreditLength  = 300
	maxLicenseLength = 200
	maxImageSide     = 20000
)

// AltInput is an image's alt text in one language.
type AltInput struct {
	Language, Text string
}

// ImageInput is one image as a partner describes it.
type ImageInput struct {
	URL                         string
	Alt                         []AltInput
	Width, Height               *int
	Credit, License, LicenseURL *string
}

// ImagesInput replaces a record's images, its logo, or both; what is not set is kept.
type ImagesInput struct {
	Kind   string
	ID     int64
	Images []ImageInput
	// ImagesSet says whether Images replaces the record's images (an empty list removes them).
	ImagesSet bool
	// Logo sets an organization's logo; a nil value removes it.
	Logo Opt[ImageInput]
}

// imageState is what an audit entry shows of a record's images.
type imageState struct {
	Images []models.Image
}

// illustrated is what an image write needs of its record, locked for the write.
type illustrated struct {
	kind, table, nodeType, globalID string
	id                              int64
	versioned                       bool
}

// editableIllustrated locks a record for a change of its images and checks that the caller
// may change it: a campaign's or event's images take the right to edit the record; an
// organization's, an editor of that organization or the platform's operators. A record the
// caller may not read is answered as one that does not exist.
func (t *Tx) editableIllustrated(kind string, id int64) (*illustrated, error) {
	switch kind {
	case ImagesOfCampaign:
		c, err := t.editableCampaign(id)
		if err != nil {
			return nil, err
		}
		return &illustrated{kind: kind, table: "campaigns", nodeType: relay.TypeCampaign, globalID: c.GlobalID(), id: c.ID, versioned: true}, nil
	case ImagesOfEvent:
		e, err := lockReadable[models.Event](t, eventRead, id, forUpdate)
		if err != nil {
			return nil, err
		}
		if err := t.canEditEvent(e); err != nil {
			return nil, err
		}
		return &illustrated{kind: kind, table: "events", nodeType: relay.TypeEvent, globalID: e.GlobalID(), id: e.ID, versioned: true}, nil
	case ImagesOfOrganization:
		o, err := lockReadable[models.Organization](t, organizationRead, id, forUpdate)
		if err != nil {
			return nil, err
		}
		if err := auth.RequireEdit(t.caller, "organization", &o.ID, t.caller.AtLeast(auth.RolePlatform)); err != nil {
			return nil, err
		}
		return &illustrated{kind: kind, table: "organizations", nodeType: relay.TypeOrganization, globalID: o.GlobalID(), id: o.ID}, nil
	}
	return nil, problem.Wrap(ErrInvalid, "records of kind %q have no images", kind)
}

// SetImages replaces a record's images, an organization's logo, or both, and returns the
// record's global ID. The record itself changes with them (its version, where it has one,
// and its updatedAt), so that clients that keep it learn of the change as of any other.
func (t *Tx) SetImages(in ImagesInput) (string, error) {
	rec, err := t.editableIllustrated(in.Kind, in.ID)
	if err != nil {
		return "", err
	}
	var p validate.Problems
	if in.Logo.Set && in.Kind != ImagesOfOrganization {
		p.Add("logo", validate.Invalid, "only an organization has a logo; give the %s images instead", words(in.Kind))
	}
	if !in.ImagesSet && !in.Logo.Set {
		p.Add("images", validate.Required, "give images, a logo, or both")
	}
	if len(in.Images) > maxImages {
		p.Add("images", validate.Length, "a record has at most %d images, not %d", maxImages, len(in.Images))
		return "", p
	}
	var rows []models.Image
	now := time.Now()
	for i, img := range in.Images {
		rows = append(rows, imageRow(fmt.Sprintf("images.%d", i), rec, models.ImageRoleImage, int32(i), img, now, &p))
	}
	if in.Logo.Set && in.Logo.Value != nil {
		rows = append(rows, imageRow("logo", rec, models.ImageRoleLogo, 0, *in.Logo.Value, now, &p))
	}
	if err := p.Err(); err != nil {
		return "", err
	}
	before, err := t.imagesState(rec)
	if err != nil {
		return "", err
	}
	var roles []string
	if in.ImagesSet {
		roles = append(roles, models.ImageRoleImage)
	}
	if in.Logo.Set {
		roles = append(roles, models.ImageRoleLogo)
	}
	err = t.db.Exec(`DELETE FROM images WHERE entity_type = ? AND entity_id = ? AND role = ANY(?::text[])`,
		rec.kind, rec.id, models.StringList(roles)).Error
	if err != nil {
		return "", fmt.Errorf("remove images of %s %d: %w", rec.kind, rec.id, translate(err))
	}
	if len(rows) > 0 {
		if err := t.db.Create(&rows).Error; err != nil {
			return "", fmt.Errorf("insert images of %s %d: %w", rec.kind, rec.id, translate(err))
		}
	}
	set := map[string]any{"updated_at": now}
	if rec.versioned {
		set["version"] = gorm.Expr("version + 1")
	}
	if err := t.db.Table(rec.table).Where("id = ?", rec.id).Updates(set).Error; err != nil {
		return "", fmt.Errorf("touch %s %d: %w", rec.kind, rec.id, translate(err))
	}
	after, err := t.imagesState(rec)
	if err != nil {
		return "", err
	}
	return rec.globalID, t.Audit("setImages", rec.nodeType, rec.globalID, before, after)
}

// imageRow checks one image and returns its row; its problems go to p under field.
func imageRow(field string, rec *illustrated, role string, position int32, in ImageInput, now time.Time, p *validate.Problems) models.Image {
	row := models.Image{EntityType: rec.kind, EntityID: rec.id, Role: role, Position: position, URL: in.URL,
		Credit: in.Credit, License: in.License, LicenseURL: in.LicenseURL, CreatedAt: now, UpdatedAt: now}
	p.HTTPSURL(field+".url", &in.URL)
	p.HTTPSURL(field+".licenseUrl", in.LicenseURL)
	if in.Credit != nil {
		p.Text(field+".credit", *in.Credit, 1, maxCreditLength)
	}
	if in.License != nil {
		p.Text(field+".license", *in.License, 1, maxLicenseLength)
	}
	switch {
	case (in.Width == nil) != (in.Height == nil):
		p.Add(field+".width", validate.Invalid, "give width and height together, or neither")
	case in.Width != nil:
		p.Range(field+".width", in.Width, 1, maxImageSide)
		p.Range(field+".height", in.Height, 1, maxImageSide)
		if *in.Width >= 1 && *in.Width <= maxImageSide && *in.Height >= 1 && *in.Height <= maxImageSide {
			w, h := int32(*in.Width), int32(*in.Height)
			row.Width, row.Height = &w, &h
		}
	}
	switch {
	case len(in.Alt) == 0:
		p.Add(field+".alt", validate.Required, "an image needs its alt text in at least one language, for readers who cannot see it")
	case len(in.Alt) > maxAltLanguages:
		p.Add(field+".alt", validate.Length, "give the alt text in at most %d languages, not %d", maxAltLanguages, len(in.Alt))
		return row
	}
	seen := map[string]int{}
	for i, a := range in.Alt {
		path := fmt.Sprintf("%s.alt.%d", field, i)
		p.Text(path+".text", a.Text, 1, maxAltLength)
		code, err := lang.Canonical(a.Language)
		if err != nil {
			p.Add(path+".language", validate.Invalid, "%s", problem.Message(err))
			continue
		}
		if j, dup := seen[code]; dup {
			p.Add(path+".language", validate.Invalid, "%s.alt.%d already gives the alt text in %s", field, j, code)
			continue
		}
		seen[code] = i
		row.AltLanguages = append(row.AltLanguages, code)
		row.AltTexts = append(row.AltTexts, a.Text)
	}
	return row
}

// imagesState reads a record's images for an audit entry.
func (t *Tx) imagesState(rec *illustrated) (imageState, error) {
	var rows []models.Image
	err := t.db.Where("entity_type = ? AND entity_id = ?", rec.kind, rec.id).Order("role DESC, position").Find(&rows).Error
	if err != nil {
		return imageState{}, fmt.Errorf("images of %s %d: %w", rec.kind, rec.id, translate(err))
	}
	return imageState{Images: rows}, nil
}
