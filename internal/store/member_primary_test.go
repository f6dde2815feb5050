package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"campaigns/internal/metrics"
	"campaigns/internal/replicatest"
	"campaigns/internal/store"
)

// TestMembersAreReadOnThePrimary: with the replica's replay paused, a member erased and a
// share withdrawn on the primary are read as erased and withdrawn by an operation that may
// read a replica, while the same operation's public reads went to the replica and still
// see the past. A lagging replica must never show a young person's data that its
// organization has taken back.
func TestMembersAreReadOnThePrimary(t *testing.T) {
	c := replicatest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	st, conn := replicated(ctx, t, c, "campaigns_member_primary", store.Options{ReplicaMaxLag: time.Hour})
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := conn.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	var owner, holder, member int64
	exec("INSERT INTO countries (code, name) VALUES ('MM', 'Myanmar')")
	for _, o := range []struct {
		slug string
		id   *int64
	}{{"owner-ngo", &owner}, {"holder-ngo", &holder}} {
		if err := conn.QueryRow(ctx, "INSERT INTO organizations (slug, name, kind) VALUES ($1, $1, 'CIVIL_SOCIETY') RETURNING id", o.slug).Scan(o.id); err != nil {
			t.Fatal(err)
		}
	}
	if err := conn.QueryRow(ctx, `INSERT INTO members (display_name, age_band, organization_id)
		VALUES ('Thiri', 'AGE_13_15', $1) RETURNING id`, owner).Scan(&member); err != nil {
		t.Fatal(err)
	}
	exec("INSERT INTO member_shares (member_id, organization_id) VALUES ($1, $2)", member, holder)
	c.WaitStreaming(t)
	replica := fmt.Sprintf("127.0.0.1:%d", c.Replica.Port())
	waitUp(t, replica, 1)

	c.Pause()
	defer c.Resume()
	exec("UPDATE countries SET name = 'Myanmar (renamed)' WHERE code = 'MM'")
	exec("DELETE FROM member_shares WHERE member_id = $1", member)
	exec("UPDATE members SET display_name = NULL, erased_at = now() WHERE id = $1", member)

	onReplica := func() float64 { return testutil.ToFloat64(metrics.Reads.WithLabelValues("replica", replica)) }
	for _, tc := range []struct {
		name string
		read func(ctx context.Context) (string, error)
		want string
	}{
		{"the member", func(ctx context.Context) (string, error) {
			m, err := st.MembersByID(ctx, []int64{member})
			if err != nil || m[member] == nil {
				return "", err
			}
			if m[member].ErasedAt == nil {
				return "not erased", nil
			}
			return "erased", nil
		}, "erased"},
		{"the holder's access", func(ctx context.Context) (string, error) {
			a, err := st.MemberAccess(ctx, holder, []int64{member})
			return fmt.Sprintf("%q", a[member]), err
		}, `""`},
		{"the member's shares", func(ctx context.Context) (string, error) {
			s, err := st.MemberShares(ctx, []int64{member})
			return fmt.Sprint(len(s[member]), " shares"), err
		}, "0 shares"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			op := store.WithReads(ctx, new(store.Reads))
			before := onReplica()
			m, err := st.CountriesByCode(op, []string{"MM"})
			if err != nil || m["MM"] == nil || m["MM"].Name != "Myanmar" || onReplica() <= before {
				t.Fatalf("the operation's public read: %v, %v (%v reads on the replica before, %v after); want the paused replica's Myanmar",
					m, err, before, onReplica())
			}
			got, err := tc.read(op)
			if err != nil || got != tc.want {
				t.Errorf("%s read %s, %v; want %s, as the primary has it", tc.name, got, err, tc.want)
			}
			// The rest of the operation stays on the primary: nothing it shows goes back in time.
			if m, err := st.CountriesByCode(op, []string{"MM"}); err != nil || m["MM"] == nil || m["MM"].Name != "Myanmar (renamed)" {
				t.Errorf("after %s, the operation read %v, %v; want the primary's renamed country", tc.name, m, err)
			}
		})
	}
}
