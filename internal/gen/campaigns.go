package gen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// campaign is what events and networks need to know of a generated campaign.
type campaign struct {
	id         int64
	start, end time.Time // the days its events fall between
	owner      int64     // 0 for none
	partners   []int64
	countries  []int // indexes of countries
	countryPk  *picker
	events     int
}

var (
	firstDay = time.Date(2006, 1, 1, 0, 0, 0, 0, time.UTC)
	lastDay  = time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)
)

// campaigns generates the campaigns with their countries, partners, funding and indicators.
// Events are shared out zipf-like: with the full sizes the largest campaign has tens of
// thousands, the median one a hundred or two. A quarter are top-level campaigns; the rest
// are regional or national campaigns under one of them, the bigger parents having more.
func (g *generator) campaigns() error {
	r := g.rng(3)
	base, err := g.b.MaxID("campaigns")
	if err != nil {
		return err
	}
	n := g.opt.Campaigns
	counts := allocate(g.opt.Events, zipfWeights(r, n, 0.85, 0.35))
	top := max(1, n/4)
	parentPick := newPicker(zipfWeights(r, top, 1.0, 0))
	var rows, countryRows, partnerRows, fundingRows, indicatorRows, periodRows [][]any
	fundingID, err := g.b.MaxID("funding_commitments")
	if err != nil {
		return err
	}
	indicatorID, err := g.b.MaxID("indicators")
	if err != nil {
		return err
	}
	periodID, err := g.b.MaxID("indicator_periods")
	if err != nil {
		return err
	}
	span := int(time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC).Sub(firstDay).Hours() / 24)
	for i := range n {
		c := &campaign{id: base + int64(i) + 1, events: counts[i]}
		g.camps = append(g.camps, c)

		start := firstDay.AddDate(0, 0, r.IntN(span))
		end := start.AddDate(between(r, 1, 8), r.IntN(12), 0)
		c.start, c.end = start, end
		if end.After(lastDay) {
			c.end = lastDay
		}
		startsOn, startPrec := start, "DAY"
		switch x := r.Float64(); {
		case x < 0.05:
			startsOn, startPrec = time.Date(start.Year(), 1, 1, 0, 0, 0, 0, time.UTC), "YEAR"
		case x < 0.15:
			startsOn, startPrec = time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, time.UTC), "MONTH"
		}
		status := "ACTIVE"
		switch {
		case start.After(ref):
			status = "PLANNED"
		case end.Before(ref) && chance(r, 0.15):
			status = "ARCHIVED"
		case end.Before(ref):
			status = "COMPLETED"
		}
		if chance(r, 0.04) {
			status = "DRAFT"
		}
		var endsOn any
		if status == "COMPLETED" || status == "ARCHIVED" || chance(r, 0.5) {
			endsOn = end
		}

		// Big campaigns work in many countries, small ones in one or two.
		k := between(r, 1, 2)
		switch {
		case c.events > 10_000:
			k = between(r, 6, 10)
		case c.events > 1_000:
			k = between(r, 3, 6)
		case chance(r, 0.2):
			k = between(r, 2, 4)
		}
		c.countries = distinctCountries(r, k)
		w := make([]float64, len(c.countries))
		for j, ci := range c.countries {
			w[j] = countries[ci].weight
			countryRows = append(countryRows, []any{c.id, countries[ci].code, nil, "DAY"})
		}
		c.countryPk = newPicker(w)

		var owner, parent any
		if chance(r, 0.9) {
			c.owner = g.org(r)
			owner = c.owner
		}
		if i >= top {
			parent = base + int64(parentPick.pick(r)) + 1
		}
		region := "South-East Asia"
		switch {
		case len(c.countries) == 1:
			region = countries[c.countries[0]].name
		case len(c.countries) <= 4 && chance(r, 0.5):
			region = "Mekong"
		case len(c.countries) <= 4:
			region = "ASEAN"
		}
		topic := campaignTopics[r.IntN(len(campaignTopics))]
		name := fmt.Sprintf("%s %s %s %d", topic, campaignFormats[r.IntN(len(campaignFormats))], region, start.Year())
		summary := nullable(fmt.Sprintf("%s: a %s campaign against trafficking in %s.", topic, campaignFormats[r.IntN(len(campaignFormats))], region), chance(r, 0.8))
		var description any
		if chance(r, 0.5) {
			description = sentences[r.IntN(len(sentences))] + " " + sentences[r.IntN(len(sentences))]
		}
		created := before(start.AddDate(0, 0, -between(r, 10, 120)), ref)
		rows = append(rows, []any{c.id, fmt.Sprintf("gen-campaign-%d", c.id), name, summary, description, status,
			some(r, focuses, 1, 3), some(r, themes, 1, 4), some(r, audiences, 1, 3), some(r, objectives, 1, 3),
			startsOn, startPrec, endsOn, "DAY", parent, owner, g.source, int32(1), created, created})

		// Partners, each in one role, some in two; a few may edit the campaign.
		for _, org := range g.distinctOrgs(r, between(r, 2, 6), c.owner) {
			c.partners = append(c.partners, org)
			roles := []string{partnerRoles[r.IntN(len(partnerRoles))]}
			if chance(r, 0.1) {
				if second := partnerRoles[r.IntN(len(partnerRoles))]; second != roles[0] {
					roles = append(roles, second)
				}
			}
			for _, role := range roles {
				partnerRows = append(partnerRows, []any{c.id, org, role, nullable("Joined in "+fmt.Sprint(start.Year()), chance(r, 0.1)), chance(r, 0.15)})
			}
		}

		for range between(r, 0, 3) {
			fundingID++
			cur := pickWeighted(r, currencies)
			major := int64(between(r, 10, 5000)) * 1000
			minor := major * 100
			if cur == "JPY" {
				minor = major * 110 // yen have no minor unit
			}
			fundingRows = append(fundingRows, []any{fundingID, c.id, g.funders[r.IntN(len(g.funders))], minor, cur,
				nullable("Outreach and training", chance(r, 0.5)), startsOn, startPrec, g.source, created})
		}

		for _, j := range r.Perm(len(indicators))[:between(r, 1, 4)] {
			in := indicators[j]
			indicatorID++
			indicatorRows = append(indicatorRows, []any{indicatorID, c.id, in.code, in.name, nil, in.unit, measureOf(in.unit), created})
			scale := int64(100 + 10*c.events)
			for y := start.Year(); y <= min(c.end.Year(), 2025, start.Year()+5); y++ {
				periodID++
				target := scale/2 + r.Int64N(scale)
				if in.unit == "PERCENT" {
					target = int64(between(r, 20, 90))
				}
				var baseline, actual any
				if y == start.Year() {
					baseline = int64(0)
				}
				comparator := "EXACT"
				if y < ref.Year() {
					actual = target * int64(between(r, 50, 130)) / 100
					switch x := r.Float64(); {
					case x < 0.2:
						comparator = "AT_LEAST"
					case x < 0.3:
						comparator = "APPROXIMATE"
					}
				}
				periodRows = append(periodRows, []any{periodID, indicatorID,
					time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), "YEAR", time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC), "YEAR",
					baseline, target, actual, comparator, nil, g.source, created})
			}
		}
	}
	if err := g.copyRows("campaigns", []string{"id", "slug", "name", "summary", "description", "status",
		"focus", "themes", "audiences", "objectives", "starts_on", "starts_on_precision", "ends_on",
		"ends_on_precision", "parent_id", "owner_id", "source", "version", "created_at", "updated_at"}, rows); err != nil {
		return err
	}
	if err := g.copyRows("campaign_countries", []string{"campaign_id", "country_code", "since", "since_precision"}, countryRows); err != nil {
		return err
	}
	if err := g.copyRows("campaign_partners", []string{"campaign_id", "organization_id", "role", "note", "can_edit"}, partnerRows); err != nil {
		return err
	}
	if err := g.copyRows("funding_commitments", []string{"id", "campaign_id", "funder_id", "amount_minor", "currency",
		"purpose", "committed_on", "committed_precision", "source", "created_at"}, fundingRows); err != nil {
		return err
	}
	if err := g.copyRows("indicators", []string{"id", "campaign_id", "code", "name", "description", "unit", "measure", "created_at"}, indicatorRows); err != nil {
		return err
	}
	return g.copyRows("indicator_periods", []string{"id", "indicator_id", "period_start", "start_precision",
		"period_end", "end_precision", "baseline", "target", "actual", "actual_comparator", "note", "source", "created_at"}, periodRows)
}

// distinctCountries draws k different countries by weight, in the order of countries.
func distinctCountries(r *rand.Rand, k int) []int {
	k = min(k, len(countries))
	seen := make([]bool, len(countries))
	var out []int
	for len(out) < k {
		if ci := countryPicker.pick(r); !seen[ci] {
			seen[ci] = true
			out = append(out, ci)
		}
	}
	slices.Sort(out)
	return out
}

// distinctOrgs draws up to k different organizations by popularity, other than not. It
// gives up after a bounded number of draws, so a tiny run with few organizations ends.
func (g *generator) distinctOrgs(r *rand.Rand, k int, not int64) []int64 {
	var out []int64
	for tries := 0; len(out) < k && tries < 20*k; tries++ {
		if o := g.org(r); o != not && !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return out
}

// measureOf is the IATI measure of an indicator counted in unit: a share is a
// PERCENTAGE, anything counted a UNIT.
func measureOf(unit string) string {
	if unit == "PERCENT" {
		return "PERCENTAGE"
	}
	return "UNIT"
}
