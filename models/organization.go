package models

import (
	"time"

	"campaigns/internal/relay"
)

// Country is a row of countries, keyed by its ISO 3166-1 alpha-2 code.
type Country struct {
	Code        string     `gorm:"primaryKey;type:char(2)"`
	Name        string     `gorm:"type:text;not null"`
	AliasList   StringList `gorm:"column:aliases;type:text[];not null"`
	AseanMember bool       `gorm:"not null"`
	CreatedAt   time.Time  `gorm:"type:timestamptz;not null"`
	UpdatedAt   time.Time  `gorm:"type:timestamptz;not null"`
}

// GlobalID returns the country's global ID.
func (c *Country) GlobalID() string { return relay.Encode(relay.TypeCountry, c.Code) }

// Aliases returns the other names the country is found by.
func (c *Country) Aliases() []string { return c.AliasList }

// Organization is a partner: a ministry, donor, media house or civil-society group.
type Organization struct {
	ID          int64     `gorm:"primaryKey"`
	Slug        string    `gorm:"type:text;not null;uniqueIndex"`
	Name        string    `gorm:"type:text;not null"`
	Kind        string    `gorm:"type:text;not null"`
	CountryCode *string   `gorm:"type:char(2)"`
	Website     *string   `gorm:"type:text"`
	Description *string   `gorm:"type:text"`
	Source      *string   `gorm:"type:text"`
	CreatedAt   time.Time `gorm:"type:timestamptz;not null"`
	UpdatedAt   time.Time `gorm:"type:timestamptz;not null"`
}

// GlobalID returns the organization's global ID.
func (o *Organization) GlobalID() string { return relay.EncodeInt(relay.TypeOrganization, o.ID) }
