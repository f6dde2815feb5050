package gen

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// countryPicker draws a country index by the countries' weights.
var countryPicker = func() *picker {
	w := make([]float64, len(countries))
	for i, c := range countries {
		w[i] = c.weight
	}
	return newPicker(w)
}()

// organizations generates the partner organizations. Their popularity is zipf-like: a few
// are partners of hundreds of campaigns and organize thousands of events.
func (g *generator) organizations() error {
	r := g.rng(1)
	base, err := g.b.MaxID("organizations")
	if err != nil {
		return err
	}
	n := g.opt.Organizations
	g.orgBase = base
	g.orgKind = make([]string, n)
	rows := make([][]any, n)
	for i := range n {
		id := base + int64(i) + 1
		kind := pickWeighted(r, organizationKinds)
		g.orgKind[i] = kind
		var code any
		ci := countryPicker.pick(r)
		regional := kind == "INTERGOVERNMENTAL" || kind == "UN_AGENCY" || kind == "DONOR"
		if !regional || chance(r, 0.4) {
			code = countries[ci].code
		}
		c := countries[ci].cities[r.IntN(len(countries[ci].cities))]
		words := orgWords[kind]
		name := fmt.Sprintf("%s %s %s", orgAdjectives[r.IntN(len(orgAdjectives))], orgNouns[r.IntN(len(orgNouns))], words[r.IntN(len(words))])
		if code != nil {
			name += " " + c.name
		}
		slug := fmt.Sprintf("gen-org-%d", id)
		created := ref.Add(-time.Duration(between(r, 30, 6000)) * 24 * time.Hour)
		rows[i] = []any{id, slug, name, kind, code,
			nullable("https://example.org/"+slug, chance(r, 0.6)),
			nullable(sentences[r.IntN(len(sentences))], chance(r, 0.4)),
			g.source, created, created}
		if kind == "DONOR" || kind == "GOVERNMENT" {
			g.funders = append(g.funders, id)
		}
	}
	if len(g.funders) == 0 {
		g.funders = []int64{base + 1}
	}
	g.orgPick = newPicker(zipfWeights(r, n, 1.0, 0.3))
	return g.copyRows("organizations", []string{"id", "slug", "name", "kind", "country_code", "website",
		"description", "source", "created_at", "updated_at"}, rows)
}

// org draws an organization by popularity.
func (g *generator) org(r *rand.Rand) int64 { return g.orgBase + int64(g.orgPick.pick(r)) + 1 }

// venues generates the places events are held in, about one per forty events, in each
// country's cities by the country's weight.
func (g *generator) venues() error {
	r := g.rng(2)
	base, err := g.b.MaxID("venues")
	if err != nil {
		return err
	}
	n := max(4*len(countries), g.opt.Events/40)
	g.venuesOf = make([][]venue, len(countries))
	rows := make([][]any, n)
	for i := range n {
		id := base + int64(i) + 1
		ci := i % len(countries) // every country has venues, however small the run
		if i >= len(countries) {
			ci = countryPicker.pick(r)
		}
		k := countries[ci]
		cityIdx := r.IntN(len(k.cities))
		c := k.cities[cityIdx]
		g.venuesOf[ci] = append(g.venuesOf[ci], venue{id: id, city: cityIdx})
		name := c.name + " " + venueKinds[r.IntN(len(venueKinds))]
		if chance(r, 0.5) {
			name += fmt.Sprintf(" %d", between(r, 1, 40))
		}
		lat := c.lat + (r.Float64()-0.5)*0.1
		lon := c.lon + (r.Float64()-0.5)*0.1
		address := fmt.Sprintf("%d %s Road, %s", between(r, 1, 400), streets[r.IntN(len(streets))], c.name)
		created := ref.Add(-time.Duration(between(r, 30, 7000)) * 24 * time.Hour)
		rows[i] = []any{id, name, c.name, k.code, lat, lon, address, chance(r, 0.7), g.source, created}
	}
	return g.copyRows("venues", []string{"id", "name", "city", "country_code", "latitude", "longitude",
		"address", "address_private", "source", "created_at"}, rows)
}
