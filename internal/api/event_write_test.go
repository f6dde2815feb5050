package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/relay"
	"campaigns/internal/store"
	"campaigns/models"
)

// evWorld is a small data set for the event mutations: a campaign owned by one
// organization and partnered, with the right to edit it, by the organizer, an event with
// two co-hosts (one granted edit) and confirmed registrations, and events in each state a
// rule refers to.
type evWorld struct {
	url    string
	client *apitest.Client
	// campaign is owned by "campaign-owner"; "organizer" is its implementing partner.
	campaign *models.Campaign
	// foreign is owned by "stranger", which nobody else works with.
	foreign *models.Campaign
	// event is the organizer's, co-hosted by "cohost-edit" (can edit) and "cohost-view"
	// (cannot), with two confirmed registrations and one waitlisted.
	event                           *models.Event
	postponed, cancelled, completed *models.Event
	orgs                            map[string]*models.Organization
	keys                            map[string]string
}

// The organizations of an evWorld, by slug.
const (
	evOrganizer  = "organizer"
	evOwner      = "campaign-owner"
	evStranger   = "stranger"
	evCohostEdit = "cohost-edit"
	evCohostView = "cohost-view"
)

func newEvWorld(t *testing.T) *evWorld {
	t.Helper()
	st, url := dbtest.NewWithURL(t)
	w := &evWorld{url: url, client: apitest.New(st), orgs: map[string]*models.Organization{}, keys: map[string]string{}}
	_, err := st.SeedOnce(context.Background(), "event-write", func(tx *store.Writer) error {
		burma := &models.Country{Code: "MM", Name: "Myanmar", AliasList: []string{"Burma"}, AseanMember: true}
		thailand := &models.Country{Code: "TH", Name: "Thailand", AliasList: []string{}, AseanMember: true}
		if err := tx.Insert(burma, thailand); err != nil {
			return err
		}
		for _, slug := range []string{evOrganizer, evOwner, evStranger, evCohostEdit, evCohostView} {
			o := &models.Organization{Slug: slug, Name: "Organization " + slug, Kind: "CIVIL_SOCIETY"}
			if err := tx.Insert(o); err != nil {
				return err
			}
			w.orgs[slug] = o
		}
		w.campaign = &models.Campaign{Slug: "mtv-exit", Name: "MTV EXIT", Status: "ACTIVE", StartPrecision: "DAY", EndPrecision: "DAY",
			OwnerID: &w.orgs[evOwner].ID, FocusList: []string{}, ThemesList: []string{}, AudiencesList: []string{}, ObjectivesList: []string{}}
		w.foreign = &models.Campaign{Slug: "elsewhere", Name: "Elsewhere", Status: "ACTIVE", StartPrecision: "DAY", EndPrecision: "DAY",
			OwnerID: &w.orgs[evStranger].ID, FocusList: []string{}, ThemesList: []string{}, AudiencesList: []string{}, ObjectivesList: []string{}}
		if err := tx.Insert(w.campaign, w.foreign); err != nil {
			return err
		}
		if err := tx.Insert(&models.CampaignPartner{CampaignID: w.campaign.ID, OrganizationID: w.orgs[evOrganizer].ID, Role: "IMPLEMENTER", CanEdit: true}); err != nil {
			return err
		}
		venue := &models.Venue{Name: "People's Square", City: evPtr("Yangon"), CountryCode: "MM", AddressPrivate: true}
		if err := tx.Insert(venue); err != nil {
			return err
		}
		start := time.Date(2012, 12, 8, 12, 30, 0, 0, time.UTC)
		newEvent := func(title, status string) *models.Event {
			end := start.Add(3 * time.Hour)
			return &models.Event{CampaignID: w.campaign.ID, Title: title, Summary: evPtr("A summary"), Description: evPtr("A description"),
				Kind: "CONCERT", Status: status, StartBound: start, EndBound: &end, DatePrecision: models.PrecisionMinute,
				TimeZone: evPtr("Asia/Yangon"), VenueID: &venue.ID, CountryCode: evPtr("MM"), OnlineURL: evPtr("https://example.org/live"),
				Capacity: evPtr(int32(10)), RegistrationEnabled: true, RegistrationOpensAt: evPtr(start.AddDate(0, -1, 0)),
				RegistrationClosesAt: evPtr(start.AddDate(0, 0, -1)), WaitlistEnabled: true, Visibility: "PUBLIC",
				OrganizerID: w.orgs[evOrganizer].ID, Version: 1}
		}
		w.event = newEvent("Concert", "SCHEDULED")
		w.postponed = newEvent("Postponed concert", "POSTPONED")
		w.cancelled = newEvent("Cancelled concert", "CANCELLED")
		w.completed = newEvent("Past concert", "COMPLETED")
		if err := tx.Insert(w.event, w.postponed, w.cancelled, w.completed); err != nil {
			return err
		}
		err := tx.Insert(&models.EventCohost{EventID: w.event.ID, OrganizationID: w.orgs[evCohostEdit].ID, CanEdit: true},
			&models.EventCohost{EventID: w.event.ID, OrganizationID: w.orgs[evCohostView].ID})
		if err != nil {
			return err
		}
		for _, status := range []string{"CONFIRMED", "CONFIRMED", "WAITLISTED"} {
			m := &models.Member{AgeBand: "AGE_18_24", OrganizationID: w.orgs[evOrganizer].ID}
			if err := tx.Insert(m); err != nil {
				return err
			}
			if err := tx.Insert(&models.Registration{EventID: w.event.ID, MemberID: m.ID, Status: status}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("build the event world: %v", err)
	}
	for _, slug := range []string{evOrganizer, evOwner, evStranger, evCohostEdit, evCohostView} {
		w.keys[slug] = apitest.Key(t, st, slug, "EDITOR")
	}
	w.keys["organizer-viewer"] = apitest.Key(t, st, evOrganizer, "VIEWER")
	w.keys["anonymous"] = ""
	return w
}

func evPtr[T any](v T) *T { return &v }

// evEventFields are the fields of an event that the tests read back: the status as written
// (recordedStatus), since the events of 2012 and 2013 read COMPLETED by now.
const evEventFields = `id title summary description kind status: recordedStatus visibility version startsAt endsAt timeZone datePrecision
	onlineUrl capacity registration { opensAt closesAt waitlistEnabled }
	venue { name city country { code } coordinates { latitude longitude } address }
	organizer { slug } coHosts { slug } campaign { slug }`

// evMutation returns the document of one event mutation with its input type.
func evMutation(name string) string {
	input := strings.ToUpper(name[:1]) + name[1:] + "Input"
	return `mutation($input: ` + input + `!) { ` + name + `(input: $input) {
		event { ` + evEventFields + ` } userErrors { field code message } clientMutationId } }`
}

type evUserError struct {
	Field   []string `json:"field"`
	Code    string   `json:"code"`
	Message string   `json:"message"`
}

type evEvent struct {
	ID            string  `json:"id"`
	Title         string  `json:"title"`
	Summary       *string `json:"summary"`
	Description   *string `json:"description"`
	Kind          string  `json:"kind"`
	Status        string  `json:"status"`
	Visibility    string  `json:"visibility"`
	Version       int     `json:"version"`
	StartsAt      *string `json:"startsAt"`
	EndsAt        *string `json:"endsAt"`
	TimeZone      *string `json:"timeZone"`
	DatePrecision string  `json:"datePrecision"`
	OnlineURL     *string `json:"onlineUrl"`
	Capacity      *int    `json:"capacity"`
	Registration  *struct {
		OpensAt         *string `json:"opensAt"`
		ClosesAt        *string `json:"closesAt"`
		WaitlistEnabled bool    `json:"waitlistEnabled"`
	} `json:"registration"`
	Venue *struct {
		Name        string                                 `json:"name"`
		City        *string                                `json:"city"`
		Country     struct{ Code string }                  `json:"country"`
		Coordinates *struct{ Latitude, Longitude float64 } `json:"coordinates"`
		Address     *string                                `json:"address"`
	} `json:"venue"`
	Organizer struct{ Slug string }   `json:"organizer"`
	CoHosts   []struct{ Slug string } `json:"coHosts"`
	Campaign  struct{ Slug string }   `json:"campaign"`
}

type evPayload struct {
	Event            *evEvent      `json:"event"`
	UserErrors       []evUserError `json:"userErrors"`
	ClientMutationID *string       `json:"clientMutationId"`
}

// mutate sends one event mutation as the caller with key (empty for anonymous).
func (w *evWorld) mutate(t *testing.T, c *apitest.Client, key, name string, input map[string]any) *apitest.Response {
	t.Helper()
	if key != "" {
		c = c.As(key)
	}
	return c.Query(t, evMutation(name), map[string]any{"input": input})
}

// payload decodes the payload of a mutation that must not have failed with an error.
func evPayloadOf(t *testing.T, res *apitest.Response, name string) evPayload {
	t.Helper()
	var data map[string]evPayload
	res.MustData(t, &data)
	p, ok := data[name]
	if !ok {
		t.Fatalf("no %s in %s", name, res.Data)
	}
	return p
}

// mustWrite sends a mutation that must succeed and returns the event it wrote.
func (w *evWorld) mustWrite(t *testing.T, key, name string, input map[string]any) *evEvent {
	t.Helper()
	p := evPayloadOf(t, w.mutate(t, w.client, key, name, input), name)
	if len(p.UserErrors) > 0 || p.Event == nil {
		t.Fatalf("%s: user errors %+v, event %v", name, p.UserErrors, p.Event)
	}
	return p.Event
}

// evSnapshot reads every row of every table. A key's last_used_at is left out: the
// authentication of a refused request may touch it, and it is not what the request changed.
func evSnapshot(t *testing.T, url string) map[string][]string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`)
	if err != nil {
		t.Fatalf("list tables: %v", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("list tables: %v", err)
	}
	out := map[string][]string{}
	for _, name := range names {
		rows, err := conn.Query(ctx, "SELECT (to_jsonb(t) - 'last_used_at')::text FROM "+pgx.Identifier{name}.Sanitize()+" t ORDER BY 1")
		if err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		if out[name], err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
	}
	return out
}

// evRowJSON returns the row that query selects as to_jsonb, decoded.
func evRowJSON(t *testing.T, url, query string, args ...any) map[string]any {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	var raw []byte
	if err := conn.QueryRow(ctx, query, args...).Scan(&raw); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return m
}

// evEventRow returns the events row of the event with global ID id.
func evEventRow(t *testing.T, url, id string) map[string]any {
	t.Helper()
	k, err := relay.DecodeInt(relay.TypeEvent, id)
	if err != nil {
		t.Fatal(err)
	}
	return evRowJSON(t, url, `SELECT to_jsonb(e) FROM events e WHERE id = $1`, k)
}

// evAuditEntry is one row of audit_log.
type evAuditEntry = dbtest.AuditRow

func evAuditLog(t *testing.T, url string) []evAuditEntry {
	t.Helper()
	return dbtest.AuditLog(t, url)
}

// evOnlyAudit checks that the log holds exactly one entry, for action on entity id, with a
// state before (unless it is a creation) and after.
// evOnlyAudit returns the one audit entry about the event; entries about other records, such
// as registrations promoted from the waitlist when the capacity grows, are not its concern.
func evOnlyAudit(t *testing.T, url, action, id string) evAuditEntry {
	t.Helper()
	var log []evAuditEntry
	for _, a := range evAuditLog(t, url) {
		// Invitations to co-host have entries of their own (cohost_test.go).
		if a.EntityID == id && a.Action != "inviteCoHost" {
			log = append(log, a)
		}
	}
	if len(log) != 1 {
		t.Fatalf("audit log has %d entries about the event, want 1: %+v", len(log), log)
	}
	a := log[0]
	if a.Action != action || a.EntityID != id || a.KeyID == 0 {
		t.Errorf("audit entry = %s %s by key %d, want %s %s by a key", a.Action, a.EntityID, a.KeyID, action, id)
	}
	if (a.Before == nil) != (action == "createEvent") || a.After == nil {
		t.Errorf("audit %s: before %v, after %v", action, a.Before, a.After)
	}
	return a
}

func evSameInstant(t *testing.T, field string, got *string, want string) {
	t.Helper()
	if got == nil {
		t.Errorf("%s = null, want %s", field, want)
		return
	}
	if *got != want {
		t.Errorf("%s = %s, want %s", field, *got, want)
	}
}

func TestCreateEvent(t *testing.T) {
	full := func(w *evWorld) map[string]any {
		return map[string]any{
			"campaign": w.campaign.GlobalID(), "title": "EXIT Live in Rangoon", "summary": "A free concert.",
			"description": "Opens the campaign in Burma.", "kind": "CONCERT", "status": "SCHEDULED", "visibility": "PARTNERS",
			"startsAt": "2012-12-08T19:00:00+06:30", "endsAt": "2012-12-08T23:00:00+06:30", "timeZone": "Asia/Yangon",
			"venue": map[string]any{"name": "People's Square", "city": "Rangoon", "country": "Burma",
				"latitude": 16.78, "longitude": 96.15, "address": "Pyay Road"},
			"onlineUrl": "https://example.org/exit", "capacity": 70000,
			"registration":     map[string]any{"opensAt": "2012-11-01T09:00:00+06:30", "closesAt": "2012-12-07T17:00:00+06:30", "waitlistEnabled": true},
			"coHosts":          []string{w.orgs[evCohostView].GlobalID()},
			"clientMutationId": "m1",
		}
	}
	minimal := func(w *evWorld) map[string]any {
		return map[string]any{"campaign": w.campaign.GlobalID(), "title": "Youth Session", "kind": "YOUTH_SESSION",
			"startsAt": "2013-03-04T09:00:00+07:00", "timeZone": "Asia/Bangkok"}
	}
	tests := []struct {
		name   string
		caller string
		input  func(*evWorld) map[string]any
		check  func(t *testing.T, w *evWorld, e *evEvent, row map[string]any)
	}{
		{"every field, by a partner granted the right to edit the campaign", evOrganizer, full, func(t *testing.T, w *evWorld, e *evEvent, row map[string]any) {
			if e.Title != "EXIT Live in Rangoon" || *e.Summary != "A free concert." || *e.Description != "Opens the campaign in Burma." ||
				e.Kind != "CONCERT" || e.Status != "SCHEDULED" || e.Visibility != "PARTNERS" || e.Version != 1 {
				t.Errorf("event = %+v", e)
			}
			evSameInstant(t, "startsAt", e.StartsAt, "2012-12-08T19:00:00+06:30")
			evSameInstant(t, "endsAt", e.EndsAt, "2012-12-08T23:00:00+06:30")
			if e.DatePrecision != "MINUTE" || e.TimeZone == nil || *e.TimeZone != "Asia/Yangon" {
				t.Errorf("precision %s, zone %v", e.DatePrecision, e.TimeZone)
			}
			v := e.Venue
			if v == nil || v.Name != "People's Square" || *v.City != "Rangoon" || v.Country.Code != "MM" || v.Coordinates == nil ||
				v.Coordinates.Latitude != 16.78 || v.Coordinates.Longitude != 96.15 || v.Address == nil || *v.Address != "Pyay Road" {
				// The address is private, and the organizer, who wrote it, reads it back.
				t.Errorf("venue = %+v, want Rangoon, MM, with the address its organizer wrote", v)
			}
			if e.Registration == nil || !e.Registration.WaitlistEnabled {
				t.Fatalf("registration = %+v", e.Registration)
			}
			evSameInstant(t, "registration.opensAt", e.Registration.OpensAt, "2012-11-01T09:00:00+06:30")
			evSameInstant(t, "registration.closesAt", e.Registration.ClosesAt, "2012-12-07T17:00:00+06:30")
			if *e.OnlineURL != "https://example.org/exit" || *e.Capacity != 70000 || e.Organizer.Slug != evOrganizer ||
				e.Campaign.Slug != "mtv-exit" || len(e.CoHosts) != 0 {
				t.Errorf("event = %+v", e)
			}
			if row["country_code"] != "MM" || row["registration_enabled"] != true || row["date_precision"] != "MINUTE" {
				t.Errorf("row = %v", row)
			}
			venue := evRowJSON(t, w.url, `SELECT to_jsonb(v) FROM venues v WHERE id = $1`, row["venue_id"])
			if venue["address"] != "Pyay Road" || venue["address_private"] != true {
				t.Errorf("venue row = %v", venue)
			}
			// The co-host named is invited, and is not a co-host until it accepts.
			invitation := evRowJSON(t, w.url, `SELECT to_jsonb(c) FROM cohost_invitations c WHERE event_id = $1`, row["id"])
			if invitation["organization_id"] != float64(w.orgs[evCohostView].ID) || invitation["can_edit"] != false || invitation["status"] != "PENDING" {
				t.Errorf("invitation row = %v, want %s invited without the right to edit", invitation, evCohostView)
			}
		}},
		{"defaults, by the campaign's owner", evOwner, minimal, func(t *testing.T, w *evWorld, e *evEvent, row map[string]any) {
			if e.Status != "DRAFT" || e.Visibility != "PUBLIC" || e.Organizer.Slug != evOwner || e.Registration != nil ||
				e.Venue != nil || e.Capacity != nil || e.Summary != nil || e.EndsAt != nil || len(e.CoHosts) != 0 {
				t.Errorf("event = %+v", e)
			}
			evSameInstant(t, "startsAt", e.StartsAt, "2013-03-04T09:00:00+07:00")
			if row["registration_enabled"] != false || row["country_code"] != nil || row["waitlist_enabled"] != false {
				t.Errorf("row = %v", row)
			}
		}},
		{"a venue given by country code, with a public address", evOrganizer, func(w *evWorld) map[string]any {
			in := minimal(w)
			in["venue"] = map[string]any{"name": "Hall", "country": "th", "address": "1 Silom Road", "addressPrivate": false}
			return in
		}, func(t *testing.T, w *evWorld, e *evEvent, row map[string]any) {
			if e.Venue == nil || e.Venue.Country.Code != "TH" || e.Venue.Address == nil || *e.Venue.Address != "1 Silom Road" || e.Venue.Coordinates != nil {
				t.Errorf("venue = %+v", e.Venue)
			}
			if row["country_code"] != "TH" {
				t.Errorf("country_code = %v, want TH", row["country_code"])
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newEvWorld(t)
			before := evSnapshot(t, w.url)
			p := evPayloadOf(t, w.mutate(t, w.client, w.keys[tt.caller], "createEvent", tt.input(w)), "createEvent")
			if len(p.UserErrors) != 0 || p.Event == nil {
				t.Fatalf("user errors %+v, event %v", p.UserErrors, p.Event)
			}
			if m := tt.input(w)["clientMutationId"]; m != nil && (p.ClientMutationID == nil || *p.ClientMutationID != m) {
				t.Errorf("clientMutationId = %v, want %v", p.ClientMutationID, m)
			}
			after := evSnapshot(t, w.url)
			if n := len(after["events"]) - len(before["events"]); n != 1 {
				t.Errorf("%d events written, want 1", n)
			}
			row := evEventRow(t, w.url, p.Event.ID)
			tt.check(t, w, p.Event, row)
			a := evOnlyAudit(t, w.url, "createEvent", p.Event.ID)
			if a.After["Title"] != p.Event.Title || a.After["Version"] != float64(1) {
				t.Errorf("audit after = %v", a.After)
			}
		})
	}
}

func TestUpdateEvent(t *testing.T) {
	tests := []struct {
		name   string
		caller string
		input  map[string]any
		// changed are the columns of events that the update may change besides version and
		// updated_at; every other column must keep its value.
		changed []string
		check   func(t *testing.T, w *evWorld, e *evEvent, row map[string]any)
	}{
		{"the title only", evOrganizer, map[string]any{"title": "EXIT Live"}, []string{"title"}, func(t *testing.T, w *evWorld, e *evEvent, row map[string]any) {
			if e.Title != "EXIT Live" || row["title"] != "EXIT Live" {
				t.Errorf("title = %q, row %v", e.Title, row["title"])
			}
		}},
		{"null clears the summary; an absent description stays", evOrganizer, map[string]any{"summary": nil}, []string{"summary"}, func(t *testing.T, w *evWorld, e *evEvent, row map[string]any) {
			if e.Summary != nil || e.Description == nil || *e.Description != "A description" {
				t.Errorf("summary %v, description %v", e.Summary, e.Description)
			}
		}},
		{"a new venue in another country", evOrganizer, map[string]any{"venue": map[string]any{"name": "Lumpini Park", "country": "Thailand", "latitude": 13.73, "longitude": 100.54}},
			[]string{"venue_id", "country_code"}, func(t *testing.T, w *evWorld, e *evEvent, row map[string]any) {
				if e.Venue == nil || e.Venue.Name != "Lumpini Park" || e.Venue.Country.Code != "TH" || row["country_code"] != "TH" {
					t.Errorf("venue = %+v, country_code %v", e.Venue, row["country_code"])
				}
			}},
		{"null removes the venue", evOrganizer, map[string]any{"venue": nil}, []string{"venue_id", "country_code"}, func(t *testing.T, w *evWorld, e *evEvent, row map[string]any) {
			if e.Venue != nil || row["venue_id"] != nil || row["country_code"] != nil {
				t.Errorf("venue = %+v, row %v", e.Venue, row)
			}
		}},
		{"null closes registration", evOrganizer, map[string]any{"registration": nil},
			[]string{"registration_enabled", "registration_opens_at", "registration_closes_at", "waitlist_enabled"},
			func(t *testing.T, w *evWorld, e *evEvent, row map[string]any) {
				if e.Registration != nil || row["registration_enabled"] != false || row["registration_opens_at"] != nil {
					t.Errorf("registration = %+v, row %v", e.Registration, row)
				}
			}},
		{"capacity down to the confirmed registrations, by the co-host granted edit", evCohostEdit, map[string]any{"capacity": 2}, []string{"capacity"},
			func(t *testing.T, w *evWorld, e *evEvent, row map[string]any) {
				if e.Capacity == nil || *e.Capacity != 2 {
					t.Errorf("capacity = %v, want 2", e.Capacity)
				}
			}},
		{"unlimited capacity, status and visibility, by the campaign's owner", evOwner, map[string]any{"capacity": nil, "status": "POSTPONED", "visibility": "PARTNERS", "kind": "BROADCAST"},
			// listed (what everyone sees, kept by a trigger) follows visibility.
			[]string{"capacity", "status", "visibility", "kind", "listed"}, func(t *testing.T, w *evWorld, e *evEvent, row map[string]any) {
				if e.Capacity != nil || e.Status != "POSTPONED" || e.Visibility != "PARTNERS" || e.Kind != "BROADCAST" {
					t.Errorf("event = %+v", e)
				}
				if row["listed"] != false {
					t.Errorf("listed = %v for a partner-only event, want false", row["listed"])
				}
			}},
		{"online address cleared", evOrganizer, map[string]any{"onlineUrl": nil}, []string{"online_url"}, func(t *testing.T, w *evWorld, e *evEvent, row map[string]any) {
			if e.OnlineURL != nil {
				t.Errorf("onlineUrl = %v", *e.OnlineURL)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newEvWorld(t)
			id := w.event.GlobalID()
			before := evEventRow(t, w.url, id)
			input := map[string]any{"id": id, "expectedVersion": 1}
			for k, v := range tt.input {
				input[k] = v
			}
			e := w.mustWrite(t, w.keys[tt.caller], "updateEvent", input)
			if e.Version != 2 {
				t.Errorf("version = %d, want 2", e.Version)
			}
			row := evEventRow(t, w.url, id)
			tt.check(t, w, e, row)
			ignore := map[string]bool{"version": true, "updated_at": true}
			for _, c := range tt.changed {
				ignore[c] = true
			}
			for col, was := range before {
				if !ignore[col] && !cmp.Equal(was, row[col]) {
					t.Errorf("%s changed from %v to %v", col, was, row[col])
				}
			}
			if row["updated_at"] == before["updated_at"] {
				t.Errorf("updated_at did not change")
			}
			a := evOnlyAudit(t, w.url, "updateEvent", id)
			if a.Before["Version"] != float64(1) || a.After["Version"] != float64(2) {
				t.Errorf("audit versions %v → %v, want 1 → 2", a.Before["Version"], a.After["Version"])
			}
		})
	}
}

func TestCancelAndRescheduleEvent(t *testing.T) {
	tests := []struct {
		name   string
		op     string
		event  func(*evWorld) *models.Event
		input  map[string]any
		status string
		starts string
		ends   *string
		zone   string
	}{
		{"cancel a scheduled event", "cancelEvent", func(w *evWorld) *models.Event { return w.event }, nil,
			"CANCELLED", "2012-12-08T19:00:00+06:30", evPtr("2012-12-08T22:00:00+06:30"), "Asia/Yangon"},
		{"cancel a postponed event", "cancelEvent", func(w *evWorld) *models.Event { return w.postponed }, nil,
			"CANCELLED", "2012-12-08T19:00:00+06:30", evPtr("2012-12-08T22:00:00+06:30"), "Asia/Yangon"},
		{"reschedule a postponed event, which keeps its length", "rescheduleEvent", func(w *evWorld) *models.Event { return w.postponed },
			map[string]any{"startsAt": "2013-01-05T18:00:00+06:30"}, "SCHEDULED", "2013-01-05T18:00:00+06:30", evPtr("2013-01-05T21:00:00+06:30"), "Asia/Yangon"},
		{"reschedule a scheduled event to a new end and zone", "rescheduleEvent", func(w *evWorld) *models.Event { return w.event },
			map[string]any{"startsAt": "2013-01-05T18:00:00+07:00", "endsAt": "2013-01-05T19:30:00+07:00", "timeZone": "Asia/Bangkok"},
			"SCHEDULED", "2013-01-05T18:00:00+07:00", evPtr("2013-01-05T19:30:00+07:00"), "Asia/Bangkok"},
		{"reschedule an event across an offset", "rescheduleEvent", func(w *evWorld) *models.Event { return w.event },
			map[string]any{"startsAt": "2013-01-05T11:30:00Z", "endsAt": nil}, "SCHEDULED", "2013-01-05T18:00:00+06:30", evPtr("2013-01-05T21:00:00+06:30"), "Asia/Yangon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newEvWorld(t)
			id := tt.event(w).GlobalID()
			input := map[string]any{"id": id, "expectedVersion": 1}
			for k, v := range tt.input {
				input[k] = v
			}
			e := w.mustWrite(t, w.keys[evOrganizer], tt.op, input)
			if e.Status != tt.status || e.Version != 2 || e.TimeZone == nil || *e.TimeZone != tt.zone {
				t.Errorf("status %s, version %d, zone %v; want %s, 2, %s", e.Status, e.Version, e.TimeZone, tt.status, tt.zone)
			}
			evSameInstant(t, "startsAt", e.StartsAt, tt.starts)
			evSameInstant(t, "endsAt", e.EndsAt, *tt.ends)
			if row := evEventRow(t, w.url, id); row["status"] != tt.status || row["version"] != float64(2) {
				t.Errorf("row status %v, version %v", row["status"], row["version"])
			}
			a := evOnlyAudit(t, w.url, tt.op, id)
			if a.After["Status"] != tt.status || a.Before["Status"] != tt.event(w).Status {
				t.Errorf("audit status %v → %v", a.Before["Status"], a.After["Status"])
			}
		})
	}
}

// TestEventWriteRefusals sends inputs that the rules refuse: each gets its user error, with
// the field at fault, and writes nothing.
func TestEventWriteRefusals(t *testing.T) {
	w := newEvWorld(t)
	create := func(change map[string]any) map[string]any {
		in := map[string]any{"campaign": w.campaign.GlobalID(), "title": "Training", "kind": "TRAINING",
			"startsAt": "2013-03-04T09:00:00+07:00", "endsAt": "2013-03-04T17:00:00+07:00", "timeZone": "Asia/Bangkok"}
		for k, v := range change {
			in[k] = v
		}
		return in
	}
	venue := func(change map[string]any) map[string]any {
		v := map[string]any{"name": "Hall", "country": "MM"}
		for k, x := range change {
			v[k] = x
		}
		return create(map[string]any{"venue": v})
	}
	update := func(change map[string]any) map[string]any {
		in := map[string]any{"id": w.event.GlobalID(), "expectedVersion": 1}
		for k, v := range change {
			in[k] = v
		}
		return in
	}
	reschedule := func(e *models.Event, change map[string]any) map[string]any {
		in := map[string]any{"id": e.GlobalID(), "expectedVersion": 1, "startsAt": "2013-01-05T18:00:00+06:30"}
		for k, v := range change {
			in[k] = v
		}
		return in
	}
	tests := []struct {
		name  string
		op    string
		input map[string]any
		field string
		code  string
	}{
		{"empty title", "createEvent", create(map[string]any{"title": " "}), "title", "REQUIRED"},
		{"long title", "createEvent", create(map[string]any{"title": strings.Repeat("x", 301)}), "title", "LENGTH"},
		{"long summary", "createEvent", create(map[string]any{"summary": strings.Repeat("x", 1001)}), "summary", "LENGTH"},
		{"long description", "createEvent", create(map[string]any{"description": strings.Repeat("x", 20001)}), "description", "LENGTH"},
		{"end before start", "createEvent", create(map[string]any{"endsAt": "2013-03-04T08:59:00+07:00"}), "endsAt", "END_BEFORE_START"},
		{"unknown time zone", "createEvent", create(map[string]any{"timeZone": "Asia/Rangoonish"}), "timeZone", "UNKNOWN_TIME_ZONE"},
		{"the server's own zone", "createEvent", create(map[string]any{"timeZone": "Local"}), "timeZone", "UNKNOWN_TIME_ZONE"},
		{"negative capacity", "createEvent", create(map[string]any{"capacity": -1}), "capacity", "OUT_OF_RANGE"},
		{"online address not http", "createEvent", create(map[string]any{"onlineUrl": "javascript:alert(1)"}), "onlineUrl", "INVALID"},
		{"venue without a name", "createEvent", venue(map[string]any{"name": ""}), "venue.name", "REQUIRED"},
		{"venue name too long", "createEvent", venue(map[string]any{"name": strings.Repeat("x", 301)}), "venue.name", "LENGTH"},
		{"venue in an unknown country", "createEvent", venue(map[string]any{"country": "Atlantis"}), "venue.country", "UNKNOWN_COUNTRY"},
		{"latitude beyond the pole", "createEvent", venue(map[string]any{"latitude": 90.5, "longitude": 96}), "venue.latitude", "OUT_OF_RANGE"},
		{"longitude beyond the date line", "createEvent", venue(map[string]any{"latitude": 16, "longitude": -180.5}), "venue.longitude", "OUT_OF_RANGE"},
		{"latitude without longitude", "createEvent", venue(map[string]any{"latitude": 16.78}), "venue.longitude", "REQUIRED"},
		{"longitude without latitude", "createEvent", venue(map[string]any{"longitude": 96.15}), "venue.latitude", "REQUIRED"},
		{"registration closing before it opens", "createEvent", create(map[string]any{"registration": map[string]any{
			"opensAt": "2013-02-01T00:00:00Z", "closesAt": "2013-01-31T23:59:00Z"}}), "registration.closesAt", "END_BEFORE_START"},
		{"unknown co-host", "createEvent", create(map[string]any{"coHosts": []string{relay.EncodeInt(relay.TypeOrganization, 999999)}}), "coHosts.0", "NOT_FOUND"},
		{"the organizer as its own co-host", "createEvent", create(map[string]any{"coHosts": []string{w.orgs[evOrganizer].GlobalID()}}), "coHosts.0", "INVALID"},
		{"unknown campaign", "createEvent", create(map[string]any{"campaign": relay.EncodeInt(relay.TypeCampaign, 999999)}), "campaign", "NOT_FOUND"},
		{"created cancelled", "createEvent", create(map[string]any{"status": "CANCELLED"}), "status", "INVALID_STATE"},
		{"update to an empty title", "updateEvent", update(map[string]any{"title": ""}), "title", "REQUIRED"},
		{"update to a negative capacity", "updateEvent", update(map[string]any{"capacity": -5}), "capacity", "OUT_OF_RANGE"},
		{"capacity below the confirmed registrations", "updateEvent", update(map[string]any{"capacity": 1}), "capacity", "OUT_OF_RANGE"},
		{"cancel by update", "updateEvent", update(map[string]any{"status": "CANCELLED"}), "status", "INVALID_STATE"},
		{"update to an ftp address", "updateEvent", update(map[string]any{"onlineUrl": "ftp://example.org"}), "onlineUrl", "INVALID"},
		{"update to a venue in an unknown country", "updateEvent", update(map[string]any{"venue": map[string]any{"name": "Hall", "country": "XX"}}), "venue.country", "UNKNOWN_COUNTRY"},
		{"update to a registration closing before it opens", "updateEvent", update(map[string]any{"registration": map[string]any{
			"opensAt": "2013-02-01T00:00:00Z", "closesAt": "2013-01-01T00:00:00Z"}}), "registration.closesAt", "END_BEFORE_START"},
		{"long summary by update", "updateEvent", update(map[string]any{"summary": strings.Repeat("x", 1001)}), "summary", "LENGTH"},
		{"cancel a cancelled event", "cancelEvent", map[string]any{"id": w.cancelled.GlobalID(), "expectedVersion": 1}, "id", "INVALID_STATE"},
		{"cancel a completed event", "cancelEvent", map[string]any{"id": w.completed.GlobalID(), "expectedVersion": 1}, "id", "INVALID_STATE"},
		{"reschedule to end before the start", "rescheduleEvent", reschedule(w.event, map[string]any{"endsAt": "2013-01-05T17:00:00+06:30"}), "endsAt", "END_BEFORE_START"},
		{"reschedule to an unknown zone", "rescheduleEvent", reschedule(w.event, map[string]any{"timeZone": "Mars/Olympus_Mons"}), "timeZone", "UNKNOWN_TIME_ZONE"},
		{"reschedule a cancelled event", "rescheduleEvent", reschedule(w.cancelled, nil), "id", "INVALID_STATE"},
		{"reschedule a completed event", "rescheduleEvent", reschedule(w.completed, nil), "id", "INVALID_STATE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := evSnapshot(t, w.url)
			p := evPayloadOf(t, w.mutate(t, w.client, w.keys[evOrganizer], tt.op, tt.input), tt.op)
			want := append([]string{"input"}, strings.Split(tt.field, ".")...)
			if len(p.UserErrors) != 1 || !cmp.Equal(p.UserErrors[0].Field, want) || p.UserErrors[0].Code != tt.code || p.UserErrors[0].Message == "" {
				t.Errorf("user errors = %+v, want one %s at %v", p.UserErrors, tt.code, want)
			}
			if p.Event != nil {
				t.Errorf("event = %+v, want null", p.Event)
			}
			if diff := cmp.Diff(before, evSnapshot(t, w.url)); diff != "" {
				t.Errorf("the database changed (-before +after):\n%s", diff)
			}
		})
	}
}

// TestEventWriteConflict sends changes against a version that is no longer current.
func TestEventWriteConflict(t *testing.T) {
	w := newEvWorld(t)
	// Move the event to version 2, so that version 1 is stale.
	w.mustWrite(t, w.keys[evOrganizer], "updateEvent", map[string]any{"id": w.event.GlobalID(), "expectedVersion": 1, "title": "Renamed"})
	tests := []struct {
		op    string
		input map[string]any
	}{
		{"updateEvent", map[string]any{"id": w.event.GlobalID(), "expectedVersion": 1, "title": "Overwritten"}},
		{"updateEvent", map[string]any{"id": w.event.GlobalID(), "expectedVersion": 3, "capacity": 50}},
		{"cancelEvent", map[string]any{"id": w.event.GlobalID(), "expectedVersion": 1}},
		{"rescheduleEvent", map[string]any{"id": w.event.GlobalID(), "expectedVersion": 1, "startsAt": "2013-01-05T18:00:00+06:30"}},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			before := evSnapshot(t, w.url)
			res := w.mutate(t, w.client, w.keys[evOrganizer], tt.op, tt.input)
			if code := res.ErrorCode(t); code != "CONFLICT" {
				t.Errorf("code = %s, want CONFLICT: %+v", code, res.Errors)
			}
			if diff := cmp.Diff(before, evSnapshot(t, w.url)); diff != "" {
				t.Errorf("the database changed (-before +after):\n%s", diff)
			}
		})
	}
	if row := evEventRow(t, w.url, w.event.GlobalID()); row["title"] != "Renamed" || row["version"] != float64(2) {
		t.Errorf("event row = %v %v, want Renamed at version 2", row["title"], row["version"])
	}
}

// TestEventWriteIdempotency retries mutations with the same Idempotency-Key.
func TestEventWriteIdempotency(t *testing.T) {
	w := newEvWorld(t)
	input := map[string]any{"campaign": w.campaign.GlobalID(), "title": "Youth Session", "kind": "YOUTH_SESSION",
		"startsAt": "2013-03-04T09:00:00+07:00", "timeZone": "Asia/Bangkok"}
	c := w.client.WithHeader("Idempotency-Key", "create-1")
	first := evPayloadOf(t, w.mutate(t, c, w.keys[evOrganizer], "createEvent", input), "createEvent")
	if first.Event == nil {
		t.Fatalf("first attempt: %+v", first.UserErrors)
	}
	written := evSnapshot(t, w.url)
	input["clientMutationId"] = "retry" // not part of what the request does
	again := evPayloadOf(t, w.mutate(t, c, w.keys[evOrganizer], "createEvent", input), "createEvent")
	if again.Event == nil || again.Event.ID != first.Event.ID {
		t.Errorf("retry returned %+v, want the event %s", again.Event, first.Event.ID)
	}
	if diff := cmp.Diff(written, evSnapshot(t, w.url)); diff != "" {
		t.Errorf("the retry wrote (-first +retry):\n%s", diff)
	}
	var count int
	for _, row := range written["events"] {
		if strings.Contains(row, `"title": "Youth Session"`) {
			count++
		}
	}
	if count != 1 {
		t.Errorf("%d events were created, want 1", count)
	}

	// The key in the input works like the header.
	update := map[string]any{"id": w.event.GlobalID(), "expectedVersion": 1, "title": "Once", "idempotencyKey": "update-1"}
	for attempt := 1; attempt <= 2; attempt++ {
		e := w.mustWrite(t, w.keys[evOrganizer], "updateEvent", update)
		if e.Version != 2 || e.Title != "Once" {
			t.Errorf("attempt %d: version %d, title %q; want 2, Once", attempt, e.Version, e.Title)
		}
	}

	tests := []struct {
		name   string
		client *apitest.Client
		op     string
		input  map[string]any
	}{
		{"create with another title", c, "createEvent", map[string]any{"campaign": w.campaign.GlobalID(), "title": "Another", "kind": "YOUTH_SESSION",
			"startsAt": "2013-03-04T09:00:00+07:00", "timeZone": "Asia/Bangkok"}},
		{"another mutation", c, "cancelEvent", map[string]any{"id": w.event.GlobalID(), "expectedVersion": 2}},
		{"update with another title", w.client, "updateEvent", map[string]any{"id": w.event.GlobalID(), "expectedVersion": 1, "title": "Twice", "idempotencyKey": "update-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := evSnapshot(t, w.url)
			res := w.mutate(t, tt.client, w.keys[evOrganizer], tt.op, tt.input)
			if code := res.ErrorCode(t); code != "IDEMPOTENCY_KEY_REUSED" {
				t.Errorf("code = %s, want IDEMPOTENCY_KEY_REUSED: %+v", code, res.Errors)
			}
			if diff := cmp.Diff(before, evSnapshot(t, w.url)); diff != "" {
				t.Errorf("the database changed (-before +after):\n%s", diff)
			}
		})
	}
	if n := len(evAuditLog(t, w.url)); n != 2 {
		t.Errorf("audit log has %d entries, want 2 (one create, one update)", n)
	}
}

// TestEventWriteAccess tries every event mutation as callers who may not make it: each is
// refused with its code and leaves the database as it was. Then the callers who may edit
// the event do.
func TestEventWriteAccess(t *testing.T) {
	w := newEvWorld(t)
	mutations := []struct {
		op    string
		input map[string]any
	}{
		{"createEvent", map[string]any{"campaign": w.campaign.GlobalID(), "title": "T", "kind": "MEETING", "startsAt": "2013-03-04T09:00:00+07:00", "timeZone": "Asia/Bangkok"}},
		{"updateEvent", map[string]any{"id": w.event.GlobalID(), "expectedVersion": 1, "title": "Taken over"}},
		{"cancelEvent", map[string]any{"id": w.event.GlobalID(), "expectedVersion": 1}},
		{"rescheduleEvent", map[string]any{"id": w.event.GlobalID(), "expectedVersion": 1, "startsAt": "2013-01-05T18:00:00+06:30"}},
	}
	callers := []struct {
		name, key string
		// create is the code for createEvent in the world's campaign; the others get code.
		create, code string
	}{
		{"anonymous", "anonymous", "UNAUTHENTICATED", "UNAUTHENTICATED"},
		{"the organizer's viewer", "organizer-viewer", "FORBIDDEN", "FORBIDDEN"},
		{"another organization's editor", evStranger, "FORBIDDEN", "FORBIDDEN"},
		{"a co-host's editor without the right to edit", evCohostView, "FORBIDDEN", "FORBIDDEN"},
		{"a co-host's editor with the right to edit", evCohostEdit, "FORBIDDEN", ""},
	}
	for _, m := range mutations {
		for _, c := range callers {
			want := c.code
			if m.op == "createEvent" {
				want = c.create
			}
			if want == "" {
				continue
			}
			t.Run(m.op+" as "+c.name, func(t *testing.T) {
				before := evSnapshot(t, w.url)
				res := w.mutate(t, w.client, w.keys[c.key], m.op, m.input)
				if code := res.ErrorCode(t); code != want {
					t.Errorf("code = %s, want %s: %+v", code, want, res.Errors)
				}
				if diff := cmp.Diff(before, evSnapshot(t, w.url)); diff != "" {
					t.Errorf("the database changed (-before +after):\n%s", diff)
				}
			})
		}
	}
	t.Run("createEvent in a campaign the organizer has no part in", func(t *testing.T) {
		before := evSnapshot(t, w.url)
		in := map[string]any{"campaign": w.foreign.GlobalID(), "title": "T", "kind": "MEETING", "startsAt": "2013-03-04T09:00:00+07:00", "timeZone": "Asia/Bangkok"}
		if code := w.mutate(t, w.client, w.keys[evOrganizer], "createEvent", in).ErrorCode(t); code != "FORBIDDEN" {
			t.Errorf("code = %s, want FORBIDDEN", code)
		}
		if diff := cmp.Diff(before, evSnapshot(t, w.url)); diff != "" {
			t.Errorf("the database changed (-before +after):\n%s", diff)
		}
	})
	t.Run("the allowed editors, in turn", func(t *testing.T) {
		for i, key := range []string{evCohostEdit, evOwner, evOrganizer} {
			e := w.mustWrite(t, w.keys[key], "updateEvent", map[string]any{"id": w.event.GlobalID(), "expectedVersion": i + 1, "title": "Edited by " + key})
			if e.Version != i+2 || e.Title != "Edited by "+key {
				t.Errorf("%s: version %d, title %q", key, e.Version, e.Title)
			}
		}
		if n := len(evAuditLog(t, w.url)); n != 3 {
			t.Errorf("audit log has %d entries, want 3", n)
		}
	})
}
