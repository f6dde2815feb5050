package models

import (
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

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
	// AudienceAll and Audience say who may read the entity after the change (migration
	// 00009): everyone, or the organizations listed.
	AudienceAll bool   `gorm:"not null;default:false"`
	Audience    IDList `gorm:"not null;default:'{}'"`
	// LeftCampaign and LeftCountry mark a row that says the entity left the campaign or the
	// country the row names (migration 00014), for a sync narrowed to it.
	LeftCampaign bool `gorm:"not null;default:false"`
	LeftCountry  bool `gorm:"not null;default:false"`
}

// TableName names the table.
func (Change) TableName() string { return "changes" }

// IDList is a PostgreSQL bigint[] column.
type IDList []int64

// Scan reads a bigint[] value.
func (l *IDList) Scan(src any) error {
	var out []int64
	m := typeMaps.Get().(*pgtype.Map)
	defer typeMaps.Put(m)
	if err := m.SQLScanner(&out).Scan(src); err != nil {
		return fmt.Errorf("scan bigint[]: %w", err)
	}
	if out == nil {
		out = []int64{}
	}
	*l = out
	return nil
}

// Value writes a bigint[] value; a nil list is stored as an empty array, never NULL.
func (l IDList) Value() (driver.Value, error) {
	list := []int64(l)
	if list == nil {
		list = []int64{}
	}
	m := typeMaps.Get().(*pgtype.Map)
	defer typeMaps.Put(m)
	buf, err := m.Encode(pgtype.Int8ArrayOID, pgtype.TextFormatCode, list, nil)
	if err != nil {
		return nil, fmt.Errorf("encode bigint[]: %w", err)
	}
	return string(buf), nil
}

// GormDataType makes AutoMigrate, in the test that compares models with migrations,
// create the same column type as the migrations do.
func (IDList) GormDataType() string { return "bigint[]" }
