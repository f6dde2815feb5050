package models

import (
	"database/sql/driver"
	"fmt"
	"io"
	"time"

	"campaigns/internal/problem"
	"campaigns/internal/relay"
)

// APIKey is a partner's API key. Only the SHA-256 of its secret is stored.
type APIKey struct {
	ID             int64      `gorm:"primaryKey"`
	OrganizationID int64      `gorm:"not null"`
	Role           string     `gorm:"type:text;not null"`
	Name           *string    `gorm:"type:text"`
	KeyHash        []byte     `gorm:"type:bytea;not null;uniqueIndex" json:"-"`
	Prefix         string     `gorm:"type:text;not null"`
	CreatedAt      time.Time  `gorm:"type:timestamptz;not null"`
	LastUsedAt     *time.Time `gorm:"type:timestamptz"`
	RevokedAt      *time.Time `gorm:"type:timestamptz"`
}

// TableName names the table: GORM would call it a_p_i_keys.
func (APIKey) TableName() string { return "api_keys" }

// GlobalID returns the key's global ID.
func (k *APIKey) GlobalID() string { return relay.EncodeInt(relay.TypeAPIKey, k.ID) }

// AuditEntry is one write as the audit log keeps it.
type AuditEntry struct {
	ID             int64     `gorm:"primaryKey"`
	At             time.Time `gorm:"type:timestamptz;not null"`
	APIKeyID       *int64    `gorm:"column:api_key_id"`
	OrganizationID *int64
	Action         string  `gorm:"type:text;not null"`
	EntityType     string  `gorm:"type:text;not null"`
	EntityID       string  `gorm:"type:text;not null"`
	Before         JSON    `gorm:"type:jsonb"`
	After          JSON    `gorm:"type:jsonb"`
	RequestID      *string `gorm:"type:text"`
}

// TableName names the table.
func (AuditEntry) TableName() string { return "audit_log" }

// GlobalID returns the entry's global ID.
func (a *AuditEntry) GlobalID() string { return relay.EncodeInt(relay.TypeAuditEntry, a.ID) }

// IdempotencyKey is a mutation's first result, kept so that a retry returns it again.
type IdempotencyKey struct {
	APIKeyID    int64     `gorm:"column:api_key_id;primaryKey;autoIncrement:false"`
	Key         string    `gorm:"primaryKey;type:text"`
	Operation   string    `gorm:"type:text;not null"`
	RequestHash []byte    `gorm:"type:bytea;not null"`
	Result      JSON      `gorm:"type:jsonb;not null"`
	CreatedAt   time.Time `gorm:"type:timestamptz;not null"`
}

// JSON is a jsonb column, and the schema's JSON scalar.
type JSON []byte

// Scan reads a jsonb value.
func (j *JSON) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*j = nil
	case []byte:
		*j = append(JSON(nil), v...)
	case string:
		*j = JSON(v)
	default:
		return fmt.Errorf("scan jsonb: unexpected %T", src)
	}
	return nil
}

// Value writes a jsonb value; an empty one is NULL.
func (j JSON) Value() (driver.Value, error) {
	if len(j) == 0 {
		return nil, nil
	}
	return string(j), nil
}

// MarshalGQL writes the JSON as it is.
func (j JSON) MarshalGQL(w io.Writer) {
	if len(j) == 0 {
		_, _ = io.WriteString(w, "null")
		return
	}
	_, _ = w.Write(j)
}

// UnmarshalGQL refuses input: the JSON scalar is output only.
func (j *JSON) UnmarshalGQL(any) error {
	return problem.Wrap(ErrInvalidValue, "JSON is not accepted as input")
}

// GormDataType makes AutoMigrate create a jsonb column.
func (JSON) GormDataType() string { return "jsonb" }
