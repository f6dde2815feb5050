package api_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/apitest"
	"campaigns/internal/relay"
)

// countFigure is one published count: the units it adds up, who read it, and how it showed.
// A unit is one event's or network's count of one measure: "reg:p1" (confirmed
// registrations), "att:p1" (attended), "wait:p1" (waitlisted), "net:N" (members); the
// stranger's own event is "reg:b1#3" after its third registration, since it changes.
type countFigure struct {
	caller string
	what   string
	units  []string
	total  bool
	label  string
}

type shownCount struct {
	Value      *int
	Suppressed bool
	Label      string
}

const (
	countFields      = `{ value suppressed label }`
	reachCountFields = `{ registrations ` + countFields + ` attended ` + countFields + ` networkMembers ` + countFields + ` }`
)

// unit names a unit of the measure for event or network key, b1's by the registrations so far.
func (w *countWorld) unit(measure, key string) string {
	if key == "b1" {
		return fmt.Sprintf("%s:b1#%d", measure, w.strangers)
	}
	return measure + ":" + key
}

// truthOf returns a unit's real count.
func (w *countWorld) truthOf(u string) int {
	if strings.HasPrefix(u, "reg:b1#") {
		n, _ := strconv.Atoi(strings.TrimPrefix(u, "reg:b1#"))
		return n
	}
	if strings.Contains(u, ":b1#") {
		return 0
	}
	return w.truth[u]
}

// readFigures reads, in one request as c, every count the API publishes of this world: each
// aggregate's reach, each event's registrationCounts and each network's memberCount.
func (w *countWorld) readFigures(t *testing.T, c *apitest.Client, caller string) []countFigure {
	t.Helper()
	var doc strings.Builder
	var decl []string
	vars := map[string]any{}
	aggs := w.aggregates()
	for i, a := range aggs {
		if a.campaign != "" {
			fmt.Fprintf(&doc, "a%d: campaign(slug: %q) { reach %s }\n", i, w.campaigns[a.campaign].Slug, reachCountFields)
			continue
		}
		decl = append(decl, fmt.Sprintf("$f%d: EventFilter", i))
		vars[fmt.Sprintf("f%d", i)] = a.filter
		fmt.Fprintf(&doc, "a%d: reach(filter: $f%d) %s\n", i, i, reachCountFields)
	}
	for _, ce := range countEvents {
		decl = append(decl, fmt.Sprintf("$e_%s: ID!", ce.key))
		vars["e_"+ce.key] = w.events[ce.key].GlobalID()
		fmt.Fprintf(&doc, "e_%s: event(id: $e_%s) { registrationCounts { confirmed %s attended %s waitlisted %s } }\n", ce.key, ce.key, countFields, countFields, countFields)
	}
	for i, cn := range countNetworks {
		fmt.Fprintf(&doc, "n%d: youthNetwork(slug: %q) { memberCount %s }\n", i, w.networks[cn.key].Slug, countFields)
	}
	var data map[string]json.RawMessage
	c.Query(t, "query("+strings.Join(decl, ", ")+") {\n"+doc.String()+"}", vars).MustData(t, &data)
	decode := func(alias string, v any) {
		t.Helper()
		if err := json.Unmarshal(data[alias], v); err != nil {
			t.Fatalf("%s: %v in %s", alias, err, data[alias])
		}
	}
	var out []countFigure
	add := func(what string, units []string, total bool, c shownCount) {
		out = append(out, countFigure{caller: caller, what: what, units: units, total: total, label: c.Label})
	}
	units := func(measure string, keys []string) []string {
		var us []string
		for _, k := range keys {
			us = append(us, w.unit(measure, k))
		}
		return us
	}
	for i, a := range aggs {
		var r struct{ Registrations, Attended, NetworkMembers shownCount }
		if a.campaign != "" {
			var c struct {
				Reach *struct{ Registrations, Attended, NetworkMembers shownCount }
			}
			decode(fmt.Sprintf("a%d", i), &c)
			r = *c.Reach
		} else {
			decode(fmt.Sprintf("a%d", i), &r)
		}
		add(a.name+" registrations", units("reg", a.events), true, r.Registrations)
		add(a.name+" attended", units("att", a.events), true, r.Attended)
		add(a.name+" network members", units("net", networksFounded(a.events)), true, r.NetworkMembers)
	}
	for _, ce := range countEvents {
		var e struct {
			RegistrationCounts struct{ Confirmed, Attended, Waitlisted shownCount }
		}
		decode("e_"+ce.key, &e)
		rc := e.RegistrationCounts
		add(ce.key+" confirmed", units("reg", []string{ce.key}), false, rc.Confirmed)
		add(ce.key+" attended", units("att", []string{ce.key}), false, rc.Attended)
		add(ce.key+" waitlisted", units("wait", []string{ce.key}), false, rc.Waitlisted)
	}
	for i, cn := range countNetworks {
		var n struct{ MemberCount shownCount }
		decode(fmt.Sprintf("n%d", i), &n)
		add(cn.key+" members", units("net", []string{cn.key}), false, n.MemberCount)
	}
	return out
}

