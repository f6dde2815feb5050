package realtime_test

import (
	"fmt"
	"strings"
	"testing"

	"campaigns/internal/realtime"
	"campaigns/internal/relay"
)

// TestSubscribersSeeOnlyWhatTheyCouldQuery: a draft event reaches its organizer's key and
// not an anonymous subscriber, who gets the next public change instead.
func TestSubscribersSeeOnlyWhatTheyCouldQuery(t *testing.T) {
	w := newWorld(t)
	in := startInstance(t, w.st, realtime.Options{})
	vars := map[string]any{"campaign": w.campaign.GlobalID()}
	anon, err := dialWS(t, in.srv.URL, "graphql-transport-ws", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	keyed, err := dialWS(t, in.srv.URL, "graphql-ws", nil, map[string]any{"Authorization": "Bearer " + w.key})
	if err != nil {
		t.Fatal(err)
	}
	a := anon.subscribe(t, "1", eventChangedDoc, vars)
	k := keyed.subscribe(t, "1", eventChangedDoc, vars)
	in.awaitSubscribers(t, 2)

	w.exec(t, true, fmt.Sprintf(`INSERT INTO events (campaign_id, title, kind, status, starts_at, organizer_id, country_code)
		VALUES (%d, 'Secret rehearsal', 'CONCERT', 'DRAFT', now(), %d, 'MM')`, w.campaign.ID, w.org.ID))
	w.exec(t, true, `UPDATE events SET title = 'Public news' WHERE title = 'Concert 2'`)

	r, _ := k.next(t)
	if got := decode[eventChanged](t, r).EventChanged; got.Op != "CREATED" || got.Event == nil || got.Event.Title != "Secret rehearsal" {
		t.Errorf("the organizer got %+v first", got)
	}
	r, _ = a.next(t)
	if got := decode[eventChanged](t, r).EventChanged; got.Event == nil || got.Event.Title != "Public news" {
		t.Errorf("the anonymous subscriber got %+v first", got)
	}
}

// TestCountsAreSuppressedForSubscribersAsInQueries: a subscription to an event's counts
// starts with the counts as they are, and a registration then reaches its subscribers,
// exact for its organizer, suppressed under 5 for anyone else.
func TestCountsAreSuppressedForSubscribersAsInQueries(t *testing.T) {
	w := newWorld(t)
	in := startInstance(t, w.st, realtime.Options{})
	doc := `subscription($event: ID!) { eventRegistrationCounts(event: $event) { resync event { registrationCounts { confirmed { value suppressed } } } } }`
	vars := map[string]any{"event": w.events[0].GlobalID()}
	anon := sse(t, in.srv.URL, "", doc, vars)
	organizer := sse(t, in.srv.URL, w.key, doc, vars)
	in.awaitSubscribers(t, 2)
	type counts struct {
		EventRegistrationCounts struct {
			Event struct {
				RegistrationCounts struct {
					Confirmed struct {
						Value      *int
						Suppressed bool
					}
				}
			}
		}
	}
	// The first item of each is the counts as they were when it subscribed: none yet.
	for _, sub := range []subscriber{anon, organizer} {
		r, _ := sub.next(t)
		if c := decode[counts](t, r).EventRegistrationCounts.Event.RegistrationCounts.Confirmed; c.Value == nil || *c.Value != 0 {
			t.Errorf("first item: %+v, want 0", c)
		}
	}
	w.exec(t, true,
		fmt.Sprintf(`INSERT INTO members (display_name, age_band, organization_id) VALUES ('Aye', 'AGE_16_17', %d)`, w.org.ID),
		fmt.Sprintf(`INSERT INTO registrations (event_id, member_id, status) SELECT %d, max(id), 'CONFIRMED' FROM members`, w.events[0].ID))
	r, _ := anon.next(t)
	if c := decode[counts](t, r).EventRegistrationCounts.Event.RegistrationCounts.Confirmed; c.Value != nil || !c.Suppressed {
		t.Errorf("anonymous: %+v", c)
	}
	r, _ = organizer.next(t)
	if c := decode[counts](t, r).EventRegistrationCounts.Event.RegistrationCounts.Confirmed; c.Value == nil || *c.Value != 1 {
		t.Errorf("organizer: %+v", c)
	}
}

// TestCountDeliveriesFollowTheFiguresShown registers six members one at a time. The
// organizer, who sees the counts exactly, hears of each; an anonymous subscriber, who sees
// them rounded, hears only when what it sees changes (0, then "fewer than 5", then 5), so
// that counting its deliveries counts no registration the rounding hides.
func TestCountDeliveriesFollowTheFiguresShown(t *testing.T) {
	w := newWorld(t)
	in := startInstance(t, w.st, realtime.Options{})
	doc := `subscription($event: ID!) { eventRegistrationCounts(event: $event) { event { registrationCounts { confirmed { value suppressed } } } } }`
	vars := map[string]any{"event": w.events[0].GlobalID()}
	anon := sse(t, in.srv.URL, "", doc, vars)
	organizer := sse(t, in.srv.URL, w.key, doc, vars)
	in.awaitSubscribers(t, 2)
	type counts struct {
		EventRegistrationCounts struct {
			Event struct {
				RegistrationCounts struct {
					Confirmed struct {
						Value      *int
						Suppressed bool
					}
				}
			}
		}
	}
	confirmed := func(r gqlResult) (int, bool) {
		c := decode[counts](t, r).EventRegistrationCounts.Event.RegistrationCounts.Confirmed
		if c.Value == nil {
			return -1, c.Suppressed
		}
		return *c.Value, c.Suppressed
	}
	for _, sub := range []subscriber{anon, organizer} {
		if r, _ := sub.next(t); func() int { v, _ := confirmed(r); return v }() != 0 {
			t.Fatalf("the first item is not the counts at subscription: %+v", r)
		}
	}
	for i := 1; i <= 6; i++ {
		w.exec(t, true,
			fmt.Sprintf(`INSERT INTO members (display_name, age_band, organization_id) VALUES ('M%d', 'AGE_18_24', %d)`, i, w.org.ID),
			fmt.Sprintf(`INSERT INTO registrations (event_id, member_id, status) SELECT %d, max(id), 'CONFIRMED' FROM members`, w.events[0].ID))
		r, _ := organizer.next(t)
		if v, _ := confirmed(r); v != i {
			t.Fatalf("the organizer's item %d shows %d confirmed: %+v", i, v, r)
		}
	}
	r, _ := anon.next(t)
	if v, suppressed := confirmed(r); v != -1 || !suppressed {
		t.Errorf("the anonymous subscriber's first item shows %d (suppressed %v), want fewer than 5", v, suppressed)
	}
	r, _ = anon.next(t)
	if v, _ := confirmed(r); v != 5 {
		t.Errorf("the anonymous subscriber's second item shows %d, want 5: it heard of a registration that changed nothing it sees: %+v", v, r)
	}
}

// TestSyncOfMembers: members are in the sync only for those who may see them (here the
// organizer of the member's event), and an erased member comes back as a tombstone with no
// personal data to those whose copy had it; a first sync after the erasure does not bring
// it at all.
func TestSyncOfMembers(t *testing.T) {
	w := newWorld(t)
	in := startInstance(t, w.st, realtime.Options{})
	// The member holds a registration for the organizer's event: the organizer may see it.
	w.exec(t, true, fmt.Sprintf(`INSERT INTO members (display_name, email, age_band, organization_id) VALUES ('Aye', 'aye@example.org', 'AGE_16_17', %d)`, w.org.ID),
		fmt.Sprintf(`INSERT INTO registrations (event_id, member_id, status) SELECT %d, max(id), 'CONFIRMED' FROM members`, w.events[0].ID))
	doc := `query($since: String) { changes(since: $since, first: 500) { token changes { op type id node { id ... on Member { displayName ageBand } } } } }`
	type set struct {
		Changes struct {
			Token   string
			Changes []struct {
				Op, Type, ID string
				Node         map[string]any
			}
		}
	}
	members := func(r gqlResult) (ops []string, token string) {
		t.Helper()
		s := decode[set](t, r).Changes
		for _, c := range s.Changes {
			if c.Type != relay.TypeMember {
				continue
			}
			ops = append(ops, c.Op)
			if c.Op == "ERASED" && c.Node != nil {
				t.Errorf("the tombstone carries %v", c.Node)
			}
		}
		return ops, s.Token
	}
	settled(t, w.st)
	ops, token := members(post(t, in.srv.URL, w.key, doc, nil))
	if strings.Join(ops, ",") != "CREATED" {
		t.Errorf("the organizer of the member's event syncs %v before the erasure", ops)
	}
	w.exec(t, true, `UPDATE members SET display_name = NULL, email = NULL, phone = NULL, erased_at = now()`)
	settled(t, w.st)

	anon := post(t, in.srv.URL, "", doc, nil)
	if strings.Contains(string(anon.Data), "Member") || len(anon.Errors) > 0 {
		t.Errorf("anonymous sync shows members: %s %v", anon.Data, anon.Errors)
	}
	for _, since := range []string{token, ""} {
		keyed := post(t, in.srv.URL, w.key, doc, map[string]any{"since": since})
		ops, _ := members(keyed)
		if want := map[string]string{token: "ERASED", "": ""}[since]; strings.Join(ops, ",") != want {
			t.Errorf("the organizer of the member's event syncs %v after the erasure from %q, want %q", ops, since, want)
		}
		if strings.Contains(string(keyed.Data), "aye@example.org") || strings.Contains(string(keyed.Data), `"Aye"`) {
			t.Errorf("personal data after erasure: %s", keyed.Data)
		}
	}
}
