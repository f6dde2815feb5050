package api_test

import (
	"encoding/json"
	"sync"
	"testing"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
)

// idempotencyWorld is a database with editors of two organizations, for retried mutations.
type idempotencyWorld struct {
	c                      *apitest.Client
	url                    string
	editor, editor2, other string // two keys of org-a, one of org-b
}

func newIdempotencyWorld(t *testing.T) *idempotencyWorld {
	t.Helper()
	st, url := dbtest.NewWithURL(t)
	return &idempotencyWorld{
		c: apitest.New(st), url: url,
		editor:  apitest.Key(t, st, "org-a", "EDITOR"),
		editor2: apitest.Key(t, st, "org-a", "EDITOR"),
		other:   apitest.Key(t, st, "org-b", "EDITOR"),
	}
}

// create sends createCampaign and returns the payload, failing on any GraphQL error.
func (w *idempotencyWorld) create(t *testing.T, c *apitest.Client, in map[string]any) createCampaignData {
	t.Helper()
	var got createCampaignData
	c.Query(t, createCampaignMutation, map[string]any{"in": in}).MustData(t, &got)
	return got
}

// id returns the created campaign's ID, failing when there is none.
func (d createCampaignData) id(t *testing.T) string {
	t.Helper()
	if d.CreateCampaign.Campaign == nil {
		t.Fatalf("no campaign: %+v", d.CreateCampaign.UserErrors)
	}
	return d.CreateCampaign.Campaign.ID
}

// written checks that exactly one campaign with slug exists, with one audit entry.
func (w *idempotencyWorld) written(t *testing.T, slug, id string) {
	t.Helper()
	if n := dbCount(t, w.url, "campaigns WHERE slug = $1", slug); n != 1 {
		t.Errorf("%d campaigns %s, want 1", n, slug)
	}
	if n := dbCount(t, w.url, "audit_log WHERE entity_id = $1", id); n != 1 {
		t.Errorf("%d audit entries for %s, want 1", n, slug)
	}
}

// TestIdempotentRetryReturnsTheFirstResult retries createCampaign with the same key, sent as
// the header, as the input field, and as both: each retry answers with the first campaign
// and writes nothing, whatever its clientMutationId.
func TestIdempotentRetryReturnsTheFirstResult(t *testing.T) {
	t.Parallel()
	w := newIdempotencyWorld(t)
	byHeader := w.c.As(w.editor).WithHeader("Idempotency-Key", "retry-1")
	in := map[string]any{"slug": "retried", "name": "Retried", "clientMutationId": "first"}
	first := w.create(t, byHeader, in)
	id := first.id(t)

	in["clientMutationId"] = "second"
	again := w.create(t, byHeader, in)
	if again.id(t) != id {
		t.Errorf("the header retry made campaign %s, want %s", again.id(t), id)
	}
	if cm := again.CreateCampaign.ClientMutationID; cm == nil || *cm != "second" {
		t.Errorf("clientMutationId %v, want the retry's own", cm)
	}
	byInput := map[string]any{"slug": "retried", "name": "Retried", "idempotencyKey": "retry-1"}
	if got := w.create(t, w.c.As(w.editor), byInput).id(t); got != id {
		t.Errorf("the same key as input field made campaign %s, want %s", got, id)
	}
	if got := w.create(t, byHeader, byInput).id(t); got != id {
		t.Errorf("the same key as header and input field made campaign %s, want %s", got, id)
	}
	w.written(t, "retried", id)

	// The input field alone works as the header does.
	viaInput := map[string]any{"slug": "by-input", "name": "By input", "idempotencyKey": "retry-2"}
	id2 := w.create(t, w.c.As(w.editor), viaInput).id(t)
	if got := w.create(t, w.c.As(w.editor), viaInput).id(t); got != id2 {
		t.Errorf("the input field retry made campaign %s, want %s", got, id2)
	}
	w.written(t, "by-input", id2)
}