// A reading is how an attacker takes a figure's label to bound the sum of its units.
type reading int

const (
	// promised takes from a label only what it promises, for any method that keeps its
	// labels' word: a plain number is the count; "fewer than 5" is 1 to 4 (0 to 4 where 0
	// is not shown as 0); "lo to hi" and "0 or hi" are that range; "about v" of one event or
	// network is within 2 of v, and of a total within 2 of v for each unit it adds, plus 2.5
	// for rounding the sum. The API's figures must always hold under it.
	promised reading = iota
	// naive takes every "about v" as the sum rounded to base 5 (within 2 of v, and at least
	// 5, or it would be withheld), as it would be if totals were rounded on their own. Where
	// the API's totals are not, this reading is wrong and may pin a count to a false value,
	// which gives nothing away; pinning it to its real value does.
	naive
)

// bounds returns what the figure's label says of the sum of its units under the reading.
func (f countFigure) bounds(r reading, zerosShown bool) (lo, hi int) {
	switch {
	case f.label == "fewer than 5" && zerosShown:
		return 1, 4
	case f.label == "fewer than 5":
		return 0, 4
	case f.label == "withheld":
		return 0, 1 << 20
	case strings.Contains(f.label, " to ") || strings.HasPrefix(f.label, "0 or "):
		var lo, hi int
		if _, err := fmt.Sscanf(strings.Replace(f.label, "0 or ", "0 to ", 1), "%d to %d", &lo, &hi); err != nil {
			panic(fmt.Sprintf("label %q of %s", f.label, f.what))
		}
		if f.total {
			return 0, hi * len(f.units)
		}
		return lo, hi
	case strings.HasPrefix(f.label, "about "):
		v, _ := strconv.Atoi(strings.TrimPrefix(f.label, "about "))
		if r == naive {
			return max(v-2, 5), v + 2
		}
		d := 2
		if f.total {
			d = 2 + 2*len(f.units)
		}
		return max(v-d, 0), v + d
	}
	n, err := strconv.Atoi(f.label)
	if err != nil {
		panic(fmt.Sprintf("label %q of %s", f.label, f.what))
	}
	return n, n
}

