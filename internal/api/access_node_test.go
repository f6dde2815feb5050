package api_test

import (
	"testing"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
)

// TestKeysAndAuditEntriesAreNodesForTheirAdminsOnly reaches an API key and an audit entry by
// node(id): their organization's admin sees them, anyone else gets null.
func TestKeysAndAuditEntriesAreNodesForTheirAdminsOnly(t *testing.T) {
	t.Parallel()
	st := dbtest.Seeded(t)
	admin := apitest.New(st).As(apitest.Key(t, st, "mtv-exit", "ADMIN"))
	var made struct {
		M struct{ APIKey struct{ ID string } }
	}
	admin.Query(t, `mutation { m: createApiKey(input: {role: VIEWER}) { apiKey { id } } }`, nil).MustData(t, &made)
	var log struct {
		AuditLog struct{ Nodes []struct{ ID string } }
	}
	admin.Query(t, `{ auditLog(first: 1) { nodes { id } } }`, nil).MustData(t, &log)
	if made.M.APIKey.ID == "" || len(log.AuditLog.Nodes) != 1 {
		t.Fatalf("setup: key %q, audit entries %d", made.M.APIKey.ID, len(log.AuditLog.Nodes))
	}
	ids := map[string]any{"key": made.M.APIKey.ID, "entry": log.AuditLog.Nodes[0].ID}
	const q = `query($key: ID!, $entry: ID!) { key: node(id: $key) { id } entry: node(id: $entry) { id } }`
	for name, tc := range map[string]struct {
		c    *apitest.Client
		seen bool
	}{
		"the organization's admin":     {admin, true},
		"the organization's editor":    {admin.As(apitest.Key(t, st, "mtv-exit", "EDITOR")), false},
		"another organization's admin": {admin.As(apitest.Key(t, st, "usaid", "ADMIN")), false},
		"anonymous":                    {admin.As(""), false},
	} {
		var got struct{ Key, Entry *struct{ ID string } }
		tc.c.Query(t, q, ids).MustData(t, &got)
		if (got.Key != nil) != tc.seen || (got.Entry != nil) != tc.seen {
			t.Errorf("%s: key %v, entry %v; want seen=%v", name, got.Key, got.Entry, tc.seen)
		}
	}
}
