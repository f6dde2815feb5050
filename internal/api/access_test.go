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
	"campaigns/internal/auth"
	"campaigns/internal/dbtest"
	"campaigns/internal/seed"
	"campaigns/internal/store"
)

// dbValue runs one query on the database at url and scans its single row into dest.
func dbValue(t *testing.T, url string, sql string, args []any, dest ...any) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, sql, args...).Scan(dest...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// dbCount counts the rows of a query's FROM and WHERE, such as `campaigns WHERE slug = $1`.
func dbCount(t *testing.T, url, fromWhere string, args ...any) int {
	t.Helper()
	var n int
	dbValue(t, url, "SELECT count(*) FROM "+fromWhere, args, &n)
	return n
}

// keyID returns the database ID of the key whose secret is given.
func keyID(t *testing.T, st *store.Store, orgSlug, secret string) int64 {
	t.Helper()
	keys, err := st.APIKeysOf(context.Background(), orgSlug)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if strings.HasPrefix(secret, k.Prefix) {
			return k.ID
		}
	}
	t.Fatalf("no key of %s has the prefix of the secret", orgSlug)
	return 0
}

// keyPrefix is what the API shows of a secret.
func keyPrefix(secret string) string { return secret[:len("cpk_")+6] }

// writesNothing runs send and checks that the database is unchanged, row for row. The
// client's key is used just before the first snapshot, so that its last use, recorded at
// most once a minute, is not what the snapshots catch.
func writesNothing(t *testing.T, c *apitest.Client, url string, send func()) {
	t.Helper()
	c.Query(t, `{ viewer { role } }`, nil)
	before := dbtest.Snapshot(t, url)
	send()
	if diff := cmp.Diff(before, dbtest.Snapshot(t, url)); diff != "" {
		t.Errorf("a refused request changed the database (-before +after):\n%s", diff)
	}
}

// refusedWithoutWrites sends a request that must be refused with code, and checks that it
// wrote nothing.
func refusedWithoutWrites(t *testing.T, c *apitest.Client, url, code, query string, vars map[string]any) {
	t.Helper()
	writesNothing(t, c, url, func() {
		res := c.Query(t, query, vars)
		if got := res.ErrorCode(t); got != code {
			t.Errorf("code %s, want %s (%v)", got, code, res.Errors)
		}
	})
}

const viewerQuery = `{ viewer { role organization { slug }
	apiKey { id prefix role revokedAt lastUsedAt organization { slug } } } }`

type viewerData struct {
	Viewer *struct {
		Role         string
		Organization struct{ Slug string }
		APIKey       struct {
			ID, Prefix, Role string
			RevokedAt        *string
			LastUsedAt       *string
			Organization     struct{ Slug string }
		} `json:"apiKey"`
	}
}

// TestBadKeysAreRefusedNotAnonymous sends keys that are malformed, unknown or revoked with a
// query an anonymous caller may make: each is answered 401 UNAUTHENTICATED with no data,
// so that a partner whose key stopped working is told so rather than seeing less.
func TestBadKeysAreRefusedNotAnonymous(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	c := apitest.New(st)
	const query = `{ viewer { role } countries { totalCount } }`
	if res := c.Query(t, query, nil); res.Status != 200 || len(res.Errors) > 0 {
		t.Fatalf("anonymous baseline: status %d, errors %v", res.Status, res.Errors)
	}

	revokedByCLI := apitest.Key(t, st, "org-a", "EDITOR")
	if _, err := st.RevokeAPIKeyByPrefix(context.Background(), keyPrefix(revokedByCLI)); err != nil {
		t.Fatal(err)
	}
	admin := apitest.Key(t, st, "org-a", "ADMIN")
	revokedByAdmin := apitest.Key(t, st, "org-a", "VIEWER")
	if res := c.As(revokedByAdmin).Query(t, query, nil); res.Status != 200 || len(res.Errors) > 0 {
		t.Fatalf("the key works before it is revoked: status %d, errors %v", res.Status, res.Errors)
	}
	var revoked struct {
		RevokeAPIKey struct {
			APIKey struct{ RevokedAt *string } `json:"apiKey"`
		} `json:"revokeApiKey"`
	}
	c.As(admin).Query(t, `mutation($id: ID!) { revokeApiKey(input: {id: $id}) { apiKey { revokedAt } } }`,
		map[string]any{"id": apiKeyGlobalID(t, st, "org-a", revokedByAdmin)}).MustData(t, &revoked)
	if revoked.RevokeAPIKey.APIKey.RevokedAt == nil {
		t.Fatal("revokeApiKey did not answer with a revocation time")
	}
	unknown, _, _ := auth.NewKey()

	for _, tc := range []struct{ name, header string }{
		{"another scheme", "Basic dXNlcjpwYXNz"},
		{"bearer without a key", "Bearer"},
		{"bearer with blanks", "Bearer    "},
		{"key too short", "Bearer cpk_abc"},
		{"key not base64", "Bearer cpk_" + strings.Repeat("!", 43)},
		{"someone else's key format", "Bearer sk_live_" + strings.Repeat("a", 43)},
		{"unknown key", "Bearer " + unknown},
		{"key revoked on the command line", "Bearer " + revokedByCLI},
		{"key revoked by an admin", "Bearer " + revokedByAdmin},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := c.WithHeader("Authorization", tc.header).Query(t, query, nil)
			if res.Status != 401 {
				t.Errorf("status %d, want 401", res.Status)
			}
			if code := res.ErrorCode(t); code != "UNAUTHENTICATED" {
				t.Errorf("code %s, want UNAUTHENTICATED", code)
			}
			if len(res.Data) > 0 && string(res.Data) != "null" {
				t.Errorf("answered with data as if anonymous: %s", res.Data)
			}
		})
	}
}

