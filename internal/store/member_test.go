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

// memberWorld is a campaign world whose partner is the holder: the owner records members
// and shares them with the holder, which coordinates a network and organizes an event; the
// stranger is given nothing.
type memberWorld struct {
	st                    *store.Store
	owner, viewer, holder auth.Caller
	stranger              auth.Caller
	network, stranded     int64 // coordinated by the holder; by the stranger
	event                 int64 // organized by the holder, open to registration
}

func newMemberWorld(t *testing.T) *memberWorld {
	t.Helper()
	cw := newCampaignWorld(t)
	st := cw.st
	w := &memberWorld{st: st, owner: cw.owner, viewer: cw.viewer, holder: cw.partner, stranger: cw.stranger}
	_, err := st.SeedOnce(context.Background(), "member-world-"+cw.prefix, func(wr *store.Writer) error {
		net := &models.YouthNetwork{Slug: cw.slug("net"), Name: "Net", Scope: "REGIONAL", Version: 1}
		other := &models.YouthNetwork{Slug: cw.slug("other-net"), Name: "Other", Scope: "REGIONAL", Version: 1}
		c := &models.Campaign{Slug: cw.slug("c"), Name: "C", Status: "ACTIVE", OwnerID: &w.holder.OrgID, StartPrecision: "DAY", EndPrecision: "DAY", Version: 1}
		if err := wr.Insert(net, other, c); err != nil {
			return err
		}
		e := &models.Event{CampaignID: c.ID, Title: "E", Kind: "OUTREACH", Status: "SCHEDULED", Visibility: "PUBLIC",
			StartBound: time.Now().AddDate(1, 0, 0), DatePrecision: "DAY", OrganizerID: w.holder.OrgID, Version: 1,
			RegistrationEnabled: true}
		if err := wr.Insert(e,
			&models.NetworkCoordinator{NetworkID: net.ID, OrganizationID: w.holder.OrgID},
			&models.NetworkCoordinator{NetworkID: other.ID, OrganizationID: w.stranger.OrgID}); err != nil {
			return err
		}
		w.network, w.stranded, w.event = net.ID, other.ID, e.ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// member records a member of the owner, an adult unless band says otherwise.
func (w *memberWorld) member(t *testing.T, band string) *models.Member {
	t.Helper()
	return must(t, w.st, w.owner, func(tx *store.Tx) (*models.Member, error) {
		return tx.CreateMember(store.MemberInput{DisplayName: "Ma Aye", AgeBand: band, Country: ptr("Burma"), Email: ptr(" aye@example.org ")})
	})
}

func (w *memberWorld) read(t *testing.T, id int64) *models.Member {
	t.Helper()
	got, err := w.st.MembersByID(context.Background(), []int64{id})
	if err != nil {
		t.Fatal(err)
	}
	if got[id] == nil {
		t.Fatalf("member %d is not in the table", id)
	}
	return got[id]
}

// TestCreateMemberStoresTheCheckedForm creates members and reads them back: trimmed
// contact details, a country found by alias, an empty contact detail left out, and every
// refused field named.
func TestCreateMemberStoresTheCheckedForm(t *testing.T) {
	t.Parallel()
	w := newMemberWorld(t)
	m := w.member(t, "AGE_18_24")
	got := w.read(t, m.ID)
	want := models.Member{ID: m.ID, DisplayName: ptr("Ma Aye"), AgeBand: "AGE_18_24", CountryCode: ptr("MM"), Email: ptr("aye@example.org"),
		OrganizationID: w.owner.OrgID, Version: 1}
	if d := cmp.Diff(want, *got, cmpIgnoreTimes); d != "" {
		t.Errorf("stored member (-want +got):\n%s", d)
	}
	for _, tc := range []struct {
		name string
		c    auth.Caller
		in   store.MemberInput
		want any
	}{
		{"blank phone is none", w.owner, store.MemberInput{DisplayName: "A", AgeBand: "AGE_25_PLUS", Phone: ptr("  ")}, nil},
		{"viewer", w.viewer, store.MemberInput{DisplayName: "A", AgeBand: "AGE_25_PLUS"}, auth.ErrForbidden},
		{"anonymous", auth.Caller{}, store.MemberInput{DisplayName: "A", AgeBand: "AGE_25_PLUS"}, auth.ErrUnauthenticated},
		{"every field wrong", w.owner, store.MemberInput{DisplayName: " ", AgeBand: "ADULT", Country: ptr("Atlantis"), Email: ptr("a@b c"), Phone: ptr("call me")},
			map[string]string{"input.displayName": "REQUIRED", "input.ageBand": "INVALID", "input.country": "UNKNOWN_COUNTRY", "input.email": "INVALID", "input.phone": "INVALID"}},
		{"too long", w.owner, store.MemberInput{DisplayName: string(make([]byte, 101)), AgeBand: "AGE_25_PLUS", Phone: ptr("+95 " + string(make([]byte, 40)))},
			map[string]string{"input.displayName": "INVALID", "input.phone": "LENGTH"}},
		{"phone without digits", w.owner, store.MemberInput{DisplayName: "A", AgeBand: "AGE_25_PLUS", Phone: ptr("+ +")},
			map[string]string{"input.phone": "INVALID"}},
	} {
		m, err := write(t, w.st, tc.c, func(tx *store.Tx) (*models.Member, error) { return tx.CreateMember(tc.in) })
		wantErr(t, tc.name, err, tc.want)
		if err == nil && (m.Phone != nil || w.read(t, m.ID).Phone != nil) {
			t.Errorf("%s: phone stored as %q", tc.name, *w.read(t, m.ID).Phone)
		}
	}
}

var cmpIgnoreTimes = cmp.FilterPath(func(p cmp.Path) bool {
	switch p.Last().String() {
	case ".CreatedAt", ".UpdatedAt", ".SharedAt", ".RecordedAt", ".LastReadAt":
		return true
	}
	return false
}, cmp.Ignore())

// TestUpdateMemberChangesOnlyWhatIsGiven corrects a member field by field at its version,
// and refuses a stale version, another organization and an erased member.
func TestUpdateMemberChangesOnlyWhatIsGiven(t *testing.T) {
	t.Parallel()
	w := newMemberWorld(t)
	m := w.member(t, "AGE_18_24")
	got := must(t, w.st, w.owner, func(tx *store.Tx) (*models.Member, error) {
		return tx.UpdateMember(m.ID, 1, store.MemberChange{AgeBand: ptr("AGE_25_PLUS"),
			Email: store.Opt[string]{Set: true}, Phone: store.Opt[string]{Set: true, Value: ptr("+95 1 234")}})
	})
	want := models.Member{ID: m.ID, DisplayName: ptr("Ma Aye"), AgeBand: "AGE_25_PLUS", CountryCode: ptr("MM"), Phone: ptr("+95 1 234"),
		OrganizationID: w.owner.OrgID, Version: 2}
	if d := cmp.Diff(want, *w.read(t, m.ID), cmpIgnoreTimes); d != "" {
		t.Errorf("updated member (-want +got):\n%s", d)
	}
	if got.Version != 2 {
		t.Errorf("UpdateMember returned version %d, want 2", got.Version)
	}
	for _, tc := range []struct {
		name    string
		c       auth.Caller
		id      int64
		version int32
		in      store.MemberChange
		want    any
	}{
		{"stale version", w.owner, m.ID, 1, store.MemberChange{DisplayName: ptr("B")}, store.ErrConflict},
		{"version zero", w.owner, m.ID, 0, store.MemberChange{DisplayName: ptr("B")}, store.ErrInvalid},
		{"unknown member", w.owner, 987654321, 1, store.MemberChange{}, map[string]string{"input.member": "NOT_FOUND"}},
		{"stranger", w.stranger, m.ID, 2, store.MemberChange{}, map[string]string{"input.member": "NOT_FOUND"}},
		{"viewer", w.viewer, m.ID, 2, store.MemberChange{}, auth.ErrForbidden},
		{"bad band", w.owner, m.ID, 2, store.MemberChange{AgeBand: ptr("OLD"), Country: store.Opt[string]{Set: true, Value: ptr("Nowhere")}},
			map[string]string{"input.ageBand": "INVALID", "input.country": "UNKNOWN_COUNTRY"}},
	} {
		_, err := write(t, w.st, tc.c, func(tx *store.Tx) (*models.Member, error) { return tx.UpdateMember(tc.id, tc.version, tc.in) })
		wantErr(t, tc.name, err, tc.want)
	}
	if v := w.read(t, m.ID).Version; v != 2 {
		t.Errorf("refused changes moved the version to %d", v)
	}
}

// TestShareMember shares and withdraws: a share is idempotent and bumps the version once,
// the holder is refused the owner's decisions, and the owner cannot share with itself or
// with an organization that does not exist.
func TestShareMember(t *testing.T) {
	t.Parallel()
	w := newMemberWorld(t)
	ctx := context.Background()
	m := w.member(t, "AGE_18_24")
	share := func(c auth.Caller, org int64) (*models.Member, error) {
		return write(t, w.st, c, func(tx *store.Tx) (*models.Member, error) { return tx.ShareMember(m.ID, org) })
	}
	for i := 0; i < 2; i++ {
		if _, err := share(w.owner, w.holder.OrgID); err != nil {
			t.Fatalf("share %d: %v", i+1, err)
		}
	}
	if v := w.read(t, m.ID).Version; v != 2 {
		t.Errorf("version after sharing twice with one organization: %d, want 2", v)
	}
	for _, tc := range []struct {
		name string
		c    auth.Caller
		org  int64
		want any
	}{
		{"with itself", w.owner, w.owner.OrgID, map[string]string{"input.organization": "INVALID"}},
		{"with nobody", w.owner, 987654321, map[string]string{"input.organization": "NOT_FOUND"}},
		{"by the holder", w.holder, w.stranger.OrgID, auth.ErrForbidden},
		{"by a stranger", w.stranger, w.holder.OrgID, map[string]string{"input.member": "NOT_FOUND"}},
	} {
		_, err := share(tc.c, tc.org)
		wantErr(t, tc.name, err, tc.want)
	}
	shares, err := w.st.MemberShares(ctx, []int64{m.ID, 987654321})
	if err != nil {
		t.Fatal(err)
	}
	if len(shares) != 1 || len(shares[m.ID]) != 1 || shares[m.ID][0].OrganizationID != w.holder.OrgID || *shares[m.ID][0].SharedBy != w.owner.KeyID {
		t.Errorf("shares = %+v, want one to the holder by the owner's key", shares[m.ID])
	}
	unshare := func(org int64) error {
		_, err := write(t, w.st, w.owner, func(tx *store.Tx) (*models.Member, error) { return tx.UnshareMember(m.ID, org) })
		return err
	}
	wantErr(t, "withdraw", unshare(w.holder.OrgID), nil)
	wantErr(t, "withdraw again", unshare(w.holder.OrgID), map[string]string{"input.organization": "NOT_FOUND"})
	if shares, _ := w.st.MemberShares(ctx, []int64{m.ID}); len(shares[m.ID]) != 0 {
		t.Errorf("shares after withdrawal: %+v", shares[m.ID])
	}
	if v := w.read(t, m.ID).Version; v != 3 {
		t.Errorf("version after withdrawal: %d, want 3", v)
	}
}

// TestGuardianConsent records consents: the latest is the one read, the given time is
// held to the age band and the clock, and only the owner records one.
func TestGuardianConsent(t *testing.T) {
	t.Parallel()
	w := newMemberWorld(t)
	ctx := context.Background()
	minor := w.member(t, "AGE_13_15")
	now := time.Now().UTC().Truncate(time.Second)
	in := func(given time.Time, method string) store.ConsentInput {
		return store.ConsentInput{GuardianName: " Daw Hla ", Relationship: "PARENT", Method: method, GivenAt: given}
	}
	for _, tc := range []struct {
		name string
		c    auth.Caller
		in   store.ConsentInput
		want any
	}{
		{"written", w.owner, in(now.AddDate(0, -1, 0), "WRITTEN"), nil},
		{"verbal, later", w.owner, in(now.AddDate(0, 0, -1), "VERBAL"), nil},
		{"a moment ahead", w.owner, in(now.Add(time.Minute), "DIGITAL"), nil},
		{"in the future", w.owner, in(now.Add(time.Hour), "DIGITAL"), map[string]string{"input.givenAt": "OUT_OF_RANGE"}},
		{"before birth", w.owner, in(now.AddDate(-17, 0, 0), "WRITTEN"), map[string]string{"input.givenAt": "OUT_OF_RANGE"}},
		{"bad fields", w.owner, store.ConsentInput{GivenAt: now, Relationship: "AUNT", Method: "EMAIL"},
			map[string]string{"input.guardianName": "REQUIRED", "input.relationship": "INVALID", "input.method": "INVALID"}},
		{"holder", w.holder, in(now, "WRITTEN"), map[string]string{"input.member": "NOT_FOUND"}},
	} {
		_, err := write(t, w.st, tc.c, func(tx *store.Tx) (*models.Member, error) { return tx.RecordGuardianConsent(minor.ID, tc.in) })
		wantErr(t, tc.name, err, tc.want)
	}
	got, err := w.st.GuardianConsents(ctx, []int64{minor.ID, 987654321})
	if err != nil {
		t.Fatal(err)
	}
	c := got[minor.ID]
	if len(got) != 1 || c == nil || c.Method != "DIGITAL" || *c.GuardianName != "Daw Hla" || *c.RecordedBy != w.owner.KeyID {
		t.Errorf("latest consent = %+v, want the third (DIGITAL) with the trimmed guardian", c)
	}
	if v := w.read(t, minor.ID).Version; v != 4 {
		t.Errorf("version after three consents: %d, want 4", v)
	}
}

// TestNetworkMembership joins and leaves: a minor needs consent, a member joins once at a
// time, only the network's coordinators enrol, and the counts follow.
func TestNetworkMembership(t *testing.T) {
	t.Parallel()
	w := newMemberWorld(t)
	ctx := context.Background()
	adult, minor, unshared := w.member(t, "AGE_25_PLUS"), w.member(t, "UNDER_13"), w.member(t, "AGE_25_PLUS")
	for _, m := range []*models.Member{adult, minor} {
		must(t, w.st, w.owner, func(tx *store.Tx) (*models.Member, error) { return tx.ShareMember(m.ID, w.holder.OrgID) })
	}
	join := func(c auth.Caller, member, network int64) error {
		_, err := write(t, w.st, c, func(tx *store.Tx) (*models.Member, error) { return tx.JoinNetwork(member, network) })
		return err
	}
	leave := func(c auth.Caller, member, network int64) error {
		_, err := write(t, w.st, c, func(tx *store.Tx) (*models.Member, error) { return tx.LeaveNetwork(member, network) })
		return err
	}
	for _, tc := range []struct {
		name string
		err  error
		want any
	}{
		{"adult", join(w.holder, adult.ID, w.network), nil},
		{"adult again", join(w.holder, adult.ID, w.network), map[string]string{"input.member": "ALREADY_REGISTERED"}},
		{"minor without consent", join(w.holder, minor.ID, w.network), map[string]string{"input.member": "CONSENT_REQUIRED"}},
		{"not shared", join(w.holder, unshared.ID, w.network), map[string]string{"input.member": "NOT_FOUND"}},
		{"owner, no coordinator", join(w.owner, adult.ID, w.network), auth.ErrForbidden},
		{"unknown network", join(w.holder, adult.ID, 987654321), map[string]string{"input.network": "NOT_FOUND"}},
		{"viewer", join(w.viewer, adult.ID, w.network), auth.ErrForbidden},
	} {
		wantErr(t, tc.name, tc.err, tc.want)
	}
	counts, err := w.st.NetworkMemberCounts(ctx, []int64{w.network, w.stranded, 987654321})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[int64]int{w.network: 1, w.stranded: 0, 987654321: 0}, counts); d != "" {
		t.Errorf("counts after joining (-want +got):\n%s", d)
	}
	wantErr(t, "leave", leave(w.holder, adult.ID, w.network), nil)
	wantErr(t, "leave again", leave(w.holder, adult.ID, w.network), map[string]string{"input.member": "INVALID_STATE"})
	wantErr(t, "rejoin", join(w.holder, adult.ID, w.network), nil)
	if counts, _ := w.st.NetworkMemberCounts(ctx, []int64{w.network}); counts[w.network] != 1 {
		t.Errorf("count after leaving and rejoining: %d, want 1", counts[w.network])
	}
	if counts, _ := w.st.NetworkMemberCounts(ctx, nil); len(counts) != 0 {
		t.Errorf("counts of no networks: %v", counts)
	}
}

// TestEraseMember erases a member's personal data and its guardians' names, keeps the row,
// and succeeds again on an erased member; an erased member cannot be corrected.
func TestEraseMember(t *testing.T) {
	t.Parallel()
	w := newMemberWorld(t)
	ctx := context.Background()
	m := w.member(t, "AGE_16_17")
	must(t, w.st, w.owner, func(tx *store.Tx) (*models.Member, error) {
		return tx.RecordGuardianConsent(m.ID, store.ConsentInput{GuardianName: "Daw Hla", Relationship: "PARENT", Method: "WRITTEN", GivenAt: time.Now()})
	})
	erase := func(c auth.Caller) error {
		_, err := write(t, w.st, c, func(tx *store.Tx) (*models.Member, error) { return tx.EraseMember(m.ID) })
		return err
	}
	wantErr(t, "stranger", erase(w.stranger), map[string]string{"input.member": "NOT_FOUND"})
	wantErr(t, "erase", erase(w.owner), nil)
	wantErr(t, "erase again", erase(w.owner), nil)
	got := w.read(t, m.ID)
	if got.DisplayName != nil || got.Email != nil || got.Phone != nil || got.ErasedAt == nil || got.Version != 3 || got.AgeBand != "AGE_16_17" {
		t.Errorf("erased member = %+v, want no name or contact, erased, version 3, age band kept", got)
	}
	consents, err := w.st.GuardianConsents(ctx, []int64{m.ID})
	if err != nil {
		t.Fatal(err)
	}
	if c := consents[m.ID]; c == nil || c.GuardianName != nil || c.Relationship != "PARENT" {
		t.Errorf("consent after erasure = %+v, want kept without the guardian's name", c)
	}
	_, err = write(t, w.st, w.owner, func(tx *store.Tx) (*models.Member, error) {
		return tx.UpdateMember(m.ID, 3, store.MemberChange{DisplayName: ptr("Back")})
	})
	wantErr(t, "correct an erased member", err, map[string]string{"input.member": "INVALID_STATE"})
}
