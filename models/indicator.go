package models

import (
	"time"

	"campaigns/internal/relay"
)

// Indicator is a measure of a campaign's reach or results.
type Indicator struct {
	ID          int64     `gorm:"primaryKey"`
	CampaignID  int64     `gorm:"not null"`
	Code        string    `gorm:"type:text;not null"`
	Name        string    `gorm:"type:text;not null"`
	Description *string   `gorm:"type:text"`
	Unit        string    `gorm:"type:text;not null"`
	CreatedAt   time.Time `gorm:"type:timestamptz;not null"`

	// OriginalLanguage is the BCP 47 tag of the language the record's own texts are in.
	OriginalLanguage string `gorm:"type:text;not null;default:en"`
}

// GlobalID returns the indicator's global ID.
func (i *Indicator) GlobalID() string { return relay.EncodeInt(relay.TypeIndicator, i.ID) }

// IndicatorPeriod is an indicator's values over one reporting period.
type IndicatorPeriod struct {
	ID               int64     `gorm:"primaryKey"`
	IndicatorID      int64     `gorm:"not null"`
	PeriodStart      time.Time `gorm:"type:date;not null"`
	StartPrecision   string    `gorm:"type:text;not null"`
	PeriodEnd        time.Time `gorm:"type:date;not null"`
	EndPrecision     string    `gorm:"type:text;not null"`
	Baseline         *float64  `gorm:"type:numeric"`
	Target           *float64  `gorm:"type:numeric"`
	Actual           *float64  `gorm:"type:numeric"`
	ActualComparator string    `gorm:"type:text;not null"`
	Note             *string   `gorm:"type:text"`
	Source           *string   `gorm:"type:text"`
	CreatedAt        time.Time `gorm:"type:timestamptz;not null"`
}

// Start returns the first day of the period at its precision.
func (p *IndicatorPeriod) Start() PartialDate {
	return PartialDate{Date: p.PeriodStart, Precision: p.StartPrecision}
}

// End returns the last day of the period at its precision.
func (p *IndicatorPeriod) End() PartialDate {
	return PartialDate{Date: p.PeriodEnd, Precision: p.EndPrecision}
}