// apiKeyGlobalID returns the global ID of the key whose secret is given.
func apiKeyGlobalID(t *testing.T, st *store.Store, orgSlug, secret string) string {
	t.Helper()
	keys, err := st.APIKeysByID(context.Background(), []int64{keyID(t, st, orgSlug, secret)})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		return k.GlobalID()
	}
	t.Fatal("key not found")
	return ""
}

// TestKeyUseIsRecorded checks that a request records when its key was used.
func TestKeyUseIsRecorded(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	c := apitest.New(st)
	key := apitest.Key(t, st, "org-a", "VIEWER")
	lastUsed := func() *time.Time {
		keys, err := st.APIKeysByID(context.Background(), []int64{keyID(t, st, "org-a", key)})
		if err != nil || len(keys) != 1 {
			t.Fatalf("load key: %v", err)
		}
		for _, k := range keys {
			return k.LastUsedAt
		}
		return nil
	}
	if lastUsed() != nil {
		t.Fatal("a new key has a last use")
	}
	start := time.Now().Add(-time.Second)
	var got viewerData
	c.As(key).Query(t, viewerQuery, nil).MustData(t, &got)
	used := lastUsed()
	if used == nil || used.Before(start) {
		t.Fatalf("last use %v, want a time after %v", used, start)
	}
	if got.Viewer == nil || got.Viewer.APIKey.LastUsedAt == nil {
		t.Fatalf("viewer.apiKey.lastUsedAt is not set: %+v", got.Viewer)
	}
}

// TestViewerPerRole asks every kind of caller who it is.
func TestViewerPerRole(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	c := apitest.New(st)
	var anon viewerData
	c.Query(t, viewerQuery, nil).MustData(t, &anon)
	if anon.Viewer != nil {
		t.Errorf("an anonymous caller's viewer is %+v, want null", anon.Viewer)
	}
	for _, tc := range []struct{ org, role string }{
		{"org-a", "VIEWER"}, {"org-a", "EDITOR"}, {"org-a", "ADMIN"}, {"org-b", "ADMIN"}, {"operator", "PLATFORM"},
	} {
		t.Run(tc.org+" "+tc.role, func(t *testing.T) {
			key := apitest.Key(t, st, tc.org, tc.role)
			var got viewerData
			c.As(key).Query(t, viewerQuery, nil).MustData(t, &got)
			v := got.Viewer
			if v == nil {
				t.Fatal("viewer is null for a caller with a key")
			}
			if v.Role != tc.role || v.Organization.Slug != tc.org {
				t.Errorf("viewer is %s of %s, want %s of %s", v.Role, v.Organization.Slug, tc.role, tc.org)
			}
			k := v.APIKey
			if k.Prefix != keyPrefix(key) || k.Role != tc.role || k.Organization.Slug != tc.org || k.RevokedAt != nil {
				t.Errorf("apiKey %+v does not describe the key in use (%s, %s of %s)", k, keyPrefix(key), tc.role, tc.org)
			}
			if k.ID != apiKeyGlobalID(t, st, tc.org, key) {
				t.Errorf("apiKey.id %s is not the key's global ID", k.ID)
			}
		})
	}
}

const apiKeysQuery = `query($first: Int, $after: String) { apiKeys(first: $first, after: $after) {
	totalCount pageInfo { hasNextPage endCursor } nodes { prefix role organization { slug } } } }`

type apiKeysData struct {
	APIKeys *struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage bool
			EndCursor   *string
		}
		Nodes []struct {
			Prefix, Role string
			Organization struct{ Slug string }
		}
	} `json:"apiKeys"`
}

// TestAPIKeysPerRole lists keys as every kind of caller: only admins see them, and only
// their own organization's.
func TestAPIKeysPerRole(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	c := apitest.New(st)
	keys := map[string]string{
		"A viewer": apitest.Key(t, st, "org-a", "VIEWER"),
		"A editor": apitest.Key(t, st, "org-a", "EDITOR"),
		"A admin":  apitest.Key(t, st, "org-a", "ADMIN"),
		"B admin":  apitest.Key(t, st, "org-b", "ADMIN"),
	}
	for _, tc := range []struct {
		caller, code string
		want         []string // prefixes, oldest first
	}{
		{"anonymous", "UNAUTHENTICATED", nil},
		{"A viewer", "FORBIDDEN", nil},
		{"A editor", "FORBIDDEN", nil},
		{"A admin", "", []string{keyPrefix(keys["A viewer"]), keyPrefix(keys["A editor"]), keyPrefix(keys["A admin"])}},
		{"B admin", "", []string{keyPrefix(keys["B admin"])}},
	} {
		t.Run(tc.caller, func(t *testing.T) {
			res := c.As(keys[tc.caller]).Query(t, apiKeysQuery, nil)
			if tc.code != "" {
				if code := res.ErrorCode(t); code != tc.code {
					t.Errorf("code %s, want %s", code, tc.code)
				}
				if strings.Contains(string(res.Data), "cpk_") {
					t.Errorf("a refused caller saw keys: %s", res.Data)
				}
				return
			}
			var got apiKeysData
			res.MustData(t, &got)
			var prefixes []string
			for _, n := range got.APIKeys.Nodes {
				prefixes = append(prefixes, n.Prefix)
			}
			if diff := cmp.Diff(tc.want, prefixes); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
			if got.APIKeys.TotalCount != len(tc.want) {
				t.Errorf("totalCount %d, want %d", got.APIKeys.TotalCount, len(tc.want))
			}
		})
	}

	// Pages of the admin's list join up to the whole list.
	admin := c.As(keys["A admin"])
	var first, second apiKeysData
	admin.Query(t, apiKeysQuery, map[string]any{"first": 2}).MustData(t, &first)
	if len(first.APIKeys.Nodes) != 2 || !first.APIKeys.PageInfo.HasNextPage {
		t.Fatalf("first page: %+v", first.APIKeys)
	}
	admin.Query(t, apiKeysQuery, map[string]any{"first": 2, "after": first.APIKeys.PageInfo.EndCursor}).MustData(t, &second)
	if len(second.APIKeys.Nodes) != 1 || second.APIKeys.PageInfo.HasNextPage || second.APIKeys.Nodes[0].Prefix != keyPrefix(keys["A admin"]) {
		t.Fatalf("second page: %+v", second.APIKeys)
	}
}

