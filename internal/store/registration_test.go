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

// registrationWorld is an event of the owner with two seats and a waitlist, and members of
// the owner to register.
type registrationWorld struct {
	*campaignWorld
	open *models.Event
}

func newRegistrationWorld(t *testing.T) *registrationWorld {
	t.Helper()
	w := &registrationWorld{campaignWorld: newCampaignWorld(t)}
	c := w.campaign(t, "active", "ACTIVE")
	w.open = w.event0(t, c, store.EventInput{
		Capacity:     store.Opt[int]{Set: true, Value: ptr(2)},
		Registration: store.Opt[store.RegistrationInput]{Set: true, Value: &store.RegistrationInput{WaitlistEnabled: ptr(true)}},
	})
	return w
}

// event0 creates a scheduled event of the owner a year ahead.
func (w *registrationWorld) event0(t *testing.T, c *models.Campaign, in store.EventInput) *models.Event {
	t.Helper()
	in.Status = ptr("SCHEDULED")
	return w.event(t, w.owner, c, time.Now().AddDate(1, 0, 0).Truncate(time.Minute), in)
}

func (w *registrationWorld) members(t *testing.T, n int) []int64 {
	t.Helper()
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = must(t, w.st, w.owner, func(tx *store.Tx) (*models.Member, error) {
			return tx.CreateMember(store.MemberInput{DisplayName: "M", AgeBand: "AGE_18_24"})
		}).ID
	}
	return ids
}

func (w *registrationWorld) register(t *testing.T, c auth.Caller, event, member int64) (*models.Registration, error) {
	t.Helper()
	return write(t, w.st, c, func(tx *store.Tx) (*models.Registration, error) { return tx.RegisterForEvent(event, member) })
}

// statuses reads the registrations back as status and waitlist place.
func (w *registrationWorld) statuses(t *testing.T, ids ...int64) map[int64]string {
	t.Helper()
	got, err := w.st.RegistrationsByID(context.Background(), append(ids, 987654321))
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[int64]string, len(got))
	for id, r := range got {
		out[id] = r.Status
		if r.WaitlistPos != nil {
			out[id] += " " + string(rune('0'+*r.WaitlistPos))
		}
		if r.Attended {
			out[id] += " attended"
		}
	}
	return out
}

// TestRegistrationFillsSeatsThenTheWaitlist registers four members for two seats, cancels
// a confirmed one and checks the first on the waitlist takes the seat, in order.
func TestRegistrationFillsSeatsThenTheWaitlist(t *testing.T) {
	t.Parallel()
	w := newRegistrationWorld(t)
	ctx := context.Background()
	m := w.members(t, 4)
	var r []int64
	for _, id := range m {
		reg, err := w.register(t, w.owner, w.open.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		r = append(r, reg.ID)
	}
	if d := cmp.Diff(map[int64]string{r[0]: "CONFIRMED", r[1]: "CONFIRMED", r[2]: "WAITLISTED 1", r[3]: "WAITLISTED 2"}, w.statuses(t, r...)); d != "" {
		t.Errorf("after four registrations (-want +got):\n%s", d)
	}
	must(t, w.st, w.owner, func(tx *store.Tx) (*models.Registration, error) { return tx.CancelRegistration(r[0]) })
	if d := cmp.Diff(map[int64]string{r[0]: "CANCELLED", r[1]: "CONFIRMED", r[2]: "CONFIRMED", r[3]: "WAITLISTED 1"}, w.statuses(t, r...)); d != "" {
		t.Errorf("after a cancellation (-want +got):\n%s", d)
	}
	// Cancelling a waiting registration frees no seat.
	must(t, w.st, w.owner, func(tx *store.Tx) (*models.Registration, error) { return tx.CancelRegistration(r[3]) })
	must(t, w.st, w.owner, func(tx *store.Tx) (*models.Registration, error) { return tx.RecordAttendance(r[1], true) })
	if d := cmp.Diff(map[int64]string{r[0]: "CANCELLED", r[1]: "CONFIRMED attended", r[2]: "CONFIRMED", r[3]: "CANCELLED"}, w.statuses(t, r...)); d != "" {
		t.Errorf("after cancelling the waitlist and recording attendance (-want +got):\n%s", d)
	}
	// The cancelled member registers again, onto the seat a larger capacity makes.
	again, err := w.register(t, w.owner, w.open.ID, m[0])
	wantErr(t, "register again", err, nil)
	counts, err := w.st.RegistrationCounts(ctx, []int64{w.open.ID, 987654321})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[int64]store.RegistrationCount{w.open.ID: {Confirmed: 2, Waitlisted: 1, Attended: 1}, 987654321: {}}, counts); d != "" {
		t.Errorf("counts (-want +got):\n%s", d)
	}
	_, err = write(t, w.st, w.owner, func(tx *store.Tx) (*models.Event, error) {
		return tx.UpdateEvent(w.open.ID, 1, store.EventInput{Capacity: store.Opt[int]{Set: true, Value: ptr(1)}})
	})
	wantErr(t, "capacity below the confirmed", err, map[string]string{"input.capacity": "OUT_OF_RANGE"})
	must(t, w.st, w.owner, func(tx *store.Tx) (*models.Event, error) {
		return tx.UpdateEvent(w.open.ID, 1, store.EventInput{Capacity: store.Opt[int]{Set: true}})
	})
	if got := w.statuses(t, again.ID); got[again.ID] != "CONFIRMED" {
		t.Errorf("with no limit, the waiting registration is %q, want CONFIRMED", got[again.ID])
	}
}

