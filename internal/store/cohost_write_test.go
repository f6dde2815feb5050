package store_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"campaigns/internal/dbtest"
)

// TestMigrationMakesUnaskedCoHostsInvitations runs migration 00010 over co-hosts written
// before it: one that createEvent named (its audit entry lists it), which becomes a pending
// invitation and stops co-hosting, and one the seed loaded (no entry), which stays.
func TestMigrationMakesUnaskedCoHostsInvitations(t *testing.T) {
	t.Parallel()
	st, url := dbtest.NewWithURL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// Migrate down to just before 00010, however many migrations came after it.
	for {
		var version int64
		if err := conn.QueryRow(ctx, `SELECT max(version_id) FROM goose_db_version WHERE is_applied`).Scan(&version); err != nil {
			t.Fatal(err)
		}
		if version < 10 {
			break
		}
		if err := st.MigrateDown(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var organizer, asked, seeded, eventID int64
	steps := []struct {
		sql  string
		args []any
		into *int64
	}{
		{`INSERT INTO organizations (slug, name, kind) VALUES ('organizer', 'Organizer', 'CIVIL_SOCIETY') RETURNING id`, nil, &organizer},
		{`INSERT INTO organizations (slug, name, kind) VALUES ('unasked', 'Unasked', 'CIVIL_SOCIETY') RETURNING id`, nil, &asked},
		{`INSERT INTO organizations (slug, name, kind) VALUES ('seeded', 'Seeded', 'MEDIA') RETURNING id`, nil, &seeded},
	}
	for _, s := range steps {
		if err := conn.QueryRow(ctx, s.sql, s.args...).Scan(s.into); err != nil {
			t.Fatalf("%s: %v", s.sql, err)
		}
	}
	var campaign int64
	if err := conn.QueryRow(ctx, `INSERT INTO campaigns (slug, name, status, owner_id) VALUES ('c', 'C', 'ACTIVE', $1) RETURNING id`, organizer).Scan(&campaign); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, `INSERT INTO events (campaign_id, title, kind, status, starts_at, organizer_id)
		VALUES ($1, 'E', 'CONCERT', 'SCHEDULED', now(), $2) RETURNING id`, campaign, organizer).Scan(&eventID); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `INSERT INTO event_cohosts (event_id, organization_id, can_edit) VALUES ($1, $2, true), ($1, $3, false)`,
		eventID, asked, seeded); err != nil {
		t.Fatal(err)
	}
	// createEvent's audit entry as it was written before the migration: the event with its
	// co-hosts; and a later entry that lists none.
	if _, err := conn.Exec(ctx, `INSERT INTO audit_log (action, entity_type, entity_id, after, organization_id)
		VALUES ('createEvent', 'Event', 'RXZlbnQ6MQ', jsonb_build_object('ID', $1::bigint, 'Title', 'E',
			'CoHosts', jsonb_build_array(jsonb_build_object('EventID', $1::bigint, 'OrganizationID', $2::bigint, 'CanEdit', true))), $3),
		('updateEvent', 'Event', 'RXZlbnQ6MQ', '{"Title": "E"}', $3)`, eventID, asked, organizer); err != nil {
		t.Fatal(err)
	}
	if _, err := st.MigrateUp(ctx); err != nil {
		t.Fatal(err)
	}
	var hosts []int64
	rows, err := conn.Query(ctx, `SELECT organization_id FROM event_cohosts WHERE event_id = $1 ORDER BY organization_id`, eventID)
	if err != nil {
		t.Fatal(err)
	}
	if hosts, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
		t.Fatal(err)
	}
	if len(hosts) != 1 || hosts[0] != seeded {
		t.Errorf("co-hosts after the migration: %v, want only the seeded %d", hosts, seeded)
	}
	var org, by int64
	var status string
	var canEdit bool
	err = conn.QueryRow(ctx, `SELECT organization_id, status, can_edit, invited_by FROM cohost_invitations WHERE event_id = $1`, eventID).
		Scan(&org, &status, &canEdit, &by)
	if err != nil {
		t.Fatal(err)
	}
	if org != asked || status != "PENDING" || !canEdit || by != organizer {
		t.Errorf("invitation: organization %d, %s, can edit %v, invited by %d; want %d PENDING, true, by %d", org, status, canEdit, by, asked, organizer)
	}
}
