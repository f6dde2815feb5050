package models

import "time"

// Change is one captured change of an entity a client sees, written by the triggers of
// migration 00004 in the writing transaction. It holds no personal data.
type Change struct {
	Seq int64 `gorm:"primaryKey"`
	// XID is the writing transaction's ID (xid8), in PostgreSQL's text form.
	XID         string `gorm:"column:xid;type:xid8;not null"`
	EntityType  string `gorm:"type:text;not null"`
	EntityID    int64  `gorm:"not null"`
	Op          string `gorm:"type:text;not null"`
	CampaignID  *int64
	CountryCode *string `gorm:"type:char(2)"`
	EventID     *int64
	NetworkID   *int64
	At          time.Time `gorm:"type:timestamptz;not null"`
}

// TableName names the table.
func (Change) TableName() string { return "changes" }
