package api_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/jackc/pgx/v5"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/relay"
	"campaigns/internal/seed"
)

// attachedEvent is what every read of an event must carry: the venue, its country and the
// organizer, which the store reads in the event's own statement and the schema's fields
// return as they are, with no resolver that could load them when they are missing.
type attachedEvent struct {
	ID    string
	Venue *struct {
		Name    string
		Country struct{ Name string }
	}
	Organizer struct{ Name string }
}

const attachedFields = `fragment A on Event { id venue { name country { name } } organizer { name } }`

// TestEveryEventReadCarriesItsVenueAndOrganizer reads the seeded events through every
// path that returns events and checks each against the database: a path whose statement
// did not join them would give a null venue or fail on the non-null organizer.
func TestEveryEventReadCarriesItsVenueAndOrganizer(t *testing.T) {
	st, url := dbtest.NewWithURL(t)
	if _, err := seed.Load(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	want := attachedTruth(t, url)
	c := apitest.New(st)

	ids := make([]string, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	var anyID string
	for id, e := range want {
		if e.Venue != nil {
			anyID = id
		}
	}
	paths := []struct {
		name, query string
		vars        map[string]any
	}{
		{"events", `{ events(first: 100) { nodes { ...A } } }`, nil},
		{"campaign events", `{ campaigns(first: 100) { nodes { events(first: 100) { edges { node { ...A } } } } } }`, nil},
		{"country events", `{ countries(first: 100) { nodes { events(first: 100) { nodes { ...A } } } } }`, nil},
		{"organization events", `{ organizations(first: 100) { nodes { events(first: 100) { nodes { ...A } } } } }`, nil},
		{"near me", `{ eventsNear(latitude: 16.78, longitude: 96.15, radiusKm: 50, first: 100) { nodes { ...A } } }`, nil},
		{"event", `query($id: ID!) { event(id: $id) { ...A } }`, map[string]any{"id": anyID}},
		{"node", `query($id: ID!) { node(id: $id) { ...A } }`, map[string]any{"id": anyID}},
		{"nodes", `query($ids: [ID!]!) { nodes(ids: $ids) { ...A } }`, map[string]any{"ids": ids}},
		{"search", `{ search(query: "concert", first: 20) { nodes { ...A } } }`, nil},
		{"network founded at", `{ youthNetworks(first: 100) { nodes { foundedAt { ...A } } } }`, nil},
		{"changes", `{ changes(first: 500) { changes { node { ...A } } } }`, nil},
	}
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			var data any
			c.Query(t, p.query+" "+attachedFields, p.vars).MustData(t, &data)
			got := collectEvents(t, data)
			if len(got) == 0 {
				t.Fatalf("no event read: %v", data)
			}
			for _, e := range got {
				w, ok := want[e.ID]
				if !ok {
					t.Fatalf("event %s is not in the database", e.ID)
				}
				if g, _ := json.Marshal(e); string(g) != string(mustJSON(t, w)) {
					t.Errorf("event %s:\n got %s\nwant %s", e.ID, g, mustJSON(t, w))
				}
			}
		})
	}
}

// attachedTruth reads every event's venue, country and organizer with plain statements of
// its own, one table at a time.
func attachedTruth(t *testing.T, url string) map[string]attachedEvent {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	type raw struct {
		id, organizer int64
		venue         *int64
	}
	var evs []raw
	rows, _ := conn.Query(ctx, `SELECT id, organizer_id, venue_id FROM events`)
	for rows.Next() {
		var r raw
		if err := rows.Scan(&r.id, &r.organizer, &r.venue); err != nil {
			t.Fatal(err)
		}
		evs = append(evs, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	out := map[string]attachedEvent{}
	for _, r := range evs {
		e := attachedEvent{ID: relay.EncodeInt(relay.TypeEvent, r.id)}
		if err := conn.QueryRow(ctx, `SELECT name FROM organizations WHERE id = $1`, r.organizer).Scan(&e.Organizer.Name); err != nil {
			t.Fatal(err)
		}
		if r.venue != nil {
			var code string
			e.Venue = &struct {
				Name    string
				Country struct{ Name string }
			}{}
			if err := conn.QueryRow(ctx, `SELECT name, country_code FROM venues WHERE id = $1`, *r.venue).Scan(&e.Venue.Name, &code); err != nil {
				t.Fatal(err)
			}
			if err := conn.QueryRow(ctx, `SELECT name FROM countries WHERE code = $1`, code).Scan(&e.Venue.Country.Name); err != nil {
				t.Fatal(err)
			}
		}
		out[e.ID] = e
	}
	return out
}

// collectEvents finds every object of an answer that has an organizer: the events.
func collectEvents(t *testing.T, v any) []attachedEvent {
	var out []attachedEvent
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["organizer"]; ok {
			var e attachedEvent
			if err := json.Unmarshal(mustJSON(t, x), &e); err != nil {
				t.Fatal(err)
			}
			return []attachedEvent{e}
		}
		for _, c := range x {
			out = append(out, collectEvents(t, c)...)
		}
	case []any:
		for _, c := range x {
			out = append(out, collectEvents(t, c)...)
		}
	}
	return out
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