// TestRegistrationRefuses checks the refusals of registering and of changing a registration.
func TestRegistrationRefuses(t *testing.T) {
	t.Parallel()
	w := newRegistrationWorld(t)
	c := w.campaign(t, "more", "ACTIVE")
	full := w.event0(t, c, store.EventInput{
		Capacity:     store.Opt[int]{Set: true, Value: ptr(1)},
		Registration: store.Opt[store.RegistrationInput]{Set: true, Value: &store.RegistrationInput{}},
	})
	closed := w.event0(t, c, store.EventInput{})
	later := w.event0(t, c, store.EventInput{Registration: store.Opt[store.RegistrationInput]{Set: true,
		Value: &store.RegistrationInput{OpensAt: ptr(time.Now().AddDate(0, 6, 0))}}})
	over := w.event0(t, c, store.EventInput{Registration: store.Opt[store.RegistrationInput]{Set: true,
		Value: &store.RegistrationInput{OpensAt: ptr(time.Now().AddDate(0, -2, 0)), ClosesAt: ptr(time.Now().AddDate(0, -1, 0))}}})
	draft := w.event(t, w.owner, c, time.Now().AddDate(1, 0, 0), store.EventInput{Registration: store.Opt[store.RegistrationInput]{Set: true, Value: &store.RegistrationInput{}}})
	m := w.members(t, 3)
	minor := must(t, w.st, w.owner, func(tx *store.Tx) (*models.Member, error) {
		return tx.CreateMember(store.MemberInput{DisplayName: "Kid", AgeBand: "UNDER_13"})
	})
	strangers := must(t, w.st, w.stranger, func(tx *store.Tx) (*models.Member, error) {
		return tx.CreateMember(store.MemberInput{DisplayName: "S", AgeBand: "AGE_18_24"})
	})
	first, err := w.register(t, w.owner, full.ID, m[0])
	wantErr(t, "first of one seat", err, nil)
	for _, tc := range []struct {
		name          string
		c             auth.Caller
		event, member int64
		want          any
	}{
		{"twice", w.owner, full.ID, m[0], map[string]string{"input.member": "ALREADY_REGISTERED"}},
		{"full, no waitlist", w.owner, full.ID, m[1], map[string]string{"input.event": "EVENT_FULL"}},
		{"no registration", w.owner, closed.ID, m[1], map[string]string{"input.event": "REGISTRATION_CLOSED"}},
		{"not open yet", w.owner, later.ID, m[1], map[string]string{"input.event": "REGISTRATION_CLOSED"}},
		{"closed", w.owner, over.ID, m[1], map[string]string{"input.event": "REGISTRATION_CLOSED"}},
		{"draft", w.owner, draft.ID, m[1], map[string]string{"input.event": "INVALID_STATE"}},
		{"minor without consent", w.owner, w.open.ID, minor.ID, map[string]string{"input.member": "CONSENT_REQUIRED"}},
		{"a member not reached", w.owner, w.open.ID, strangers.ID, map[string]string{"input.member": "NOT_FOUND"}},
		{"unknown event", w.owner, 987654321, m[1], map[string]string{"input.event": "NOT_FOUND"}},
		{"not the organizer", w.stranger, w.open.ID, strangers.ID, auth.ErrForbidden},
		{"a draft of another", w.stranger, draft.ID, strangers.ID, map[string]string{"input.event": "NOT_FOUND"}},
		{"viewer", w.viewer, w.open.ID, m[1], auth.ErrForbidden},
	} {
		_, err := w.register(t, tc.c, tc.event, tc.member)
		wantErr(t, tc.name, err, tc.want)
	}
	waiting, err := w.register(t, w.owner, w.open.ID, m[2])
	wantErr(t, "open event", err, nil)
	for _, tc := range []struct {
		name string
		c    auth.Caller
		fn   func(*store.Tx) (*models.Registration, error)
		want any
	}{
		{"stranger cancels", w.stranger, func(tx *store.Tx) (*models.Registration, error) { return tx.CancelRegistration(first.ID) },
			map[string]string{"input.id": "NOT_FOUND"}},
		{"unknown", w.owner, func(tx *store.Tx) (*models.Registration, error) { return tx.CancelRegistration(987654321) },
			map[string]string{"input.id": "NOT_FOUND"}},
		{"viewer records attendance", w.viewer, func(tx *store.Tx) (*models.Registration, error) { return tx.RecordAttendance(first.ID, true) },
			auth.ErrForbidden},
		{"cancel", w.owner, func(tx *store.Tx) (*models.Registration, error) { return tx.CancelRegistration(first.ID) }, nil},
		{"cancel again", w.owner, func(tx *store.Tx) (*models.Registration, error) { return tx.CancelRegistration(first.ID) },
			map[string]string{"input.id": "INVALID_STATE"}},
		{"attendance of a cancelled", w.owner, func(tx *store.Tx) (*models.Registration, error) { return tx.RecordAttendance(first.ID, true) },
			map[string]string{"input.id": "INVALID_STATE"}},
		{"attendance", w.owner, func(tx *store.Tx) (*models.Registration, error) { return tx.RecordAttendance(waiting.ID, true) }, nil},
	} {
		_, err := write(t, w.st, tc.c, tc.fn)
		wantErr(t, tc.name, err, tc.want)
	}
	if got := w.statuses(t, first.ID, waiting.ID); got[first.ID] != "CANCELLED" || got[waiting.ID] != "CONFIRMED attended" {
		t.Errorf("registrations = %v", got)
	}
}