const createCampaignMutation = `mutation($in: CreateCampaignInput!) { createCampaign(input: $in) {
	campaign { id version } userErrors { field code message } clientMutationId } }`

type createCampaignData struct {
	CreateCampaign struct {
		Campaign *struct {
			ID      string
			Version int
		}
		UserErrors []struct {
			Field         []string
			Code, Message string
		}
		ClientMutationID *string
	}
}

// createCampaign creates a campaign as the client and returns its global ID.
func createCampaign(t *testing.T, c *apitest.Client, slug, name string) string {
	t.Helper()
	var got createCampaignData
	c.Query(t, createCampaignMutation, map[string]any{"in": map[string]any{"slug": slug, "name": name}}).MustData(t, &got)
	if got.CreateCampaign.Campaign == nil {
		t.Fatalf("createCampaign %s: %+v", slug, got.CreateCampaign.UserErrors)
	}
	return got.CreateCampaign.Campaign.ID
}

const auditLogQuery = `query($first: Int, $after: String, $filter: AuditLogFilter) {
	auditLog(first: $first, after: $after, filter: $filter) {
		totalCount pageInfo { hasNextPage endCursor }
		nodes { id at action entityType entityId apiKeyPrefix before after requestId } } }`

type auditEntry struct {
	ID, At, Action, EntityType, EntityID string
	APIKeyPrefix                         *string
	Before, After                        map[string]any
	RequestID                            *string
}

type auditLogData struct {
	AuditLog *struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage bool
			EndCursor   *string
		}
		Nodes []auditEntry
	}
}

// TestAuditLogPerRole reads the audit log as every kind of caller after two organizations
// have written: only admins read it, each its own organization's writes, newest first,
// with who wrote, with which key, what, when, and the record before and after.
func TestAuditLogPerRole(t *testing.T) {
	t.Parallel()
	st, url := dbtest.NewWithURL(t)
	c := apitest.New(st)
	keys := map[string]string{
		"A viewer": apitest.Key(t, st, "org-a", "VIEWER"),
		"A editor": apitest.Key(t, st, "org-a", "EDITOR"),
		"A admin":  apitest.Key(t, st, "org-a", "ADMIN"),
		"B editor": apitest.Key(t, st, "org-b", "EDITOR"),
		"B admin":  apitest.Key(t, st, "org-b", "ADMIN"),
	}
	start := time.Now().Add(-time.Second)
	campaignA := createCampaign(t, c.As(keys["A editor"]), "a-campaign", "Old name")
	var updated struct {
		UpdateCampaign struct{ Campaign struct{ Name string } }
	}
	c.As(keys["A editor"]).Query(t, `mutation($id: ID!) { updateCampaign(input: {id: $id, expectedVersion: 1, name: "New name"}) {
		campaign { name } } }`, map[string]any{"id": campaignA}).MustData(t, &updated)
	if updated.UpdateCampaign.Campaign.Name != "New name" {
		t.Fatalf("update did not apply: %+v", updated)
	}
	campaignB := createCampaign(t, c.As(keys["B editor"]), "b-campaign", "B's campaign")
	end := time.Now().Add(time.Second)

	for _, tc := range []struct{ caller, code string }{
		{"anonymous", "UNAUTHENTICATED"}, {"A viewer", "FORBIDDEN"}, {"A editor", "FORBIDDEN"}, {"B editor", "FORBIDDEN"},
	} {
		t.Run(tc.caller, func(t *testing.T) {
			res := c.As(keys[tc.caller]).Query(t, auditLogQuery, nil)
			if code := res.ErrorCode(t); code != tc.code {
				t.Errorf("code %s, want %s", code, tc.code)
			}
			if strings.Contains(string(res.Data), "Campaign") {
				t.Errorf("a refused caller saw entries: %s", res.Data)
			}
		})
	}

	t.Run("A admin", func(t *testing.T) {
		var got auditLogData
		c.As(keys["A admin"]).Query(t, auditLogQuery, nil).MustData(t, &got)
		log := got.AuditLog
		if log.TotalCount != 2 || len(log.Nodes) != 2 {
			t.Fatalf("A's log has %d entries (total %d), want 2: %+v", len(log.Nodes), log.TotalCount, log.Nodes)
		}
		update, create := log.Nodes[0], log.Nodes[1]
		if update.Action != "updateCampaign" || create.Action != "createCampaign" {
			t.Fatalf("actions %s, %s; want updateCampaign then createCampaign, newest first", update.Action, create.Action)
		}
		for _, e := range log.Nodes {
			if e.EntityType != "Campaign" || e.EntityID != campaignA {
				t.Errorf("%s is about %s %s, want Campaign %s", e.Action, e.EntityType, e.EntityID, campaignA)
			}
			if e.APIKeyPrefix == nil || *e.APIKeyPrefix != keyPrefix(keys["A editor"]) {
				t.Errorf("%s names key %v, want the editor's %s", e.Action, e.APIKeyPrefix, keyPrefix(keys["A editor"]))
			}
			at, err := time.Parse(time.RFC3339Nano, e.At)
			if err != nil || at.Before(start) || at.After(end) {
				t.Errorf("%s at %q, want a time of the test (%v)", e.Action, e.At, err)
			}
			if e.RequestID == nil || *e.RequestID == "" {
				t.Errorf("%s has no request id", e.Action)
			}
		}
		if create.Before != nil || create.After["Name"] != "Old name" {
			t.Errorf("creation: before %v, after name %v; want null and Old name", create.Before, create.After["Name"])
		}
		if update.Before["Name"] != "Old name" || update.After["Name"] != "New name" {
			t.Errorf("update: name %v → %v, want Old name → New name", update.Before["Name"], update.After["Name"])
		}
		if update.Before["Version"] != 1.0 || update.After["Version"] != 2.0 {
			t.Errorf("update: version %v → %v, want 1 → 2", update.Before["Version"], update.After["Version"])
		}
		// The key is recorded by ID as well as shown by prefix.
		var stored int64
		dbValue(t, url, `SELECT api_key_id FROM audit_log WHERE action = 'updateCampaign'`, nil, &stored)
		if want := keyID(t, st, "org-a", keys["A editor"]); stored != want {
			t.Errorf("audit_log.api_key_id %d, want %d", stored, want)
		}
	})

	t.Run("B admin", func(t *testing.T) {
		var got auditLogData
		c.As(keys["B admin"]).Query(t, auditLogQuery, nil).MustData(t, &got)
		if n := got.AuditLog.Nodes; len(n) != 1 || n[0].EntityID != campaignB || n[0].APIKeyPrefix == nil || *n[0].APIKeyPrefix != keyPrefix(keys["B editor"]) {
			t.Errorf("B's log: %+v, want only B's creation by B's editor", n)
		}
	})

	t.Run("filters and pages", func(t *testing.T) {
		admin := c.As(keys["A admin"])
		for _, tc := range []struct {
			name    string
			filter  map[string]any
			actions []string
		}{
			{"by record", map[string]any{"entity": campaignA}, []string{"updateCampaign", "createCampaign"}},
			{"by action", map[string]any{"action": []string{"updateCampaign"}}, []string{"updateCampaign"}},
			{"by record and action", map[string]any{"entity": campaignA, "action": []string{"createCampaign", "archiveCampaign"}}, []string{"createCampaign"}},
			{"another organization's record", map[string]any{"entity": campaignB}, nil},
		} {
			var got auditLogData
			admin.Query(t, auditLogQuery, map[string]any{"filter": tc.filter}).MustData(t, &got)
			var actions []string
			for _, n := range got.AuditLog.Nodes {
				actions = append(actions, n.Action)
			}
			if diff := cmp.Diff(tc.actions, actions); diff != "" || got.AuditLog.TotalCount != len(tc.actions) {
				t.Errorf("%s: total %d, actions (-want +got):\n%s", tc.name, got.AuditLog.TotalCount, diff)
			}
		}
		if code := admin.Query(t, auditLogQuery, map[string]any{"filter": map[string]any{"entity": "not an id!"}}).ErrorCode(t); code != "BAD_USER_INPUT" {
			t.Errorf("a malformed entity ID: code %s, want BAD_USER_INPUT", code)
		}
		var p1, p2 auditLogData
		admin.Query(t, auditLogQuery, map[string]any{"first": 1}).MustData(t, &p1)
		admin.Query(t, auditLogQuery, map[string]any{"first": 1, "after": p1.AuditLog.PageInfo.EndCursor}).MustData(t, &p2)
		if len(p1.AuditLog.Nodes) != 1 || len(p2.AuditLog.Nodes) != 1 || !p1.AuditLog.PageInfo.HasNextPage || p2.AuditLog.PageInfo.HasNextPage ||
			p1.AuditLog.Nodes[0].Action != "updateCampaign" || p2.AuditLog.Nodes[0].Action != "createCampaign" {
			t.Errorf("pages of one: %+v then %+v", p1.AuditLog, p2.AuditLog)
		}
		if code := admin.Query(t, `query($after: String) { apiKeys(after: $after) { totalCount } }`,
			map[string]any{"after": p1.AuditLog.PageInfo.EndCursor}).ErrorCode(t); code != "BAD_USER_INPUT" {
			t.Errorf("an audit log cursor given to apiKeys: code %s, want BAD_USER_INPUT", code)
		}
	})
}

