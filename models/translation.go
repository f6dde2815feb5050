package models

import (
	"crypto/md5"
	"encoding/hex"
	"time"
)

// Translation is one text of a record (its name, title, summary or description) in a
// language other than the record's original one.
type Translation struct {
	EntityType string `gorm:"primaryKey;type:text"`
	EntityID   int64  `gorm:"primaryKey;autoIncrement:false"`
	Field      string `gorm:"primaryKey;type:text"`
	Language   string `gorm:"primaryKey;type:text"`
	Text       string `gorm:"type:text;not null"`
	// SourceMD5 is the digest of the original text the translation was made from; it differs
	// from the current original's once that changes, which makes the translation stale.
	SourceMD5     string    `gorm:"column:source_md5;type:text;not null"`
	SourceVersion *int32    `gorm:"type:integer"`
	Version       int32     `gorm:"type:integer;not null;default:1"`
	CreatedAt     time.Time `gorm:"type:timestamptz;not null"`
	UpdatedAt     time.Time `gorm:"type:timestamptz;not null"`
	// Origin is PARTNER for a translation an editor of the record wrote, SEED for one this
	// project made for its seed data, which no owner of the record has reviewed.
	Origin string `gorm:"type:text;not null;default:PARTNER"`

	// Stale is set by the reader, which knows the current original: whether it has changed
	// since the translation was written.
	Stale bool `gorm:"-"`
}

// The origins of a translation.
const (
	TranslationByPartner = "PARTNER"
	TranslationForSeed   = "SEED"
)

// TextDigest is the digest translations keep of the original text they translate.
func TextDigest(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// SearchDocument is the normalized text of a searchable record, kept by triggers of the
// database; the API only reads it.
type SearchDocument struct {
	EntityType   string     `gorm:"primaryKey;type:text"`
	EntityID     int64      `gorm:"primaryKey;autoIncrement:false"`
	CountryCodes StringList `gorm:"type:text[];not null;default:'{}'"`
	Names        string     `gorm:"type:text;not null"`
	Body         string     `gorm:"type:text;not null"`
	Texts        StringList `gorm:"type:text[];not null"`
	Languages    StringList `gorm:"type:text[];not null"`
	Tsv          string     `gorm:"type:tsvector;not null"`
}

// SearchWord is a word some search document has, for correcting mistyped query words.
type SearchWord struct {
	Word string `gorm:"primaryKey;type:text"`
}

// Translatable is a record whose texts can be translated; gqlgen binds the schema's
// Translatable interface to it.
type Translatable interface {
	Node
	// TranslationKind names the kind of record as translations.entity_type does.
	TranslationKind() string
}

// TranslationKind returns "CAMPAIGN".
func (c *Campaign) TranslationKind() string { return "CAMPAIGN" }

// TranslationKind returns "EVENT".
func (e *Event) TranslationKind() string { return "EVENT" }

// TranslationKind returns "YOUTH_NETWORK".
func (n *YouthNetwork) TranslationKind() string { return "YOUTH_NETWORK" }

// TranslationKind returns "INDICATOR".
func (i *Indicator) TranslationKind() string { return "INDICATOR" }
