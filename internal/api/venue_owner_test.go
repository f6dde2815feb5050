package api_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// The exact place of a shelter that an organizer writes with its event, private as the API
// keeps an address unless told otherwise, and the position everyone else reads.
const (
	ownedLat, ownedLng   = 16.812345, 96.123456
	ownedPubLat, ownedPu = 16.81, 96.12
	ownedAddress         = "7 Quiet Lane, Yangon"
)

type venueRead struct {
	ID          string
	Address     *string
	Coordinates *struct{ Latitude, Longitude float64 }
}

// TestVenueOwnerReadsPrivateAddress holds a private venue to its owner: the organizer of the
// event it was written with reads its street address and exact position in the payload and
// afterwards, through the event, the venue's own node and a list; the campaign's owner, a
// stranger and anonymous callers read no address and the rounded position; and a venue
// shared by events of two organizers is owned by neither.
func TestVenueOwnerReadsPrivateAddress(t *testing.T) {
	t.Parallel()
	w := newEvWorld(t)
	res := w.mutate(t, w.client, w.keys[evOrganizer], "createEvent", map[string]any{
		"campaign": w.campaign.GlobalID(), "title": "Counselling day", "kind": "OUTREACH", "status": "SCHEDULED",
		"startsAt": "2013-03-02T10:00:00+06:30", "timeZone": "Asia/Yangon",
		"venue": map[string]any{"name": "Drop-in centre", "city": "Yangon", "country": "MM",
			"latitude": ownedLat, "longitude": ownedLng, "address": ownedAddress},
	})
	p := evPayloadOf(t, res, "createEvent")
	if len(p.UserErrors) > 0 || p.Event == nil {
		t.Fatalf("createEvent: %+v", p.UserErrors)
	}
	if v := p.Event.Venue; v.Address == nil || *v.Address != ownedAddress || v.Coordinates == nil ||
		v.Coordinates.Latitude != ownedLat || v.Coordinates.Longitude != ownedLng {
		t.Errorf("the organizer's payload reads the venue as %+v", v)
	}
	eventID := p.Event.ID

	read := func(key string) (viaEvent, viaNode, viaList venueRead) {
		t.Helper()
		c := w.client
		if key != "" {
			c = c.As(key)
		}
		var got struct {
			Event struct{ Venue venueRead }
			List  struct{ Nodes []struct{ Venue venueRead } }
		}
		c.Query(t, `query ($id: ID!, $c: ID) {
			event(id: $id) { venue { id address coordinates { latitude longitude } } }
			list: events(filter: { campaign: $c, kind: [OUTREACH] }) { nodes { venue { id address coordinates { latitude longitude } } } } }`,
			map[string]any{"id": eventID, "c": w.campaign.GlobalID()}).MustData(t, &got)
		var node struct{ Node venueRead }
		c.Query(t, `query ($id: ID!) { node(id: $id) { ... on Venue { id address coordinates { latitude longitude } } } }`,
			map[string]any{"id": got.Event.Venue.ID}).MustData(t, &node)
		if len(got.List.Nodes) != 1 {
			t.Fatalf("the list holds %d events, want the one", len(got.List.Nodes))
		}
		return got.Event.Venue, node.Node, got.List.Nodes[0].Venue
	}
	exact := func(who string, v venueRead) {
		t.Helper()
		if v.Address == nil || *v.Address != ownedAddress || v.Coordinates == nil || v.Coordinates.Latitude != ownedLat || v.Coordinates.Longitude != ownedLng {
			t.Errorf("%s reads %+v (address %v), want the address and the exact position", who, v.Coordinates, v.Address)
		}
	}
	public := func(who string, v venueRead) {
		t.Helper()
		if v.Address != nil || v.Coordinates == nil || v.Coordinates.Latitude != ownedPubLat || v.Coordinates.Longitude != ownedPu {
			t.Errorf("%s reads %+v (address %v), want no address and the rounded position", who, v.Coordinates, v.Address)
		}
	}
	for _, who := range []string{evOrganizer, "organizer-viewer"} {
		a, b, c := read(w.keys[who])
		exact(who+" through the event", a)
		exact(who+" through node(id)", b)
		exact(who+" through a list", c)
	}
	// The campaign's owner may edit the event, but the venue is the organizer's.
	for _, who := range []string{evOwner, evStranger, "anonymous"} {
		a, b, c := read(w.keys[who])
		public(who+" through the event", a)
		public(who+" through node(id)", b)
		public(who+" through a list", c)
	}

	// Another organizer's event at the same place: the venue is no longer one organizer's.
	conn, err := pgx.Connect(context.Background(), w.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), `UPDATE events SET organizer_id = $1,
		venue_id = (SELECT venue_id FROM events WHERE title = 'Counselling day') WHERE id = $2`,
		w.orgs[evStranger].ID, w.completed.ID); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{evOrganizer, evStranger} {
		a, b, _ := read(w.keys[who])
		public(who+" of a shared venue, through the event", a)
		public(who+" of a shared venue, through node(id)", b)
	}
}

// TestVenueOwnershipIsOneStatementPerLevel lists events at several private venues as their
// organizer: whether it owns them is asked once for all, so the list costs one statement more
// than for an anonymous caller, who owns nothing and is asked nothing.
func TestVenueOwnershipIsOneStatementPerLevel(t *testing.T) {
	t.Parallel()
	w := newEvWorld(t)
	for i, city := range []string{"Yangon", "Mandalay", "Bago"} {
		res := w.mutate(t, w.client, w.keys[evOrganizer], "createEvent", map[string]any{
			"campaign": w.campaign.GlobalID(), "title": "Outreach in " + city, "kind": "OUTREACH", "status": "SCHEDULED",
			"startsAt": "2013-03-02T10:00:00+06:30", "timeZone": "Asia/Yangon",
			"venue": map[string]any{"name": "Hall", "city": city, "country": "MM", "latitude": 16.8 + float64(i)/10, "longitude": 96.1, "address": city + " road"},
		})
		if p := evPayloadOf(t, res, "createEvent"); len(p.UserErrors) > 0 {
			t.Fatalf("createEvent: %+v", p.UserErrors)
		}
	}
	query := `query ($c: ID) { events(filter: { campaign: $c, kind: [OUTREACH] }) { nodes { venue { address coordinates { latitude } } } } }`
	vars := map[string]any{"c": w.campaign.GlobalID()}
	anonymous := w.client.Query(t, query, vars)
	owner := w.client.As(w.keys[evOrganizer]).Query(t, query, vars)
	var got struct {
		Events struct{ Nodes []struct{ Venue venueRead } }
	}
	owner.MustData(t, &got)
	if len(got.Events.Nodes) != 3 {
		t.Fatalf("%d events, want 3", len(got.Events.Nodes))
	}
	for _, e := range got.Events.Nodes {
		if e.Venue.Address == nil {
			t.Errorf("the organizer reads no address of its venue")
		}
	}
	// The key's own check costs the keyed request statements of its own (auth), counted
	// apart: compare with a keyed request that selects no venue.
	plain := w.client.As(w.keys[evOrganizer]).Query(t, `query ($c: ID) { events(filter: { campaign: $c, kind: [OUTREACH] }) { nodes { title } } }`, vars)
	if extra := owner.Statements - plain.Statements; extra != 1 {
		t.Errorf("the organizer's venues cost %d statements more than its list (anonymous: %d in all), want 1", extra, anonymous.Statements)
	}
}
