package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/auth"
	"campaigns/internal/store"
	"campaigns/models"
)

func readEvent(t *testing.T, st *store.Store, id int64) *models.Event {
	t.Helper()
	got, err := st.EventsByID(context.Background(), []int64{id})
	if err != nil {
		t.Fatal(err)
	}
	if got[id] == nil {
		t.Fatalf("event %d is not in the table", id)
	}
	return got[id]
}

var yangon = time.FixedZone("MMT", 6*3600+1800)

// TestCreateEventStoresItsFields creates events and reads back what was stored: an exact
// start with its venue, a month with its qualifier, and the defaults of what was left out.
func TestCreateEventStoresItsFields(t *testing.T) {
	t.Parallel()
	w := newCampaignWorld(t)
	ctx := context.Background()
	c := w.campaign(t, "active", "ACTIVE")
	start := time.Date(2031, 12, 8, 19, 0, 0, 0, yangon)
	e := w.event(t, w.owner, c, start, store.EventInput{
		EndsAt:       store.Opt[time.Time]{Set: true, Value: ptr(start.Add(2 * time.Hour))},
		Venue:        store.Opt[store.VenueInput]{Set: true, Value: &store.VenueInput{Name: "Hall", Country: "burma", City: ptr("Yangon"), Latitude: ptr(16.8), Longitude: ptr(96.15)}},
		Capacity:     store.Opt[int]{Set: true, Value: ptr(40)},
		Registration: store.Opt[store.RegistrationInput]{Set: true, Value: &store.RegistrationInput{WaitlistEnabled: ptr(true)}},
	})
	got := readEvent(t, w.st, e.ID)
	if got.VenueID == nil {
		t.Fatal("the event has no venue")
	}
	type row struct {
		Title, Kind, Status, Visibility, Precision, Zone, Country string
		Start, End                                                time.Time
		Capacity                                                  int32
		Registration, Waitlist                                    bool
		Organizer                                                 int64
		Version                                                   int32
	}
	if d := cmp.Diff(row{"Youth session", "YOUTH_SESSION", "DRAFT", "PUBLIC", models.PrecisionMinute, "Asia/Yangon", "MM",
		start.UTC(), start.Add(2 * time.Hour).UTC(), 40, true, true, w.owner.OrgID, 1},
		row{got.Title, got.Kind, got.Status, got.Visibility, got.DatePrecision, *got.TimeZone, *got.CountryCode,
			got.StartBound.UTC(), got.EndBound.UTC(), *got.Capacity, got.RegistrationEnabled, got.WaitlistEnabled, got.OrganizerID, got.Version}); d != "" {
		t.Errorf("stored event (-want +got):\n%s", d)
	}
	venues, err := w.st.VenuesByID(ctx, []int64{*got.VenueID, 987654321})
	if err != nil {
		t.Fatal(err)
	}
	v := venues[*got.VenueID]
	if len(venues) != 1 || v.Name != "Hall" || v.CountryCode != "MM" || !v.AddressPrivate || *v.Latitude != 16.8 || v.Country == nil || v.Country.Name != "Myanmar" {
		t.Errorf("venue = %+v, want Hall in Myanmar, address private", v)
	}

	month := w.event(t, w.owner, c, start, store.EventInput{})
	month = must(t, w.st, w.owner, func(tx *store.Tx) (*models.Event, error) {
		return tx.RescheduleEvent(month.ID, 1, store.EventInput{
			StartsOn: &models.PartialDate{Date: time.Date(2032, 11, 1, 0, 0, 0, 0, time.UTC), Precision: models.PrecisionMonth}, DateQualifier: ptr("LATE")})
	})
	got = readEvent(t, w.st, month.ID)
	if got.DatePrecision != models.PrecisionMonth || !got.StartBound.Equal(time.Date(2032, 11, 1, 0, 0, 0, 0, yangon)) || got.EndBound != nil ||
		got.DateQualifier == nil || *got.DateQualifier != "LATE" || got.Version != 2 {
		t.Errorf("rescheduled to late November 2032: %s %v %v %v, version %d", got.DatePrecision, got.StartBound, got.EndBound, got.DateQualifier, got.Version)
	}
}

