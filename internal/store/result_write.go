package store

import (
	"fmt"

	"campaigns/internal/relay"
	"campaigns/internal/validate"
	"campaigns/models"
)

// ResultInput is a new result of a campaign.
type ResultInput struct {
	CampaignID        int64
	Type, Title       string
	Description       *string
	AggregationStatus bool
}

// CreateResult records a result that a campaign sets out to achieve; the caller must be
// able to edit the campaign.
func (t *Tx) CreateResult(in ResultInput) (*models.Result, error) {
	c, err := t.editableCampaign(in.CampaignID)
	if err != nil {
		return nil, err
	}
	var p validate.Problems
	p.Text("title", in.Title, 1, 300)
	p.OptionalText("description", in.Description, 5000)
	if err := p.Err(); err != nil {
		return nil, err
	}
	r := &models.Result{CampaignID: c.ID, Type: in.Type, Title: in.Title, Description: in.Description, AggregationStatus: in.AggregationStatus}
	if err := t.insert(r); err != nil {
		return nil, err
	}
	return r, t.Audit("createResult", relay.TypeResult, r.GlobalID(), nil, r)
}

// BreakdownInput is a period's target or actual for one slice of the people counted.
type BreakdownInput struct {
	Kind         string
	Country      *string // a code, name or alias
	Sex, AgeBand *string
	Value        float64
}

// applyIATI sets what IATI says of an indicator beyond its values: its result (of the same
// campaign), its measure (fixed once the indicator exists, like its unit), whether up is
// good, and its baseline.
func (t *Tx) applyIATI(ind *models.Indicator, created bool, in IndicatorValuesInput, p *validate.Problems) error {
	if in.ResultID != nil {
		var r models.Result
		err := t.db.Where("id = ?", *in.ResultID).Take(&r).Error
		switch {
		case translate(err) == ErrNotFound || (err == nil && r.CampaignID != ind.CampaignID):
			p.Add("result", validate.NotFound, "the campaign has no such result")
		case err != nil:
			return fmt.Errorf("result %d: %w", *in.ResultID, translate(err))
		default:
			ind.ResultID = &r.ID
		}
	}
	switch {
	case created && in.Measure != nil:
		ind.Measure = *in.Measure
	case created && ind.Unit == "PERCENT":
		ind.Measure = "PERCENTAGE"
	case created:
		ind.Measure = "UNIT"
	case in.Measure != nil && *in.Measure != ind.Measure:
		p.Add("measure", validate.Invalid, "the indicator %q is measured as %s; record its values that way, or use a new code", ind.Code, ind.Measure)
	}
	if created && ind.Unit == "PERCENT" && ind.Measure != "PERCENTAGE" || created && ind.Unit != "PERCENT" && ind.Measure == "PERCENTAGE" {
		p.Add("measure", validate.Invalid, "a PERCENTAGE measure goes with the PERCENT unit, and only with it")
	}
	if created {
		ind.Ascending = true
	}
	if in.Ascending != nil {
		ind.Ascending = *in.Ascending
	}
	if in.BaselineYear != nil || in.BaselineValue != nil || in.BaselineComment != nil {
		if in.BaselineYear != nil && (*in.BaselineYear < 1900 || *in.BaselineYear > 2200) {
			p.Add("baselineYear", validate.OutOfRange, "baselineYear must be between 1900 and 2200")
		}
		p.OptionalText("baselineComment", in.BaselineComment, 1000)
		ind.BaselineYear, ind.BaselineValue, ind.BaselineComment = in.BaselineYear, in.BaselineValue, in.BaselineComment
	}
	return nil
}

// breakdowns checks a period's breakdowns and resolves their countries.
func (t *Tx) breakdowns(in []BreakdownInput, p *validate.Problems) []*models.IndicatorBreakdown {
	type slice struct{ kind, country, sex, age string }
	seen := map[slice]bool{}
	out := make([]*models.IndicatorBreakdown, 0, len(in))
	for i, b := range in {
		field := fmt.Sprintf("breakdowns.%d", i)
		row := &models.IndicatorBreakdown{Kind: b.Kind, Sex: b.Sex, AgeBand: b.AgeBand, Value: b.Value}
		if b.Country != nil {
			row.CountryCode = t.resolveCountry(field+".country", *b.Country, p)
		}
		if b.Country == nil && b.Sex == nil && b.AgeBand == nil {
			p.Add(field, validate.Required, "a breakdown needs a country, a sex or an age band")
		}
		if b.Value < 0 {
			p.Add(field+".value", validate.OutOfRange, "value must not be negative")
		}
		k := slice{b.Kind, deref(row.CountryCode), deref(b.Sex), deref(b.AgeBand)}
		if seen[k] {
			p.Add(field, validate.Invalid, "this slice is given twice")
		}
		seen[k] = true
		out = append(out, row)
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