// TestAuditKeyPrefixesAreBatched reads a page of entries written by several keys: the keys'
// prefixes are loaded together, not once per entry.
func TestAuditKeyPrefixesAreBatched(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	c := apitest.New(st)
	admin := apitest.Key(t, st, "org-a", "ADMIN")
	editors := []string{apitest.Key(t, st, "org-a", "EDITOR"), apitest.Key(t, st, "org-a", "EDITOR"), apitest.Key(t, st, "org-a", "EDITOR")}
	for i := range 12 {
		createCampaign(t, c.As(editors[i%3]), "campaign-"+string(rune('a'+i)), "Campaign")
	}
	var got auditLogData
	res := c.As(admin).Query(t, `{ auditLog(first: 50) { nodes { action apiKeyPrefix } } }`, nil)
	res.MustData(t, &got)
	seen := map[string]int{}
	for _, n := range got.AuditLog.Nodes {
		if n.APIKeyPrefix == nil {
			t.Fatalf("an entry without its key: %+v", n)
		}
		seen[*n.APIKeyPrefix]++
	}
	if len(got.AuditLog.Nodes) != 12 || len(seen) != 3 {
		t.Fatalf("%d entries by %d keys, want 12 by 3", len(got.AuditLog.Nodes), len(seen))
	}
	// The key lookup, the page, and one batch of keys, read ahead for the whole page (the
	// relation table, internal/loader): a lookup per entry would be 14.
	if res.Statements != 3 {
		t.Errorf("%d statements for a page of 12 entries; the keys are not batched", res.Statements)
	}
}

