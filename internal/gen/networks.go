package gen

import (
	"fmt"
	"strings"
	"time"
)

// networks generates youth networks three levels deep: regional networks, each with national
// chapters in four to ten countries, and local groups under the chapters, shared out
// zipf-like so that a few chapters have hundreds of groups. Regional networks were mostly
// founded at a youth session. Each network has coordinators and a few channels.
func (g *generator) networks() error {
	n := g.opt.Networks
	if n == 0 {
		return nil
	}
	r := g.rng(5)
	base, err := g.b.MaxID("youth_networks")
	if err != nil {
		return err
	}
	type node struct {
		id, parent int64
		scope      string
		country    int // -1 for a regional network
		name       string
	}
	regional := max(1, n/400)
	var nodes []node
	id := base
	for i := range regional {
		id++
		name := fmt.Sprintf("%s %s Youth Network", orgAdjectives[i%len(orgAdjectives)], []string{"ASEAN", "Mekong", "South-East Asian"}[r.IntN(3)])
		if i >= len(orgAdjectives) {
			name += fmt.Sprintf(" %d", i/len(orgAdjectives)+1)
		}
		nodes = append(nodes, node{id: id, scope: "REGIONAL", country: -1, name: name})
	}
	var nationals []node
	for _, p := range nodes[:regional] {
		if len(nodes)+len(nationals) >= n {
			break
		}
		for _, ci := range distinctCountries(r, between(r, 4, 10)) {
			if len(nodes)+len(nationals) >= n {
				break
			}
			id++
			nationals = append(nationals, node{id: id, parent: p.id, scope: "NATIONAL", country: ci, name: p.name + " — " + countries[ci].name})
		}
	}
	nodes = append(nodes, nationals...)
	if locals := n - len(nodes); locals > 0 && len(nationals) > 0 {
		for j, count := range allocate(locals, zipfWeights(r, len(nationals), 0.7, 0.3)) {
			p := nationals[j]
			for k := range count {
				id++
				c := countries[p.country].cities[r.IntN(len(countries[p.country].cities))]
				nodes = append(nodes, node{id: id, parent: p.id, scope: "LOCAL", country: p.country,
					name: fmt.Sprintf("%s %s %d", c.name, groupWords[r.IntN(len(groupWords))], k+1)})
			}
		}
	}

	var rows, coordinators, channels [][]any
	channelID, err := g.b.MaxID("network_channels")
	if err != nil {
		return err
	}
	for _, nd := range nodes {
		var code, parent, founded, owner any
		if nd.country >= 0 {
			code = countries[nd.country].code
		}
		if nd.parent != 0 {
			parent = nd.parent
		}
		if len(g.youthSessions) > 0 && (nd.scope == "REGIONAL" && chance(r, 0.8) || nd.scope == "NATIONAL" && chance(r, 0.3)) {
			founded = g.youthSessions[r.IntN(len(g.youthSessions))]
		}
		if chance(r, 0.8) {
			owner = g.org(r)
		}
		slug := fmt.Sprintf("gen-network-%d", nd.id)
		created := ref.Add(-time.Duration(between(r, 30, 5000)) * 24 * time.Hour)
		rows = append(rows, []any{nd.id, slug, nd.name, nullable(sentences[r.IntN(len(sentences))], chance(r, 0.5)),
			nd.scope, code, parent, founded, owner, g.source, int32(1), created, created})
		for _, o := range g.distinctOrgs(r, between(r, 1, 3), 0) {
			coordinators = append(coordinators, []any{nd.id, o})
		}
		for _, p := range some(r, platforms, 0, 3) {
			channelID++
			channels = append(channels, []any{channelID, nd.id, p, "https://example.org/" + strings.ToLower(p) + "/" + slug, nullable("@"+slug, p != "WEBSITE")})
		}
	}
	if err := g.copyRows("youth_networks", []string{"id", "slug", "name", "description", "scope", "country_code",
		"parent_id", "founded_at_id", "owner_id", "source", "version", "created_at", "updated_at"}, rows); err != nil {
		return err
	}
	if err := g.copyRows("network_coordinators", []string{"network_id", "organization_id"}, coordinators); err != nil {
		return err
	}
	return g.copyRows("network_channels", []string{"id", "network_id", "platform", "url", "handle"}, channels)
}
