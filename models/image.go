package models

import "time"

// Image is a picture of a campaign, event or organization, hosted elsewhere: the API keeps
// its address and what a screen needs to show it well and lawfully. Role is IMAGE for the
// record's pictures, in Position order, or LOGO for an organization's one logo.
type Image struct {
	ID         int64  `gorm:"primaryKey"`
	EntityType string `gorm:"type:text;not null"`
	EntityID   int64  `gorm:"not null"`
	Role       string `gorm:"type:text;not null"`
	Position   int32  `gorm:"type:integer;not null"`
	URL        string `gorm:"column:url;type:text;not null"`
	Width      *int32 `gorm:"type:integer"`
	Height     *int32 `gorm:"type:integer"`
	// AltLanguages and AltTexts are the alt text in each language it is written in, pairwise,
	// the original first.
	AltLanguages StringList `gorm:"type:text[];not null"`
	AltTexts     StringList `gorm:"type:text[];not null"`
	Credit       *string    `gorm:"type:text"`
	License      *string    `gorm:"type:text"`
	LicenseURL   *string    `gorm:"column:license_url;type:text"`
	CreatedAt    time.Time  `gorm:"type:timestamptz;not null"`
	UpdatedAt    time.Time  `gorm:"type:timestamptz;not null"`
}

// The roles of an image.
const (
	ImageRoleImage = "IMAGE"
	ImageRoleLogo  = "LOGO"
)

// Illustrated is a record that has images; gqlgen binds the schema's Illustrated interface
// to it.
type Illustrated interface {
	Node
	// ImageKind names the kind of record as images.entity_type does.
	ImageKind() string
	// ImageID is the record's key in images.entity_id.
	ImageID() int64
}

// ImageKind returns "CAMPAIGN".
func (c *Campaign) ImageKind() string { return "CAMPAIGN" }

// ImageID returns the campaign's ID.
func (c *Campaign) ImageID() int64 { return c.ID }

// ImageKind returns "EVENT".
func (e *Event) ImageKind() string { return "EVENT" }

// ImageID returns the event's ID.
func (e *Event) ImageID() int64 { return e.ID }

// ImageKind returns "ORGANIZATION".
func (o *Organization) ImageKind() string { return "ORGANIZATION" }

// ImageID returns the organization's ID.
func (o *Organization) ImageID() int64 { return o.ID }

// ImageAltText is an image's alt text in one language.
type ImageAltText struct {
	// Language is a BCP 47 tag such as km.
	Language string
	// Text is the alt text.
	Text string
	// Original says whether this is the text the image's alt was first written in.
	Original bool
}

// Alts returns the alt texts, the original first.
func (i *Image) Alts() []*ImageAltText {
	out := make([]*ImageAltText, 0, len(i.AltTexts))
	for k, text := range i.AltTexts {
		if k < len(i.AltLanguages) {
			out = append(out, &ImageAltText{Language: i.AltLanguages[k], Text: text, Original: k == 0})
		}
	}
	return out
}
