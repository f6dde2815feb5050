package models

import (
	"time"

	"campaigns/internal/relay"
)

// YouthNetwork is a regional network, a national chapter or a local group.
type YouthNetwork struct {
	ID          int64   `gorm:"primaryKey"`
	Slug        string  `gorm:"type:text;not null;uniqueIndex"`
	Name        string  `gorm:"type:text;not null"`
	Description *string `gorm:"type:text"`
	Scope       string  `gorm:"type:text;not null"`
	CountryCode *string `gorm:"type:char(2)"`
	ParentID    *int64
	FoundedAtID *int64
	OwnerID     *int64
	Source      *string   `gorm:"type:text"`
	Version     int32     `gorm:"type:integer;not null;default:1"`
	CreatedAt   time.Time `gorm:"type:timestamptz;not null"`
	UpdatedAt   time.Time `gorm:"type:timestamptz;not null"`

	// OriginalLanguage is the BCP 47 tag of the language the record's own texts are in.
	OriginalLanguage string `gorm:"type:text;not null;default:en"`
}

// GlobalID returns the network's global ID.
func (n *YouthNetwork) GlobalID() string { return relay.EncodeInt(relay.TypeYouthNetwork, n.ID) }

// NetworkCoordinator is an organization coordinating a network.
type NetworkCoordinator struct {
	NetworkID      int64 `gorm:"primaryKey;autoIncrement:false"`
	OrganizationID int64 `gorm:"primaryKey;autoIncrement:false"`
}

// NetworkChannel is a social-media account or site of a network.
type NetworkChannel struct {
	ID        int64   `gorm:"primaryKey"`
	NetworkID int64   `gorm:"not null"`
	Platform  string  `gorm:"type:text;not null"`
	URL       string  `gorm:"column:url;type:text;not null"`
	Handle    *string `gorm:"type:text"`
}
