// Package models holds the GORM structs of the database's tables. gqlgen binds the
// schema's types to them, so a plain field is served straight from the struct with no
// resolver; a field whose value needs computing is a method named after it, and a relation
// is left to a resolver backed by a loader. No code here runs a query.
package models

import (
	"database/sql/driver"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// Node is any entity with a global ID; gqlgen binds the schema's Node interface to it, and
// gqlgen.yml binds each type's `id` field to GlobalID.
type Node interface {
	// GlobalID returns the entity's opaque global ID.
	GlobalID() string
}

// typeMaps decode and encode PostgreSQL arrays for StringList, one map per scan or encode at
// a time: a pgtype.Map builds its type index and memoizes plans in Go maps as it is used, so
// one map shared by concurrent requests is a data race that can end the process with
// "concurrent map writes". A pool keeps the maps, and their memos, without a lock.
var typeMaps = sync.Pool{New: func() any { return pgtype.NewMap() }}

// StringList is a PostgreSQL text[] column.
type StringList []string

// Scan reads a text[] value.
func (l *StringList) Scan(src any) error {
	var out []string
	m := typeMaps.Get().(*pgtype.Map)
	defer typeMaps.Put(m)
	if err := m.SQLScanner(&out).Scan(src); err != nil {
		return fmt.Errorf("scan text[]: %w", err)
	}
	if out == nil {
		out = []string{}
	}
	*l = out
	return nil
}

// Value writes a text[] value; a nil list is stored as an empty array, never NULL.
func (l StringList) Value() (driver.Value, error) {
	list := []string(l)
	if list == nil {
		list = []string{}
	}
	m := typeMaps.Get().(*pgtype.Map)
	defer typeMaps.Put(m)
	buf, err := m.Encode(pgtype.TextArrayOID, pgtype.TextFormatCode, list, nil)
	if err != nil {
		return nil, fmt.Errorf("encode text[]: %w", err)
	}
	return string(buf), nil
}

// GormDataType makes AutoMigrate, in the test that compares models with migrations,
// create the same column type as the migrations do.
func (StringList) GormDataType() string { return "text[]" }

// SeedVersion records that a version of the built-in seed data was loaded.
type SeedVersion struct {
	Version   string    `gorm:"primaryKey;type:text"`
	AppliedAt time.Time `gorm:"type:timestamptz;not null"`
}