// TestCreateAndRevokeAPIKeys manages keys through the API: admins only, platform keys only
// by a platform key, the secret shown once, and a revoked key refused at once.
func TestCreateAndRevokeAPIKeys(t *testing.T) {
	t.Parallel()
	st, url := dbtest.NewWithURL(t)
	c := apitest.New(st)
	keys := map[string]string{
		"A viewer": apitest.Key(t, st, "org-a", "VIEWER"),
		"A editor": apitest.Key(t, st, "org-a", "EDITOR"),
		"A admin":  apitest.Key(t, st, "org-a", "ADMIN"),
		"B admin":  apitest.Key(t, st, "org-b", "ADMIN"),
		"platform": apitest.Key(t, st, "operator", "PLATFORM"),
	}
	const create = `mutation($in: CreateApiKeyInput!) { createApiKey(input: $in) {
		apiKey { id prefix role name organization { slug } } secret userErrors { field code } clientMutationId } }`
	type created struct {
		CreateAPIKey struct {
			APIKey *struct {
				ID, Prefix, Role string
				Name             *string
				Organization     struct{ Slug string }
			} `json:"apiKey"`
			Secret     *string
			UserErrors []struct {
				Field []string
				Code  string
			}
			ClientMutationID *string
		} `json:"createApiKey"`
	}
	editorInput := map[string]any{"in": map[string]any{"role": "EDITOR", "name": "field office", "clientMutationId": "m1"}}

	for _, tc := range []struct{ caller, code string }{
		{"anonymous", "UNAUTHENTICATED"}, {"A viewer", "FORBIDDEN"}, {"A editor", "FORBIDDEN"},
	} {
		t.Run("create as "+tc.caller, func(t *testing.T) {
			refusedWithoutWrites(t, c.As(keys[tc.caller]).WithHeader("Idempotency-Key", "create-"+tc.caller), url, tc.code, create, editorInput)
		})
	}

	t.Run("an admin creates a platform key", func(t *testing.T) {
		admin := c.As(keys["A admin"])
		writesNothing(t, admin, url, func() {
			var got created
			admin.Query(t, create, map[string]any{"in": map[string]any{"role": "PLATFORM"}}).MustData(t, &got)
			p := got.CreateAPIKey
			if p.APIKey != nil || p.Secret != nil || len(p.UserErrors) != 1 || p.UserErrors[0].Code != "INVALID" ||
				strings.Join(p.UserErrors[0].Field, ".") != "input.role" {
				t.Errorf("payload %+v, want one INVALID error on input.role and no key", p)
			}
		})
	})

	t.Run("a platform key creates a platform key", func(t *testing.T) {
		var got created
		c.As(keys["platform"]).Query(t, create, map[string]any{"in": map[string]any{"role": "PLATFORM"}}).MustData(t, &got)
		if got.CreateAPIKey.APIKey == nil || got.CreateAPIKey.APIKey.Role != "PLATFORM" || got.CreateAPIKey.Secret == nil {
			t.Fatalf("payload %+v", got.CreateAPIKey)
		}
	})

	var secret, id string
	t.Run("an admin creates an editor key, retried", func(t *testing.T) {
		admin := c.As(keys["A admin"]).WithHeader("Idempotency-Key", "new-editor-key")
		var first, retry created
		admin.Query(t, create, editorInput).MustData(t, &first)
		p := first.CreateAPIKey
		if p.APIKey == nil || p.Secret == nil || len(p.UserErrors) != 0 {
			t.Fatalf("payload %+v", p)
		}
		secret, id = *p.Secret, p.APIKey.ID
		if p.APIKey.Role != "EDITOR" || p.APIKey.Organization.Slug != "org-a" || p.APIKey.Name == nil ||
			*p.APIKey.Name != "field office" || !strings.HasPrefix(secret, p.APIKey.Prefix) || *p.ClientMutationID != "m1" {
			t.Errorf("payload %+v with secret %s", p.APIKey, keyPrefix(secret))
		}
		var who viewerData
		c.As(secret).Query(t, viewerQuery, nil).MustData(t, &who)
		if who.Viewer == nil || who.Viewer.Role != "EDITOR" || who.Viewer.Organization.Slug != "org-a" || who.Viewer.APIKey.ID != id {
			t.Errorf("the new secret acts as %+v", who.Viewer)
		}
		count := dbCount(t, url, "api_keys")
		admin.Query(t, create, editorInput).MustData(t, &retry)
		if r := retry.CreateAPIKey; r.APIKey == nil || r.APIKey.ID != id || r.Secret != nil {
			t.Errorf("retry answered %+v with secret %v; want the same key and no secret", r.APIKey, r.Secret)
		}
		if n := dbCount(t, url, "api_keys"); n != count {
			t.Errorf("the retry made a key: %d keys, then %d", count, n)
		}
	})

	const revoke = `mutation($id: ID!) { revokeApiKey(input: {id: $id}) { apiKey { id revokedAt } userErrors { code } } }`
	for _, tc := range []struct{ caller, code string }{
		// Another organization's key is its own admins' business: to anyone else, however
		// high its role, it is a key that does not exist.
		{"anonymous", "UNAUTHENTICATED"}, {"A viewer", "FORBIDDEN"}, {"A editor", "FORBIDDEN"}, {"B admin", "NOT_FOUND"},
		{"platform", "NOT_FOUND"},
	} {
		t.Run("revoke as "+tc.caller, func(t *testing.T) {
			refusedWithoutWrites(t, c.As(keys[tc.caller]), url, tc.code, revoke, map[string]any{"id": id})
			if res := c.As(secret).Query(t, viewerQuery, nil); res.Status != 200 {
				t.Errorf("the key stopped working: status %d", res.Status)
			}
		})
	}
	t.Run("revoke as A admin", func(t *testing.T) {
		var got struct {
			RevokeAPIKey struct {
				APIKey struct {
					ID        string
					RevokedAt *string
				} `json:"apiKey"`
			} `json:"revokeApiKey"`
		}
		c.As(keys["A admin"]).Query(t, revoke, map[string]any{"id": id}).MustData(t, &got)
		if got.RevokeAPIKey.APIKey.ID != id || got.RevokeAPIKey.APIKey.RevokedAt == nil {
			t.Errorf("payload %+v", got.RevokeAPIKey)
		}
		res := c.As(secret).Query(t, viewerQuery, nil)
		if res.Status != 401 || res.ErrorCode(t) != "UNAUTHENTICATED" {
			t.Errorf("a revoked key: status %d, errors %v", res.Status, res.Errors)
		}
	})
	t.Run("revoke an unknown key", func(t *testing.T) {
		res := c.As(keys["A admin"]).Query(t, revoke, map[string]any{"id": "QXBpS2V5Ojk5OTk5"}) // ApiKey:99999
		if code := res.ErrorCode(t); code != "NOT_FOUND" {
			t.Errorf("code %s, want NOT_FOUND", code)
		}
	})
}

