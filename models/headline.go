package models

// HeadlineFigure is one indicator of a campaign with its latest reported value: what a
// dashboard shows beside the campaign, each figure labelled and with its own unit and
// period, so that no one adds up concerts, programmes and people.
type HeadlineFigure struct {
	Indicator *Indicator
	Period    *IndicatorPeriod
}

// Value returns the value reported; nil where the source gives only words.
func (h *HeadlineFigure) Value() *float64 { return h.Period.Actual }

// Comparator returns whether the value is exact, a lower bound or an estimate.
func (h *HeadlineFigure) Comparator() string { return h.Period.ActualComparator }

// Unit returns the indicator's unit.
func (h *HeadlineFigure) Unit() string { return h.Indicator.Unit }

// Note returns the source's words for the value, such as "dozens of outreach activities".
func (h *HeadlineFigure) Note() *string { return h.Period.Note }

// Source returns where the figure comes from.
func (h *HeadlineFigure) Source() *string { return h.Period.Source }