// TestIdempotencyKeyMisuseWritesNothing sends keys that cannot be honoured: a header and an
// input field that disagree, and a key sent again with another input or operation.
func TestIdempotencyKeyMisuseWritesNothing(t *testing.T) {
	t.Parallel()
	w := newIdempotencyWorld(t)
	editor := w.c.As(w.editor)
	id := w.create(t, editor.WithHeader("Idempotency-Key", "used"), map[string]any{"slug": "first", "name": "First"}).id(t)

	for _, tc := range []struct {
		name, code, query string
		c                 *apitest.Client
		vars              map[string]any
	}{
		{"header and input differ", "BAD_USER_INPUT", createCampaignMutation, editor.WithHeader("Idempotency-Key", "a"),
			map[string]any{"in": map[string]any{"slug": "differ", "name": "Differ", "idempotencyKey": "b"}}},
		{"same key, other slug", "IDEMPOTENCY_KEY_REUSED", createCampaignMutation, editor.WithHeader("Idempotency-Key", "used"),
			map[string]any{"in": map[string]any{"slug": "second", "name": "First"}}},
		{"same key, other name, as input", "IDEMPOTENCY_KEY_REUSED", createCampaignMutation, editor,
			map[string]any{"in": map[string]any{"slug": "first", "name": "Another", "idempotencyKey": "used"}}},
		{"same key, other operation", "IDEMPOTENCY_KEY_REUSED",
			`mutation($id: ID!) { archiveCampaign(input: {id: $id, expectedVersion: 1}) { campaign { id } } }`,
			editor.WithHeader("Idempotency-Key", "used"), map[string]any{"id": id}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			refusedWithoutWrites(t, tc.c, w.url, tc.code, tc.query, tc.vars)
		})
	}
	w.written(t, "first", id)
}

// TestIdempotencyKeysBelongToTheirAPIKey lets other keys, of the same organization and of
// another, use the same key string for their own requests.
func TestIdempotencyKeysBelongToTheirAPIKey(t *testing.T) {
	t.Parallel()
	w := newIdempotencyWorld(t)
	ids := map[string]bool{}
	for _, tc := range []struct{ key, slug string }{
		{w.editor, "one"}, {w.editor2, "two"}, {w.other, "three"},
	} {
		id := w.create(t, w.c.As(tc.key).WithHeader("Idempotency-Key", "shared"), map[string]any{"slug": tc.slug, "name": "Shared"}).id(t)
		ids[id] = true
		w.written(t, tc.slug, id)
	}
	if len(ids) != 3 {
		t.Errorf("three keys made %d campaigns, want 3", len(ids))
	}
	if n := dbCount(t, w.url, "idempotency_keys WHERE key = 'shared'"); n != 3 {
		t.Errorf("%d idempotency records, want one per key", n)
	}
}

// TestConcurrentRetriesWriteOnce sends the same request with the same key 20 times at once,
// as a mobile app on a flaky network might: one campaign is made, and every answer names it.
func TestConcurrentRetriesWriteOnce(t *testing.T) {
	t.Parallel()
	w := newIdempotencyWorld(t)
	c := w.c.As(w.editor).WithHeader("Idempotency-Key", "storm")
	const n = 20
	ids := make([]string, n)
	errs := make([][]apitest.Error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			res := c.Query(t, createCampaignMutation, map[string]any{"in": map[string]any{"slug": "storm", "name": "Storm"}})
			var got createCampaignData
			errs[i] = res.Errors
			if len(res.Errors) == 0 {
				if err := json.Unmarshal(res.Data, &got); err == nil && got.CreateCampaign.Campaign != nil {
					ids[i] = got.CreateCampaign.Campaign.ID
				}
			}
		})
	}
	wg.Wait()
	for i := range n {
		if len(errs[i]) > 0 || ids[i] == "" || ids[i] != ids[0] {
			t.Errorf("request %d: campaign %q, errors %v; want %q", i, ids[i], errs[i], ids[0])
		}
	}
	w.written(t, "storm", ids[0])
	if n := dbCount(t, w.url, "idempotency_keys WHERE key = 'storm'"); n != 1 {
		t.Errorf("%d idempotency records, want 1", n)
	}
}

// TestRefusedInputRecordsNoKey sends an input refused with user errors: the key is not
// kept, so the corrected request with the same key goes through, and is then kept.
func TestRefusedInputRecordsNoKey(t *testing.T) {
	t.Parallel()
	w := newIdempotencyWorld(t)
	c := w.c.As(w.editor).WithHeader("Idempotency-Key", "fix-me")
	writesNothing(t, c, w.url, func() {
		bad := w.create(t, c, map[string]any{"slug": "Not A Slug", "name": "Fixed"})
		if bad.CreateCampaign.Campaign != nil || len(bad.CreateCampaign.UserErrors) == 0 {
			t.Errorf("a bad slug was accepted: %+v", bad.CreateCampaign)
		}
	})
	fixed := w.create(t, c, map[string]any{"slug": "fixed", "name": "Fixed"})
	id := fixed.id(t)
	if got := w.create(t, c, map[string]any{"slug": "fixed", "name": "Fixed"}).id(t); got != id {
		t.Errorf("the retry of the corrected request made %s, want %s", got, id)
	}
	w.written(t, "fixed", id)
}