// feasible returns, for every unit the caller does not know, each value it may have given
// every figure's bounds: all the values that no sum or difference of published figures (of
// any subsets against any totals, from any of the reads) can rule out. It tries every
// combination of the units' values, each within what its own figure allows.
func feasible(figs []countFigure, known map[string]int, public map[string][2]int, r reading, zerosShown bool) map[string]map[int]bool {
	domain := map[string][2]int{}
	for _, f := range figs {
		for _, u := range f.units {
			if _, ok := known[u]; !ok {
				if _, ok := domain[u]; !ok {
					domain[u] = [2]int{0, 40}
					if b, ok := public[u]; ok {
						domain[u] = b
					}
				}
			}
		}
	}
	for _, f := range figs {
		if len(f.units) == 1 {
			if d, ok := domain[f.units[0]]; ok {
				lo, hi := f.bounds(r, zerosShown)
				domain[f.units[0]] = [2]int{max(d[0], lo), min(d[1], hi)}
			}
		}
	}
	hidden := slices.Sorted(maps.Keys(domain))
	// Each figure is checked once its last hidden unit has a value.
	checkAt := make([][]countFigure, len(hidden)+1)
	for _, f := range figs {
		last := -1
		for _, u := range f.units {
			if i := slices.Index(hidden, u); i > last {
				last = i
			}
		}
		checkAt[last+1] = append(checkAt[last+1], f)
	}
	value := maps.Clone(known)
	out := map[string]map[int]bool{}
	for _, u := range hidden {
		out[u] = map[int]bool{}
	}
	holds := func(fs []countFigure) bool {
		for _, f := range fs {
			sum := 0
			for _, u := range f.units {
				sum += value[u]
			}
			if lo, hi := f.bounds(r, zerosShown); sum < lo || sum > hi {
				return false
			}
		}
		return true
	}
	var try func(i int)
	try = func(i int) {
		if !holds(checkAt[i]) {
			return
		}
		if i == len(hidden) {
			for _, u := range hidden {
				out[u][value[u]] = true
			}
			return
		}
		for v := domain[hidden[i]][0]; v <= domain[hidden[i]][1]; v++ {
			value[hidden[i]] = v
			try(i + 1)
		}
	}
	try(0)
	return out
}

// TestCountsCannotBeRecoveredBySubtraction builds the case (campaign P's 8
// registrations are an event's 6 and another's 2) and others: a network and its chapters
// (a campaign's network members against each network's), a country and its events, a year
// and its months, all events minus one campaign, a campaign within a country. It reads
// every published count anonymously and as a stranger organization, nine times while the
// stranger adds its own registrations one by one to an event of the same month and country
// (so that the totals with it move by steps the stranger knows), and then tries every
// combination of values of the withheld and rounded counts against all the figures read,
// under each reading of the labels: each such count must keep more than one possible value.
func TestCountsCannotBeRecoveredBySubtraction(t *testing.T) {
	t.Parallel()
	w := newCountWorld(t)
	anonymous, stranger := w.c, w.c.As(w.keys["org-b"])
	var figs []countFigure
	known := map[string]int{} // the stranger knows its own event's counts
	for k := range 9 {
		if k > 0 {
			w.addStrangerRegistration(t)
		}
		for _, m := range []string{"reg", "att", "wait"} {
			known[w.unit(m, "b1")] = w.truthOf(w.unit(m, "b1"))
		}
		figs = append(figs, w.readFigures(t, anonymous, "anonymous")...)
		figs = append(figs, w.readFigures(t, stranger, "stranger")...)
	}
	// Where anonymous callers see 0 as 0, "fewer than 5" means 1 to 4.
	zerosShown := slices.ContainsFunc(figs, func(f countFigure) bool { return f.caller == "anonymous" && f.label == "0" })
	// The units whose own figure the API withholds or rounds for these callers.
	protected := map[string]bool{}
	for _, f := range figs {
		if _, err := strconv.Atoi(f.label); !f.total && err != nil {
			protected[f.units[0]] = true
		}
	}
	if len(protected) < 8 {
		t.Fatalf("only %d counts are withheld or rounded: %v", len(protected), protected)
	}
	// What else is public: an event's capacity bounds its confirmed and attended counts, and
	// a waitlist shown to hold anyone says the event is full.
	public := map[string][2]int{}
	for _, ce := range countEvents {
		if ce.capacity == 0 {
			continue
		}
		public["reg:"+ce.key], public["att:"+ce.key] = [2]int{0, ce.capacity}, [2]int{0, ce.capacity}
		for _, f := range figs {
			if lo, _ := f.bounds(promised, zerosShown); !f.total && f.units[0] == "wait:"+ce.key && lo > 0 {
				public["reg:"+ce.key] = [2]int{ce.capacity, ce.capacity}
			}
		}
	}
	possible := map[string]map[int]bool{}
	for _, measure := range []string{"reg", "att", "wait", "net"} {
		var fs []countFigure
		for _, f := range figs {
			if len(f.units) > 0 && strings.HasPrefix(f.units[0], measure+":") {
				fs = append(fs, f)
			}
		}
		for u, values := range feasible(fs, known, public, promised, zerosShown) {
			possible[u] = values
			truth := w.truthOf(u)
			if !values[truth] {
				t.Fatalf("%s is %d, but the figures' promises rule it out: %v", u, truth, slices.Sorted(maps.Keys(values)))
			}
			if protected[u] && len(values) < 2 {
				t.Errorf("the published figures give %s away: it can only be %v", u, slices.Sorted(maps.Keys(values)))
			}
		}
		for u, values := range feasible(fs, known, public, naive, zerosShown) {
			if protected[u] && len(values) == 1 && values[w.truthOf(u)] {
				t.Errorf("taking totals as rounded on their own gives %s away: it can only be %d", u, w.truthOf(u))
			}
		}
	}
	// Across measures: no more attended than confirmed at an event (the stranger's own aside).
	for _, ce := range countEvents {
		if ce.organizer == "org-b" {
			continue
		}
		reg, att := possible["reg:"+ce.key], possible["att:"+ce.key]
		fewestAttended, mostConfirmed := slices.Min(slices.Collect(maps.Keys(att))), slices.Max(slices.Collect(maps.Keys(reg)))
		regLeft := slices.DeleteFunc(slices.Collect(maps.Keys(reg)), func(n int) bool { return n < fewestAttended })
		attLeft := slices.DeleteFunc(slices.Collect(maps.Keys(att)), func(n int) bool { return n > mostConfirmed })
		if protected["reg:"+ce.key] && len(regLeft) < 2 || protected["att:"+ce.key] && len(attLeft) < 2 {
			t.Errorf("%s: with no more attended than confirmed, confirmed can only be %v and attended %v", ce.key, regLeft, attLeft)
		}
	}
}

