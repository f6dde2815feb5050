package models

import (
	"math/big"
	"strconv"
	"time"

	"golang.org/x/text/currency"

	"campaigns/internal/relay"
)

// Campaign is an awareness or cooperation campaign. Its dates keep the precision of their
// source, so the struct fields are named apart from the schema's fields, which are methods.
type Campaign struct {
	ID             int64      `gorm:"primaryKey"`
	Slug           string     `gorm:"type:text;not null;uniqueIndex"`
	Name           string     `gorm:"type:text;not null"`
	Summary        *string    `gorm:"type:text"`
	Description    *string    `gorm:"type:text"`
	Status         string     `gorm:"type:text;not null"`
	FocusList      StringList `gorm:"column:focus;type:text[];not null"`
	ThemesList     StringList `gorm:"column:themes;type:text[];not null"`
	AudiencesList  StringList `gorm:"column:audiences;type:text[];not null"`
	ObjectivesList StringList `gorm:"column:objectives;type:text[];not null"`
	StartDate      *time.Time `gorm:"column:starts_on;type:date"`
	StartPrecision string     `gorm:"column:starts_on_precision;type:text;not null"`
	EndDate        *time.Time `gorm:"column:ends_on;type:date"`
	EndPrecision   string     `gorm:"column:ends_on_precision;type:text;not null"`
	ParentID       *int64
	OwnerID        *int64
	Source         *string   `gorm:"type:text"`
	Version        int32     `gorm:"type:integer;not null;default:1"`
	CreatedAt      time.Time `gorm:"type:timestamptz;not null"`
	UpdatedAt      time.Time `gorm:"type:timestamptz;not null"`

	// OriginalLanguage is the BCP 47 tag of the language the record's own texts are in.
	OriginalLanguage string `gorm:"type:text;not null;default:en"`
}

// GlobalID returns the campaign's global ID.
func (c *Campaign) GlobalID() string { return relay.EncodeInt(relay.TypeCampaign, c.ID) }

// Focus returns the four Ps the campaign serves.
func (c *Campaign) Focus() []string { return c.FocusList }

// Themes returns the themes the campaign addresses.
func (c *Campaign) Themes() []string { return c.ThemesList }

// Audiences returns whom the campaign addresses.
func (c *Campaign) Audiences() []string { return c.AudiencesList }

// Objectives returns the campaign's objectives in the source's words.
func (c *Campaign) Objectives() []string { return c.ObjectivesList }

// StartsOn returns the start date at its precision.
func (c *Campaign) StartsOn() *PartialDate { return NewPartialDate(c.StartDate, c.StartPrecision) }

// StartsOnPrecision returns how precisely the start is known, or nil with no start.
func (c *Campaign) StartsOnPrecision() *string { return precisionOf(c.StartDate, c.StartPrecision) }

// EndsOn returns the end date at its precision.
func (c *Campaign) EndsOn() *PartialDate { return NewPartialDate(c.EndDate, c.EndPrecision) }

// EndsOnPrecision returns how precisely the end is known, or nil with no end.
func (c *Campaign) EndsOnPrecision() *string { return precisionOf(c.EndDate, c.EndPrecision) }

// CampaignCountry is a country a campaign works in, with when it got there.
type CampaignCountry struct {
	CampaignID     int64      `gorm:"primaryKey;autoIncrement:false"`
	CountryCode    string     `gorm:"primaryKey;type:char(2)"`
	SinceDate      *time.Time `gorm:"column:since;type:date"`
	SincePrecision string     `gorm:"type:text;not null"`
}

// Since returns when the campaign reached the country, at its precision.
func (c *CampaignCountry) Since() *PartialDate { return NewPartialDate(c.SinceDate, c.SincePrecision) }

// SincePrecisionOf returns how precisely Since is known, or nil when it is not set.
func (c *CampaignCountry) SincePrecisionOf() *string {
	return precisionOf(c.SinceDate, c.SincePrecision)
}

// CampaignPartner is an organization's role in a campaign.
type CampaignPartner struct {
	CampaignID     int64   `gorm:"primaryKey;autoIncrement:false"`
	OrganizationID int64   `gorm:"primaryKey;autoIncrement:false"`
	Role           string  `gorm:"primaryKey;type:text"`
	Note           *string `gorm:"type:text"`
	CanEdit        bool    `gorm:"not null"`

	// Organization is read with the partnership, in the same statement, as Event.Venue is.
	Organization *Organization `gorm:"-" json:"-"`
}

// FundingCommitment is money a funder committed to a campaign, in minor units.
type FundingCommitment struct {
	ID                 int64      `gorm:"primaryKey"`
	CampaignID         int64      `gorm:"not null"`
	FunderID           int64      `gorm:"not null"`
	AmountMinor        int64      `gorm:"not null"`
	Currency           string     `gorm:"type:char(3);not null"`
	Purpose            *string    `gorm:"type:text"`
	CommittedDate      *time.Time `gorm:"column:committed_on;type:date"`
	CommittedPrecision string     `gorm:"type:text;not null"`
	Source             *string    `gorm:"type:text"`
	CreatedAt          time.Time  `gorm:"type:timestamptz;not null"`
}

// GlobalID returns the commitment's global ID.
func (f *FundingCommitment) GlobalID() string { return relay.EncodeInt(relay.TypeFunding, f.ID) }

// Amount returns the amount in major units as an exact decimal, with as many decimals as
// ISO 4217 gives the currency (two for USD, none for JPY).
func (f *FundingCommitment) Amount() string {
	scale := 2
	if unit, err := currency.ParseISO(f.Currency); err == nil {
		scale, _ = currency.Standard.Rounding(unit)
	}
	r := new(big.Rat).SetFrac(big.NewInt(f.AmountMinor), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil))
	return r.FloatString(scale)
}

// AmountMinorText returns the amount in minor units as a string, because it can exceed the
// 32 bits of a GraphQL Int.
func (f *FundingCommitment) AmountMinorText() string { return strconv.FormatInt(f.AmountMinor, 10) }

// CommittedOn returns when the commitment was made, at its precision.
func (f *FundingCommitment) CommittedOn() *PartialDate {
	return NewPartialDate(f.CommittedDate, f.CommittedPrecision)
}

// CommittedOnPrecision returns how precisely the commitment date is known, or nil with no date.
func (f *FundingCommitment) CommittedOnPrecision() *string {
	return precisionOf(f.CommittedDate, f.CommittedPrecision)
}
