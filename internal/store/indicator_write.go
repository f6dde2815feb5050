package store

import (
	"errors"
	"fmt"

	"gorm.io/gorm/clause"

	"campaigns/internal/relay"
	"campaigns/internal/validate"
	"campaigns/models"
)

// IndicatorValuesInput is an indicator's values over one period; Name and Unit describe the
// indicator when its code is new to the campaign.
type IndicatorValuesInput struct {
	CampaignID               int64
	Code                     string
	Name, Unit               *string
	Start, End               models.PartialDate
	Baseline, Target, Actual *float64
	// Comparator says how Actual relates to the truth; EXACT when nil.
	Comparator   *string
	Note, Source *string

	// What IATI says of the indicator beyond its values (result_write.go): nil leaves each as it is.
	ResultID        *int64
	Measure         *string
	Ascending       *bool
	BaselineYear    *int32
	BaselineValue   *float64
	BaselineComment *string
	// Breakdowns of the period's target and actual.
	Breakdowns []BreakdownInput
}

// indicatorState is what an audit entry shows of an indicator and the period recorded.
type indicatorState struct {
	Indicator  *models.Indicator
	Period     *models.IndicatorPeriod      `json:",omitempty"`
	Breakdowns []*models.IndicatorBreakdown `json:",omitempty"`
}

// RecordIndicatorValues records an indicator's values for one period, creating the indicator
// when its code is new to the campaign. An existing indicator keeps its name and unit: a
// different unit would make its earlier figures mean something else.
func (t *Tx) RecordIndicatorValues(in IndicatorValuesInput) (*models.Indicator, error) {
	c, err := t.editableCampaign(in.CampaignID)
	if err != nil {
		return nil, err
	}
	var p validate.Problems
	p.Slug("code", in.Code)
	ind, err := t.indicatorByCode(c.ID, in.Code)
	if err != nil {
		return nil, err
	}
	created := ind == nil
	var before any
	if !created {
		old := *ind
		before = indicatorState{Indicator: &old}
	}
	if created {
		ind = &models.Indicator{CampaignID: c.ID, Code: in.Code}
		if in.Name == nil {
			p.Add("name", validate.Required, "name is required for the new indicator %q", truncate(in.Code))
		} else {
			ind.Name = *in.Name
			p.Text("name", ind.Name, 1, 300)
		}
		if in.Unit == nil {
			p.Add("unit", validate.Required, "unit is required for the new indicator %q", truncate(in.Code))
		} else {
			ind.Unit = *in.Unit
		}
	} else {
		if in.Name != nil && *in.Name != ind.Name {
			p.Add("name", validate.Invalid, "the indicator %q is named %q; leave name out to record values for it", ind.Code, ind.Name)
		}
		if in.Unit != nil && *in.Unit != ind.Unit {
			p.Add("unit", validate.Invalid, "the indicator %q is measured in %s; record its values in that unit, or use a new code", ind.Code, ind.Unit)
		}
	}
	period := &models.IndicatorPeriod{
		PeriodStart: in.Start.Date, StartPrecision: in.Start.Precision, PeriodEnd: in.End.Date, EndPrecision: in.End.Precision,
		Baseline: in.Baseline, Target: in.Target, Actual: in.Actual, ActualComparator: "EXACT", Note: in.Note, Source: in.Source,
	}
	if in.Comparator != nil {
		period.ActualComparator = *in.Comparator
	}
	validatePeriod(period, ind.Unit, &p)
	if err := t.applyIATI(ind, created, in, &p); err != nil {
		return nil, err
	}
	breakdowns := t.breakdowns(in.Breakdowns, &p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	if created {
		// GORM leaves a false out of the INSERT for the column's default (true), so a
		// descending indicator is set after.
		ascending := ind.Ascending
		if err := t.insert(ind); err != nil {
			return nil, err
		}
		if !ascending {
			if err := t.db.Model(ind).Update("ascending", false).Error; err != nil {
				return nil, fmt.Errorf("update indicator %d: %w", ind.ID, translate(err))
			}
		}
	} else if err := t.db.Model(ind).Select("result_id", "measure", "ascending", "baseline_year", "baseline_value", "baseline_comment").Updates(ind).Error; err != nil {
		return nil, fmt.Errorf("update indicator %d: %w", ind.ID, translate(err))
	}
	period.IndicatorID = ind.ID
	if err := t.insert(period); err != nil {
		return nil, err
	}
	for _, b := range breakdowns {
		b.PeriodID = period.ID
		if err := t.insert(b); err != nil {
			return nil, err
		}
	}
	return ind, t.Audit("recordIndicatorValues", relay.TypeIndicator, ind.GlobalID(), before, indicatorState{Indicator: ind, Period: period, Breakdowns: breakdowns})
}

// indicatorByCode locks and returns a campaign's indicator with the code, or nil for none.
// The campaign's row is locked already, so two requests cannot both create the same code.
func (t *Tx) indicatorByCode(campaignID int64, code string) (*models.Indicator, error) {
	var ind models.Indicator
	err := t.db.Clauses(clause.Locking{Strength: "UPDATE"}).Where("campaign_id = ? AND code = ?", campaignID, code).Take(&ind).Error
	if err = translate(err); errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("indicator %q of campaign %d: %w", truncate(code), campaignID, err)
	}
	return &ind, nil
}

// validatePeriod checks a period's dates and values. Its end is compared by the last day of
// its period, so that "2013" does not end before "2013-06-01"; but the end is stored as the
// first day of its period, as every partial date is, so an end whose period begins before
// the start is refused too, asking for an end as precise as the start.
func validatePeriod(r *models.IndicatorPeriod, unit string, p *validate.Problems) {
	p.Date("start", &r.PeriodStart)
	p.Date("end", &r.PeriodEnd)
	switch {
	case periodEnd(r.PeriodEnd, r.EndPrecision).Before(r.PeriodStart):
		p.Add("end", validate.EndBeforeStart, "end must not be before start")
	case r.PeriodEnd.Before(r.PeriodStart):
		p.Add("end", validate.EndBeforeStart, "end %s begins before start %s; give the end at least as precisely as the start",
			models.PartialDate{Date: r.PeriodEnd, Precision: r.EndPrecision}, models.PartialDate{Date: r.PeriodStart, Precision: r.StartPrecision})
	}
	if r.Baseline == nil && r.Target == nil && r.Actual == nil && r.Note == nil {
		p.Add("actual", validate.Required, "give at least one of baseline, target, actual or note")
	}
	if unit != "" && unit != "PERCENT" {
		for _, v := range []struct {
			field string
			value *float64
		}{{"baseline", r.Baseline}, {"target", r.Target}, {"actual", r.Actual}} {
			if v.value != nil && *v.value < 0 {
				p.Add(v.field, validate.OutOfRange, "%s must not be negative: the indicator's unit is %s", v.field, unit)
			}
		}
	}
	p.OptionalText("note", r.Note, 1000)
	p.OptionalText("source", r.Source, 2000)
}