// totalOfFigures is the documented rule of a total, from its parts' figures as the caller
// sees them and the most each part may be (its capacity, or 0): exact parts added up; if
// any part is withheld or rounded, a rounded part counts its value and a withheld one the
// middle of its range, and the sum is rounded to the nearest 5 with halves up, or withheld
// when it may be under 5; a single withheld or rounded part with nothing else shows as itself.
func totalOfFigures(labels []string, most []int) string {
	sum, twice, top, hidden, single := 0, 0, 0, 0, ""
	for i, l := range labels {
		var lo, hi int
		switch {
		case l == "fewer than 5":
			lo, hi = 1, 4
			if most[i] > 0 {
				hi = min(hi, most[i])
			}
			twice, top = twice+lo+hi, top+hi
		case strings.HasPrefix(l, "0 or "), strings.Contains(l, " to "):
			fmt.Sscanf(strings.Replace(l, "0 or ", "0 to ", 1), "%d to %d", &lo, &hi)
			twice, top = twice+lo+hi, top+hi
		case strings.HasPrefix(l, "about "):
			v, _ := strconv.Atoi(strings.TrimPrefix(l, "about "))
			twice, top = twice+2*v, top+v+2
		default:
			n, _ := strconv.Atoi(l)
			sum, twice, top = sum+n, twice+2*n, top+n
			continue
		}
		hidden, single = hidden+1, l
	}
	switch {
	case hidden == 0:
		return strconv.Itoa(sum)
	case hidden == 1 && sum == 0:
		return single
	case top < 5:
		return "fewer than 5"
	}
	return "about " + strconv.Itoa((twice+5)/10*5)
}

