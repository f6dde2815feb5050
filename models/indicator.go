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
	// ResultID is the IATI result the indicator measures; nil when it stands alone.
	ResultID *int64
	// Measure is IATI's indicator measure: UNIT, PERCENTAGE, NOMINAL, ORDINAL or QUALITATIVE.
	Measure string `gorm:"type:text;not null;default:UNIT"`
	// Ascending says whether a higher value is better (IATI's ascending).
	Ascending       bool     `gorm:"not null;default:true"`
	BaselineYear    *int32   `gorm:"type:integer"`
	BaselineValue   *float64 `gorm:"type:numeric"`
	BaselineComment *string  `gorm:"type:text"`
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

// Result is what a campaign set out to achieve, in the manner of IATI's result: an output,
// outcome or impact that its indicators measure.
type Result struct {
	ID          int64   `gorm:"primaryKey"`
	CampaignID  int64   `gorm:"not null"`
	Type        string  `gorm:"type:text;not null"`
	Title       string  `gorm:"type:text;not null"`
	Description *string `gorm:"type:text"`
	// AggregationStatus says whether the result's figures may be added up across campaigns.
	AggregationStatus bool      `gorm:"not null;default:false"`
	CreatedAt         time.Time `gorm:"type:timestamptz;not null"`
}

// GlobalID returns the result's global ID.
func (r *Result) GlobalID() string { return relay.EncodeInt(relay.TypeResult, r.ID) }

// IndicatorBreakdown is a period's target or actual for one slice of the people counted: a
// country, a sex, an age band or a combination (IATI's dimensions); nil means all.
type IndicatorBreakdown struct {
	ID          int64   `gorm:"primaryKey"`
	PeriodID    int64   `gorm:"not null"`
	Kind        string  `gorm:"type:text;not null"`
	CountryCode *string `gorm:"type:char(2)"`
	Sex         *string `gorm:"type:text"`
	AgeBand     *string `gorm:"type:text"`
	Value       float64 `gorm:"type:numeric;not null"`
}