// TestAuditLogHoldsNoSecrets creates, uses and revokes keys and writes a campaign, then
// looks for every secret and every key hash, in every encoding, in the audit log, the
// idempotency records and the auditLog answer: none may be there.
func TestAuditLogHoldsNoSecrets(t *testing.T) {
	t.Parallel()
	st, url := dbtest.NewWithURL(t)
	c := apitest.New(st)
	admin := apitest.Key(t, st, "org-a", "ADMIN")
	secrets := []string{admin}
	var got struct {
		CreateAPIKey struct {
			APIKey struct{ ID string } `json:"apiKey"`
			Secret string
		} `json:"createApiKey"`
	}
	c.As(admin).WithHeader("Idempotency-Key", "k1").Query(t, `mutation { createApiKey(input: {role: EDITOR}) {
		apiKey { id } secret } }`, nil).MustData(t, &got)
	editor := got.CreateAPIKey.Secret
	secrets = append(secrets, editor)
	createCampaign(t, c.As(editor), "secretless", "Secretless")
	c.As(admin).Query(t, `mutation($id: ID!) { revokeApiKey(input: {id: $id}) { apiKey { id } } }`,
		map[string]any{"id": got.CreateAPIKey.APIKey.ID}).MustData(t, &struct{}{})

	var logText, idemText, hashes string
	dbValue(t, url, `SELECT string_agg(to_jsonb(a)::text, E'\n') FROM audit_log a`, nil, &logText)
	dbValue(t, url, `SELECT string_agg(to_jsonb(i)::text, E'\n') FROM idempotency_keys i`, nil, &idemText)
	dbValue(t, url, `SELECT string_agg(encode(key_hash, 'hex') || ' ' || encode(key_hash, 'base64') || ' ' ||
		rtrim(translate(encode(key_hash, 'base64'), '+/', '-_'), '='), ' ') FROM api_keys`, nil, &hashes)
	var apiText strings.Builder
	res := c.As(admin).Query(t, `{ auditLog(first: 100) { nodes { action before after } } }`, nil)
	if len(res.Errors) > 0 {
		t.Fatalf("auditLog: %v", res.Errors)
	}
	apiText.Write(res.Data)
	for _, action := range []string{"createApiKey", "revokeApiKey", "createCampaign"} {
		if !strings.Contains(logText, action) {
			t.Fatalf("the audit log has no %s entry to search: %s", action, logText)
		}
	}
	needles := append(strings.Fields(hashes), "KeyHash", "key_hash", "keyHash")
	for _, s := range secrets {
		needles = append(needles, s, strings.TrimPrefix(s, "cpk_"))
	}
	for where, text := range map[string]string{"audit_log": logText, "idempotency_keys": idemText, "auditLog answer": apiText.String()} {
		for _, n := range needles {
			if strings.Contains(text, n) {
				t.Errorf("%s holds %q", where, n)
			}
		}
	}
	var after map[string]any
	dbValue(t, url, `SELECT after FROM audit_log WHERE action = 'createApiKey'`, nil, &after)
	if after["Prefix"] != keyPrefix(editor) {
		t.Errorf("the createApiKey entry does not describe the key: %v", after)
	}
}

