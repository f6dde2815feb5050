package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/auth"
	"campaigns/internal/store"
	"campaigns/models"
)

// TestMemberAccessGivesEachOrganizationItsReason walks one member through the reasons the
// holder of a share passes through: none before the share, a bare holder, an organizer while
// the member holds a live registration, a coordinator while it is in the network, and none
// again once the share is withdrawn. The owner always reaches it; a stranger never does.
func TestMemberAccessGivesEachOrganizationItsReason(t *testing.T) {
	t.Parallel()
	w := newMemberWorld(t)
	ctx := context.Background()
	m := w.member(t, "AGE_25_PLUS")
	other := w.member(t, "AGE_25_PLUS")
	reasons := func(org int64) map[int64]string {
		t.Helper()
		got, err := w.st.MemberAccess(ctx, org, []int64{m.ID, other.ID, 987654321})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	step := func(name string, holder string) {
		t.Helper()
		want := map[int64]string{m.ID: holder, other.ID: ""}
		if d := cmp.Diff(want, reasons(w.holder.OrgID)); d != "" {
			t.Errorf("%s: holder's reasons (-want +got):\n%s", name, d)
		}
		if d := cmp.Diff(map[int64]string{m.ID: store.ReasonOwner, other.ID: store.ReasonOwner}, reasons(w.owner.OrgID)); d != "" {
			t.Errorf("%s: owner's reasons (-want +got):\n%s", name, d)
		}
		if d := cmp.Diff(map[int64]string{m.ID: "", other.ID: ""}, reasons(w.stranger.OrgID)); d != "" {
			t.Errorf("%s: stranger's reasons (-want +got):\n%s", name, d)
		}
	}
	step("not shared", "")
	must(t, w.st, w.owner, func(tx *store.Tx) (*models.Member, error) { return tx.ShareMember(m.ID, w.holder.OrgID) })
	step("shared", store.ReasonHolder)
	r := must(t, w.st, w.holder, func(tx *store.Tx) (*models.Registration, error) { return tx.RegisterForEvent(w.event, m.ID) })
	step("registered", store.ReasonOrganizer)
	must(t, w.st, w.holder, func(tx *store.Tx) (*models.Member, error) { return tx.JoinNetwork(m.ID, w.network) })
	step("registered and enrolled", store.ReasonCoordinator)
	must(t, w.st, w.holder, func(tx *store.Tx) (*models.Registration, error) { return tx.CancelRegistration(r.ID) })
	step("enrolled", store.ReasonCoordinator)
	must(t, w.st, w.holder, func(tx *store.Tx) (*models.Member, error) { return tx.LeaveNetwork(m.ID, w.network) })
	step("left", store.ReasonHolder)
	must(t, w.st, w.owner, func(tx *store.Tx) (*models.Member, error) { return tx.UnshareMember(m.ID, w.holder.OrgID) })
	step("unshared", "")
	if got, err := w.st.MemberAccess(ctx, w.owner.OrgID, nil); err != nil || len(got) != 0 {
		t.Errorf("access to no members: %v, %v", got, err)
	}
	for reason, sees := range map[string]bool{store.ReasonOwner: true, store.ReasonCoordinator: true, store.ReasonOrganizer: true, store.ReasonHolder: false, "": false} {
		if store.SeesPersonalData(reason) != sees {
			t.Errorf("SeesPersonalData(%q) = %t", reason, !sees)
		}
	}
}

// TestMemberReadsAreLoggedAndSummed logs reads of two members by two organizations and reads
// the summary back: one row per organization, latest reader first, reasons distinct.
func TestMemberReadsAreLoggedAndSummed(t *testing.T) {
	t.Parallel()
	w := newMemberWorld(t)
	ctx := context.Background()
	a, b := w.member(t, "AGE_25_PLUS"), w.member(t, "AGE_25_PLUS")
	log := func(c auth.Caller, reads ...store.MemberRead) {
		t.Helper()
		if err := w.st.LogMemberReads(ctx, c, "req-1", reads); err != nil {
			t.Fatal(err)
		}
	}
	log(w.owner, store.MemberRead{MemberID: a.ID, Reason: store.ReasonOwner}, store.MemberRead{MemberID: b.ID, Reason: store.ReasonOwner})
	log(w.owner, store.MemberRead{MemberID: a.ID, Reason: store.ReasonOwner})
	log(w.holder, store.MemberRead{MemberID: a.ID, Reason: store.ReasonOrganizer}, store.MemberRead{MemberID: a.ID, Reason: store.ReasonCoordinator})
	log(w.holder) // nothing read, nothing logged
	if err := w.st.LogMemberReads(ctx, auth.Caller{}, "", []store.MemberRead{{MemberID: a.ID, Reason: store.ReasonOwner}}); err == nil {
		t.Error("an anonymous caller's reads were logged")
	}
	if err := w.st.LogMemberReads(ctx, w.owner, "", []store.MemberRead{{MemberID: 987654321, Reason: store.ReasonOwner}}); err == nil {
		t.Error("a read of a member that does not exist was logged")
	}
	got, err := w.st.MemberReaders(ctx, []int64{a.ID, b.ID, 987654321})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64][]*models.MemberReader{
		a.ID: {
			{MemberID: a.ID, OrganizationID: w.holder.OrgID, Reads: 2, Reasons: models.StringList{store.ReasonOrganizer, store.ReasonCoordinator}},
			{MemberID: a.ID, OrganizationID: w.owner.OrgID, Reads: 2, Reasons: models.StringList{store.ReasonOwner}},
		},
		b.ID: {{MemberID: b.ID, OrganizationID: w.owner.OrgID, Reads: 1, Reasons: models.StringList{store.ReasonOwner}}},
	}
	if d := cmp.Diff(want, got, cmpIgnoreTimes); d != "" {
		t.Errorf("readers (-want +got):\n%s", d)
	}
}