// TestCreateEventRefuses checks each refusal of a new event: every problem of its fields
// at once, a campaign the caller may not read or organize in, and a caller without the role.
func TestCreateEventRefuses(t *testing.T) {
	t.Parallel()
	w := newCampaignWorld(t)
	active, draft := w.campaign(t, "active", "ACTIVE"), w.campaign(t, "draft", "DRAFT")
	start := time.Date(2031, 12, 8, 19, 0, 0, 0, time.UTC)
	base := func(c *models.Campaign) store.EventInput {
		return store.EventInput{CampaignID: c.ID, Title: ptr("T"), Kind: ptr("MEETING"), StartsAt: &start, TimeZone: ptr("Asia/Yangon")}
	}
	with := func(c *models.Campaign, f func(*store.EventInput)) store.EventInput {
		in := base(c)
		f(&in)
		return in
	}
	for _, tc := range []struct {
		name string
		c    auth.Caller
		in   store.EventInput
		want any
	}{
		{"no start", w.owner, with(active, func(in *store.EventInput) { in.StartsAt = nil }), map[string]string{"input.startsAt": "REQUIRED"}},
		{"no zone", w.owner, with(active, func(in *store.EventInput) { in.TimeZone = nil }), map[string]string{"input.timeZone": "REQUIRED"}},
		{"both starts", w.owner, with(active, func(in *store.EventInput) {
			in.StartsOn = &models.PartialDate{Date: start, Precision: models.PrecisionDay}
		}), map[string]string{"input.startsOn": "INVALID"}},
		{"qualified day", w.owner, with(active, func(in *store.EventInput) {
			in.StartsAt, in.StartsOn, in.DateQualifier = nil, &models.PartialDate{Date: start, Precision: models.PrecisionDay}, ptr("EARLY")
		}), map[string]string{"input.dateQualifier": "INVALID"}},
		{"end of a day", w.owner, with(active, func(in *store.EventInput) {
			in.StartsAt, in.StartsOn = nil, &models.PartialDate{Date: start, Precision: models.PrecisionDay}
			in.EndsAt = store.Opt[time.Time]{Set: true, Value: ptr(start.Add(time.Hour))}
		}), map[string]string{"input.endsAt": "INVALID"}},
		{"created cancelled", w.owner, with(active, func(in *store.EventInput) { in.Status = ptr("CANCELLED") }), map[string]string{"input.status": "INVALID_STATE"}},
		{"fields", w.owner, with(active, func(in *store.EventInput) {
			in.Title, in.TimeZone = ptr("  "), ptr("Mars/Base")
			in.EndsAt = store.Opt[time.Time]{Set: true, Value: ptr(start.Add(-time.Hour))}
			in.OnlineURL = store.Opt[string]{Set: true, Value: ptr("ftp://x")}
			in.Capacity = store.Opt[int]{Set: true, Value: ptr(-1)}
			in.Registration = store.Opt[store.RegistrationInput]{Set: true, Value: &store.RegistrationInput{OpensAt: ptr(start), ClosesAt: ptr(start.Add(-time.Hour))}}
		}), map[string]string{"input.title": "REQUIRED", "input.timeZone": "UNKNOWN_TIME_ZONE", "input.endsAt": "END_BEFORE_START",
			"input.onlineUrl": "INVALID", "input.capacity": "OUT_OF_RANGE", "input.registration.closesAt": "END_BEFORE_START"}},
		{"out of the window", w.owner, with(active, func(in *store.EventInput) { in.StartsAt = ptr(time.Date(20013, 1, 1, 0, 0, 0, 0, time.UTC)) }),
			map[string]string{"input.startsAt": "OUT_OF_RANGE"}},
		{"venue", w.owner, with(active, func(in *store.EventInput) {
			in.Venue = store.Opt[store.VenueInput]{Set: true, Value: &store.VenueInput{Name: "", Country: "Atlantis", Latitude: ptr(91.0)}}
		}), map[string]string{"input.venue.name": "REQUIRED", "input.venue.country": "UNKNOWN_COUNTRY", "input.venue.latitude": "OUT_OF_RANGE", "input.venue.longitude": "REQUIRED"}},
		{"unknown campaign", w.owner, store.EventInput{CampaignID: 987654321, Title: ptr("T"), Kind: ptr("MEETING"), StartsAt: &start, TimeZone: ptr("UTC")},
			map[string]string{"input.campaign": "NOT_FOUND"}},
		{"a stranger in a draft", w.stranger, base(draft), map[string]string{"input.campaign": "NOT_FOUND"}},
		{"a stranger in a public campaign", w.stranger, base(active), auth.ErrForbidden},
		{"a viewer", w.viewer, base(active), auth.ErrForbidden},
		{"anonymous", auth.Caller{}, base(active), auth.ErrUnauthenticated},
		{"the owner in its draft", w.owner, base(draft), nil},
	} {
		_, err := write(t, w.st, tc.c, func(tx *store.Tx) (*models.Event, error) { return tx.CreateEvent(tc.in) })
		wantErr(t, tc.name, err, tc.want)
	}
	must(t, w.st, w.owner, func(tx *store.Tx) (*models.Campaign, error) {
		return tx.AddCampaignPartner(store.PartnerInput{CampaignID: active.ID, OrganizationID: w.partner.OrgID, Role: "IMPLEMENTER", CanEdit: true})
	})
	e := must(t, w.st, w.partner, func(tx *store.Tx) (*models.Event, error) { return tx.CreateEvent(base(active)) })
	if e.OrganizerID != w.partner.OrgID {
		t.Errorf("a partner's event is organized by %d, want the partner %d", e.OrganizerID, w.partner.OrgID)
	}
}