// TestReachTotalsAreMadeOfTheirPartsFigures checks that every reach total, as an anonymous
// caller, a stranger and each organizer read it, is the documented function of the
// figures of the events and networks it adds up, as the same caller reads them: so a total
// tells nothing those figures do not, and each of them leaves a withheld count 1 to 4 and
// a rounded one 5 values. It also checks the case by name.
func TestReachTotalsAreMadeOfTheirPartsFigures(t *testing.T) {
	t.Parallel()
	w := newCountWorld(t)
	for range 3 {
		w.addStrangerRegistration(t)
	}
	for _, caller := range []string{"anonymous", "org-a", "org-b", "org-c"} {
		c := w.c
		if caller != "anonymous" {
			c = c.As(w.keys[caller])
		}
		figs := w.readFigures(t, c, caller)
		part := map[string]string{}
		for _, f := range figs {
			if !f.total {
				part[f.units[0]] = f.label
			}
		}
		for _, f := range figs {
			if !f.total {
				continue
			}
			var labels []string
			var most []int
			for _, u := range f.units {
				labels = append(labels, part[u])
				most = append(most, capacityOf(u))
			}
			if want := totalOfFigures(labels, most); f.label != want {
				t.Errorf("%s reads %s as %q, but its parts show %q, which make %q", caller, f.what, f.label, labels, want)
			}
			if f.what == "campaign P registrations" && caller != "org-a" && f.label == "8" {
				t.Errorf("%s reads campaign P's 8 registrations exactly, so 8 - 6 gives its second event's 2 away", caller)
			}
		}
	}
}