// TestPlatformMutationsPerRole sends each platform mutation as every caller below the
// platform: each is refused and writes nothing. A platform key's writes go through and are
// audited.
func TestPlatformMutationsPerRole(t *testing.T) {
	t.Parallel()
	st, url := dbtest.NewWithURL(t)
	if _, err := seed.Load(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	c := apitest.New(st)
	usaid, err := st.OrganizationBySlug(context.Background(), "usaid")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{
		"anonymous":    "",
		"VIEWER":       apitest.Key(t, st, "usaid", "VIEWER"),
		"EDITOR":       apitest.Key(t, st, "usaid", "EDITOR"),
		"ADMIN":        apitest.Key(t, st, "usaid", "ADMIN"),
		"other ADMIN":  apitest.Key(t, st, "asean", "ADMIN"),
		"PLATFORM key": apitest.Key(t, st, "operator", "PLATFORM"),
	}
	mutations := []struct {
		name, query string
		vars        map[string]any
		check       func(t *testing.T, data json.RawMessage)
	}{
		{"createOrganization", `mutation($in: CreateOrganizationInput!) { createOrganization(input: $in) {
			organization { slug name kind country { code } website description } userErrors { code } } }`,
			map[string]any{"in": map[string]any{"slug": "youth-voices", "name": "Youth Voices", "kind": "CIVIL_SOCIETY",
				"country": "Burma", "website": "https://youth.example.org", "description": "A youth group."}},
			func(t *testing.T, data json.RawMessage) {
				want := `{"createOrganization":{"organization":{"slug":"youth-voices","name":"Youth Voices","kind":"CIVIL_SOCIETY",` +
					`"country":{"code":"MM"},"website":"https://youth.example.org","description":"A youth group."},"userErrors":[]}}`
				if string(data) != want {
					t.Errorf("got %s\nwant %s", data, want)
				}
			}},
		{"updateOrganization", `mutation($in: UpdateOrganizationInput!) { updateOrganization(input: $in) {
			organization { slug name country { code } website } userErrors { code } } }`,
			map[string]any{"in": map[string]any{"id": usaid.GlobalID(), "name": "USAID"}},
			func(t *testing.T, data json.RawMessage) {
				if !strings.Contains(string(data), `"name":"USAID","country":{"code":"US"}`) {
					t.Errorf("got %s, want the new name and the country unchanged", data)
				}
			}},
		{"upsertCountry", `mutation($in: UpsertCountryInput!) { upsertCountry(input: $in) {
			country { code name aliases aseanMember } userErrors { code } } }`,
			map[string]any{"in": map[string]any{"code": "TL", "name": "Timor-Leste", "aliases": []string{"East Timor"}}},
			func(t *testing.T, data json.RawMessage) {
				want := `{"upsertCountry":{"country":{"code":"TL","name":"Timor-Leste","aliases":["East Timor"],"aseanMember":false},"userErrors":[]}}`
				if string(data) != want {
					t.Errorf("got %s\nwant %s", data, want)
				}
			}},
	}
	for _, m := range mutations {
		for _, caller := range []string{"anonymous", "VIEWER", "EDITOR", "ADMIN", "other ADMIN"} {
			t.Run(m.name+" as "+caller, func(t *testing.T) {
				code := "FORBIDDEN"
				if caller == "anonymous" {
					code = "UNAUTHENTICATED"
				}
				refusedWithoutWrites(t, c.As(keys[caller]).WithHeader("Idempotency-Key", m.name), url, code, m.query, m.vars)
			})
		}
		t.Run(m.name+" as PLATFORM", func(t *testing.T) {
			res := c.As(keys["PLATFORM key"]).Query(t, m.query, m.vars)
			if len(res.Errors) > 0 {
				t.Fatalf("errors: %v", res.Errors)
			}
			m.check(t, res.Data)
			if n := dbCount(t, url, "audit_log WHERE action = $1 AND api_key_id = $2", m.name, keyID(t, st, "operator", keys["PLATFORM key"])); n != 1 {
				t.Errorf("%d audit entries of %s by the platform key, want 1", n, m.name)
			}
		})
	}
}

type userErrorsData map[string]struct {
	UserErrors []struct {
		Field []string
		Code  string
	}
}

// TestPlatformMutationsValidate sends bad inputs to the platform mutations: each is refused
// field by field and writes nothing.
func TestPlatformMutationsValidate(t *testing.T) {
	t.Parallel()
	st, url := dbtest.NewWithURL(t)
	if _, err := seed.Load(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	c := apitest.New(st).As(apitest.Key(t, st, "operator", "PLATFORM"))
	usaid, err := st.OrganizationBySlug(context.Background(), "usaid")
	if err != nil {
		t.Fatal(err)
	}
	const createOrg = `mutation($in: CreateOrganizationInput!) { createOrganization(input: $in) { organization { id } userErrors { field code } } }`
	const updateOrg = `mutation($in: UpdateOrganizationInput!) { updateOrganization(input: $in) { organization { id } userErrors { field code } } }`
	const upsert = `mutation($in: UpsertCountryInput!) { upsertCountry(input: $in) { country { code } userErrors { field code } } }`
	org := func(change map[string]any) map[string]any {
		in := map[string]any{"slug": "new-org", "name": "New organization", "kind": "MEDIA"}
		for k, v := range change {
			in[k] = v
		}
		return map[string]any{"in": in}
	}
	update := func(change map[string]any) map[string]any {
		change["id"] = usaid.GlobalID()
		return map[string]any{"in": change}
	}
	country := func(change map[string]any) map[string]any {
		in := map[string]any{"code": "TL", "name": "Timor-Leste"}
		for k, v := range change {
			in[k] = v
		}
		return map[string]any{"in": in}
	}
	aliases := make([]string, 21)
	for i := range aliases {
		aliases[i] = "Alias " + string(rune('A'+i))
	}
	for _, tc := range []struct {
		name, query, field, code string
		vars                     map[string]any
	}{
		{"slug with capitals", createOrg, "input.slug", "INVALID", org(map[string]any{"slug": "New-Org"})},
		{"slug with spaces", createOrg, "input.slug", "INVALID", org(map[string]any{"slug": "new org"})},
		{"slug taken", createOrg, "input.slug", "TAKEN", org(map[string]any{"slug": "usaid"})},
		{"empty name", createOrg, "input.name", "REQUIRED", org(map[string]any{"name": ""})},
		{"long name", createOrg, "input.name", "LENGTH", org(map[string]any{"name": strings.Repeat("n", 301)})},
		{"ftp website", createOrg, "input.website", "INVALID", org(map[string]any{"website": "ftp://example.org"})},
		{"website in capitals", createOrg, "input.website", "INVALID", org(map[string]any{"website": "HTTPS://example.org"})},
		{"website without host", createOrg, "input.website", "INVALID", org(map[string]any{"website": "https://"})},
		{"unknown country", createOrg, "input.country", "UNKNOWN_COUNTRY", org(map[string]any{"country": "Atlantis"})},
		{"long description", createOrg, "input.description", "LENGTH", org(map[string]any{"description": strings.Repeat("d", 5001)})},
		{"update: empty name", updateOrg, "input.name", "REQUIRED", update(map[string]any{"name": ""})},
		{"update: bad website", updateOrg, "input.website", "INVALID", update(map[string]any{"website": "javascript:alert(1)"})},
		{"update: unknown country", updateOrg, "input.country", "UNKNOWN_COUNTRY", update(map[string]any{"country": "Narnia"})},
		{"update: long description", updateOrg, "input.description", "LENGTH", update(map[string]any{"description": strings.Repeat("d", 5001)})},
		{"lower-case code", upsert, "input.code", "INVALID", country(map[string]any{"code": "tl"})},
		{"three-letter code", upsert, "input.code", "INVALID", country(map[string]any{"code": "TLS"})},
		{"empty country name", upsert, "input.name", "REQUIRED", country(map[string]any{"name": ""})},
		{"long country name", upsert, "input.name", "LENGTH", country(map[string]any{"name": strings.Repeat("n", 201)})},
		{"empty alias", upsert, "input.aliases.1", "REQUIRED", country(map[string]any{"aliases": []string{"East Timor", ""}})},
		{"long alias", upsert, "input.aliases.0", "LENGTH", country(map[string]any{"aliases": []string{strings.Repeat("a", 101)}})},
		{"too many aliases", upsert, "input.aliases", "LENGTH", country(map[string]any{"aliases": aliases})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			writesNothing(t, c, url, func() {
				var got userErrorsData
				c.Query(t, tc.query, tc.vars).MustData(t, &got)
				for _, p := range got {
					if len(p.UserErrors) != 1 || strings.Join(p.UserErrors[0].Field, ".") != tc.field || p.UserErrors[0].Code != tc.code {
						t.Errorf("user errors %+v, want one %s on %s", p.UserErrors, tc.code, tc.field)
					}
				}
			})
		})
	}
	if code := c.Query(t, createOrg, org(map[string]any{"kind": "WIZARD"})).ErrorCode(t); code == "" {
		t.Error("an unknown kind was accepted")
	}
}

// TestUpdateOrganizationIsPartial changes one field at a time: the others stay as they were,
// null clears a field, and the audit log keeps each state.
func TestUpdateOrganizationIsPartial(t *testing.T) {
	t.Parallel()
	st, url := dbtest.NewWithURL(t)
	if _, err := seed.Load(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	c := apitest.New(st).As(apitest.Key(t, st, "operator", "PLATFORM"))
	usaid, err := st.OrganizationBySlug(context.Background(), "usaid")
	if err != nil {
		t.Fatal(err)
	}
	const update = `mutation($in: UpdateOrganizationInput!) { updateOrganization(input: $in) {
		organization { slug name kind country { code } website description } userErrors { code } } }`
	type org struct {
		Slug, Name, Kind     string
		Country              *struct{ Code string }
		Website, Description *string
	}
	send := func(change map[string]any) org {
		t.Helper()
		change["id"] = usaid.GlobalID()
		var got struct{ UpdateOrganization struct{ Organization org } }
		c.Query(t, update, map[string]any{"in": change}).MustData(t, &got)
		return got.UpdateOrganization.Organization
	}
	start := send(map[string]any{"website": "https://www.usaid.gov"})
	if start.Country == nil || start.Country.Code != "US" || start.Website == nil || *start.Website != "https://www.usaid.gov" {
		t.Fatalf("after a new website: %+v", start)
	}
	o := send(map[string]any{"description": "Development agency."})
	if o.Name != start.Name || o.Kind != start.Kind || o.Country == nil || o.Country.Code != "US" || *o.Website != *start.Website ||
		o.Description == nil || *o.Description != "Development agency." {
		t.Errorf("after a new description: %+v", o)
	}
	o = send(map[string]any{"country": nil, "kind": "GOVERNMENT"})
	if o.Country != nil || o.Kind != "GOVERNMENT" || o.Name != start.Name || *o.Description != "Development agency." || *o.Website != *start.Website {
		t.Errorf("after clearing the country: %+v", o)
	}
	o = send(map[string]any{"country": "Burma", "website": nil})
	if o.Country == nil || o.Country.Code != "MM" || o.Website != nil || o.Kind != "GOVERNMENT" {
		t.Errorf("after a country by alias and no website: %+v", o)
	}
	var before, after map[string]any
	dbValue(t, url, `SELECT before, after FROM audit_log WHERE action = 'updateOrganization' ORDER BY id DESC LIMIT 1`, nil, &before, &after)
	if before["CountryCode"] != nil || after["CountryCode"] != "MM" || before["Website"] != *start.Website || after["Website"] != nil {
		t.Errorf("the last audit entry: before %v, after %v", before, after)
	}
}

// TestUpsertCountryChangesOnlyWhatIsGiven changes a seeded country: the aliases given
// replace the old ones, the ASEAN flag left out stays, and the audit log keeps both states.
func TestUpsertCountryChangesOnlyWhatIsGiven(t *testing.T) {
	t.Parallel()
	st, url := dbtest.NewWithURL(t)
	if _, err := seed.Load(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	c := apitest.New(st)
	platformKey := apitest.Key(t, st, "operator", "PLATFORM")
	var got struct {
		UpsertCountry struct {
			Country struct {
				Code, Name  string
				Aliases     []string
				AseanMember bool
			}
		}
	}
	c.As(platformKey).Query(t, `mutation { upsertCountry(input: {code: "MM", name: "Myanmar", aliases: ["Burma", "Union of Burma"]}) {
		country { code name aliases aseanMember } } }`, nil).MustData(t, &got)
	if diff := cmp.Diff([]string{"Burma", "Union of Burma"}, got.UpsertCountry.Country.Aliases); diff != "" || !got.UpsertCountry.Country.AseanMember {
		t.Errorf("Myanmar after the change: %+v", got.UpsertCountry.Country)
	}
	var found struct{ Country *struct{ Code string } }
	c.Query(t, `{ country(code: "Union of Burma") { code } }`, nil).MustData(t, &found)
	if found.Country == nil || found.Country.Code != "MM" {
		t.Errorf("the new alias does not find Myanmar: %+v", found.Country)
	}
	var before, after map[string]any
	dbValue(t, url, `SELECT before, after FROM audit_log WHERE action = 'upsertCountry'`, nil, &before, &after)
	if !cmp.Equal(before["AliasList"], []any{"Burma"}) || !cmp.Equal(after["AliasList"], []any{"Burma", "Union of Burma"}) {
		t.Errorf("audit entry: aliases %v → %v", before["AliasList"], after["AliasList"])
	}
}