// TestChangeEvent updates, reschedules and cancels an event at its versions, with the
// refusals each owes.
func TestChangeEvent(t *testing.T) {
	t.Parallel()
	w := newCampaignWorld(t)
	c := w.campaign(t, "active", "ACTIVE")
	start := time.Date(2031, 12, 8, 19, 0, 0, 0, yangon)
	e := w.event(t, w.owner, c, start, store.EventInput{
		EndsAt: store.Opt[time.Time]{Set: true, Value: ptr(start.Add(90 * time.Minute))},
		Venue:  store.Opt[store.VenueInput]{Set: true, Value: &store.VenueInput{Name: "Hall", Country: "MM"}},
	})
	draft := w.event(t, w.owner, c, start, store.EventInput{})
	update := func(c auth.Caller, id int64, version int32, in store.EventInput) (*models.Event, error) {
		return write(t, w.st, c, func(tx *store.Tx) (*models.Event, error) { return tx.UpdateEvent(id, version, in) })
	}
	_, err := update(w.owner, e.ID, 1, store.EventInput{Title: ptr("Renamed"), Status: ptr("SCHEDULED"), Venue: store.Opt[store.VenueInput]{Set: true}})
	wantErr(t, "update", err, nil)
	got := readEvent(t, w.st, e.ID)
	if got.Title != "Renamed" || got.Status != "SCHEDULED" || got.VenueID != nil || got.CountryCode != nil || got.Version != 2 || !got.Listed {
		t.Errorf("updated event = %q %s venue %v country %v version %d listed %t", got.Title, got.Status, got.VenueID, got.CountryCode, got.Version, got.Listed)
	}
	for _, tc := range []struct {
		name    string
		c       auth.Caller
		id      int64
		version int32
		in      store.EventInput
		want    any
	}{
		{"stale", w.owner, e.ID, 1, store.EventInput{Title: ptr("X")}, store.ErrConflict},
		{"cancel by update", w.owner, e.ID, 2, store.EventInput{Status: ptr("CANCELLED")}, map[string]string{"input.status": "INVALID_STATE"}},
		{"stranger, public event", w.stranger, e.ID, 2, store.EventInput{Title: ptr("X")}, auth.ErrForbidden},
		{"stranger, draft event", w.stranger, draft.ID, 1, store.EventInput{Title: ptr("X")}, store.ErrNotFound},
		{"unknown", w.owner, 987654321, 1, store.EventInput{Title: ptr("X")}, store.ErrNotFound},
	} {
		_, err := update(tc.c, tc.id, tc.version, tc.in)
		wantErr(t, tc.name, err, tc.want)
	}

	moved := start.AddDate(0, 1, 0)
	_, err = write(t, w.st, w.owner, func(tx *store.Tx) (*models.Event, error) {
		return tx.RescheduleEvent(e.ID, 2, store.EventInput{StartsAt: &moved, Title: ptr("ignored")})
	})
	wantErr(t, "reschedule", err, nil)
	got = readEvent(t, w.st, e.ID)
	if !got.StartBound.Equal(moved) || got.EndBound == nil || !got.EndBound.Equal(moved.Add(90*time.Minute)) || got.Title != "Renamed" || got.Version != 3 {
		t.Errorf("rescheduled event starts %v, ends %v, titled %q at version %d; want the same length and title", got.StartBound, got.EndBound, got.Title, got.Version)
	}
	_, err = write(t, w.st, w.owner, func(tx *store.Tx) (*models.Event, error) { return tx.RescheduleEvent(e.ID, 3, store.EventInput{}) })
	wantErr(t, "reschedule nowhere", err, map[string]string{"input.startsAt": "REQUIRED"})

	cancel := func(version int32) error {
		_, err := write(t, w.st, w.owner, func(tx *store.Tx) (*models.Event, error) { return tx.CancelEvent(e.ID, version) })
		return err
	}
	wantErr(t, "cancel", cancel(3), nil)
	wantErr(t, "cancel again", cancel(4), map[string]string{"input.id": "INVALID_STATE"})
	_, err = write(t, w.st, w.owner, func(tx *store.Tx) (*models.Event, error) {
		return tx.RescheduleEvent(e.ID, 4, store.EventInput{StartsAt: &moved})
	})
	wantErr(t, "reschedule cancelled", err, map[string]string{"input.id": "INVALID_STATE"})
	_, err = update(w.owner, e.ID, 4, store.EventInput{Status: ptr("SCHEDULED")})
	wantErr(t, "uncancel by update", err, map[string]string{"input.status": "INVALID_STATE"})
	if got := readEvent(t, w.st, e.ID); got.Status != "CANCELLED" || got.Version != 4 {
		t.Errorf("after refusals: %s at version %d, want CANCELLED at 4", got.Status, got.Version)
	}
}