// TestOwnersSeeTheirCountsExactly checks that the organization whose records a count
// counts sees it exactly (an organizer its events' registrations, a coordinator its
// network's members, and any total of only its own events and networks), while a total
// that also counts another's records is rounded for it too.
func TestOwnersSeeTheirCountsExactly(t *testing.T) {
	t.Parallel()
	w := newCountWorld(t)
	type count struct {
		Value      *int
		Suppressed bool
		Exact      bool
		Label      string
	}
	exact := func(n int) count { return count{Value: &n, Exact: true, Label: strconv.Itoa(n)} }
	about := func(n int) count { return count{Value: &n, Label: "about " + strconv.Itoa(n)} }
	fewer := count{Suppressed: true, Label: "fewer than 5"}
	withheld := count{Suppressed: true, Label: "withheld"}
	const fields = `{ value suppressed exact label }`
	const query = `query($p2: ID!, $q1: ID!, $pc: ID!, $feb: EventFilter, $qmm: EventFilter) {
		p2: event(id: $p2) { registrationCounts { confirmed ` + fields + ` waitlisted ` + fields + ` } }
		q1: event(id: $q1) { registrationCounts { confirmed ` + fields + ` } }
		nth: youthNetwork(slug: "network-n-th") { memberCount ` + fields + ` }
		nmm: youthNetwork(slug: "network-n-mm") { memberCount ` + fields + ` }
		p: reach(filter: { campaign: $pc }) { registrations ` + fields + ` attended ` + fields + ` networkMembers ` + fields + ` }
		pReach: campaign(slug: "campaign-p") { reach { registrations ` + fields + ` } }
		aFeb: reach(filter: $feb) { registrations ` + fields + ` }
		qmm: reach(filter: $qmm) { registrations ` + fields + ` networkMembers ` + fields + ` }
		all: reach { registrations ` + fields + ` }
	}`
	type answer struct {
		P2 struct {
			RegistrationCounts struct{ Confirmed, Waitlisted count }
		}
		Q1 struct {
			RegistrationCounts struct{ Confirmed count }
		}
		Nth, Nmm struct{ MemberCount count }
		P        struct{ Registrations, Attended, NetworkMembers count }
		PReach   struct{ Reach struct{ Registrations count } }
		AFeb     struct{ Registrations count }
		Qmm      struct{ Registrations, NetworkMembers count }
		All      struct{ Registrations count }
	}
	vars := map[string]any{"p2": w.events["p2"].GlobalID(), "q1": w.events["q1"].GlobalID(), "pc": w.campaigns["P"].GlobalID(),
		"feb": map[string]any{"organizer": relay.EncodeInt(relay.TypeOrganization, w.orgs["org-a"]), "startsAfter": "2013-02-01T00:00:00Z", "startsBefore": "2013-03-01T00:00:00Z"},
		"qmm": map[string]any{"campaign": w.campaigns["Q"].GlobalID(), "country": "MM"}}
	read := func(caller string) answer {
		var a answer
		w.c.As(w.keys[caller]).Query(t, query, vars).MustData(t, &a)
		return a
	}
	a := func(f func(*answer)) answer {
		var x answer
		f(&x)
		return x
	}
	for _, tt := range []struct {
		caller string
		want   answer
	}{
		// org-a organizes P's events and coordinates N and N-TH: all of P is its own. Its total
		// of every event also counts org-c's, so it is rounded: 6 + 2 exact, 3 withheld (2.5),
		// 7 as 5 to 8 (6.5, with room for 8), 1 as 0 or 1 (0.5, with room for 1): 17.5, about 20.
		{"org-a", a(func(x *answer) {
			x.P2.RegistrationCounts.Confirmed, x.P2.RegistrationCounts.Waitlisted = exact(2), exact(3)
			x.Q1.RegistrationCounts.Confirmed = fewer
			x.Nth.MemberCount, x.Nmm.MemberCount = exact(2), fewer
			x.P.Registrations, x.P.Attended, x.P.NetworkMembers = exact(8), exact(4), exact(9)
			x.PReach.Reach.Registrations, x.AFeb.Registrations = exact(8), exact(2)
			x.Qmm.Registrations, x.Qmm.NetworkMembers = about(5), fewer
			x.All.Registrations = about(20)
		})},
		// org-c organizes Q's events and coordinates N-MM. P's second event has a capacity,
		// so its waitlist is withheld; P's total is its first event's about 5 and its second's
		// 1 or 2 (1.5): about 5.
		{"org-c", a(func(x *answer) {
			x.P2.RegistrationCounts.Confirmed, x.P2.RegistrationCounts.Waitlisted = fewer, withheld
			x.Q1.RegistrationCounts.Confirmed = exact(3)
			x.Nth.MemberCount, x.Nmm.MemberCount = fewer, exact(3)
			x.P.Registrations, x.P.Attended, x.P.NetworkMembers = about(5), fewer, about(10)
			x.PReach.Reach.Registrations, x.AFeb.Registrations = about(5), fewer
			x.Qmm.Registrations, x.Qmm.NetworkMembers = exact(4), exact(3)
			x.All.Registrations = about(20)
		})},
		// org-b, a stranger to all of it (its own b1 has no registrations yet): of all events,
		// 5 + 1.5 + 2.5 + 6.5 (Q's second, 5 to 8 with room for 8) + 0.5 (Q's third, 0 or 1
		// with room for 1) is 16, about 15.
		{"org-b", a(func(x *answer) {
			x.P2.RegistrationCounts.Confirmed, x.P2.RegistrationCounts.Waitlisted = fewer, withheld
			x.Q1.RegistrationCounts.Confirmed = fewer
			x.Nth.MemberCount, x.Nmm.MemberCount = fewer, fewer
			x.P.Registrations, x.P.Attended, x.P.NetworkMembers = about(5), fewer, about(10)
			x.PReach.Reach.Registrations, x.AFeb.Registrations = about(5), fewer
			x.Qmm.Registrations, x.Qmm.NetworkMembers = about(5), fewer
			x.All.Registrations = about(15)
		})},
	} {
		if diff := cmp.Diff(tt.want, read(tt.caller)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.caller, diff)
		}
	}
}

// capacityOf returns the capacity of a unit's event, 0 for none or for a network.
func capacityOf(u string) int {
	key := strings.SplitN(strings.SplitN(u, ":", 2)[1], "#", 2)[0]
	for _, ce := range countEvents {
		if ce.key == key && !strings.HasPrefix(u, "net:") {
			return ce.capacity
		}
	}
	return 0
}
