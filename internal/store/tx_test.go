package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"campaigns/internal/auth"
	"campaigns/internal/store"
	"campaigns/models"
)

// TestWriteIsIdempotentByKey runs writes with idempotency keys: a retry of the same request
// is answered from the first run without running again, the same key with another request
// is refused, a failed run records nothing, and an anonymous caller writes nothing.
func TestWriteIsIdempotentByKey(t *testing.T) {
	t.Parallel()
	w := newCampaignWorld(t)
	ctx := context.Background()
	runs := 0
	create := func(c auth.Caller, key, slug string) (string, bool, error) {
		in := store.CampaignInput{Slug: w.slugp(slug), Name: ptr("N")}
		return w.st.Write(ctx, c, "req-"+slug, store.Request{Operation: "createCampaign", Input: in, Key: key}, func(tx *store.Tx) (string, error) {
			runs++
			if tx.Caller() != c {
				t.Errorf("the transaction's caller is %+v, want %+v", tx.Caller(), c)
			}
			camp, err := tx.CreateCampaign(in)
			if err != nil {
				return "", err
			}
			return camp.GlobalID(), nil
		})
	}
	first, replayed, err := create(w.owner, "k1", "a")
	if err != nil || replayed || first == "" {
		t.Fatalf("first run: %q, replayed %t, %v", first, replayed, err)
	}
	again, replayed, err := create(w.owner, "k1", "a")
	if err != nil || !replayed || again != first || runs != 1 {
		t.Errorf("retry: %q, replayed %t, %v after %d runs; want %q replayed after 1 run", again, replayed, err, runs, first)
	}
	if _, _, err := create(w.owner, "k1", "b"); !errors.Is(err, store.ErrIdempotencyKeyReused) {
		t.Errorf("the key with another request: %v, want ErrIdempotencyKeyReused", err)
	}
	// Another key of the same organization has keys of its own.
	other := w.caller(t, "owner", auth.RoleEditor)
	if _, replayed, err := create(other, "k1", "b"); err != nil || replayed {
		t.Errorf("the same key sent by another API key: replayed %t, %v", replayed, err)
	}
	// A refused run records no key: the retry runs again, and fails again.
	for i := 0; i < 2; i++ {
		if _, _, err := create(w.owner, "k2", "Bad Slug"); codes(err)["input.slug"] != "INVALID" {
			t.Errorf("refused run %d: %v", i+1, err)
		}
	}
	if _, _, err := create(auth.Caller{}, "", "c"); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("anonymous write: %v", err)
	}
	if runs != 4 {
		t.Errorf("fn ran %d times, want 4: once, once for the other key, twice refused", runs)
	}
	// A failed write rolls back what it wrote before it failed.
	_, _, err = w.st.Write(ctx, w.owner, "", store.Request{Operation: "x"}, func(tx *store.Tx) (string, error) {
		if _, err := tx.CreateCampaign(store.CampaignInput{Slug: w.slugp("rolled-back"), Name: ptr("N")}); err != nil {
			return "", err
		}
		return "", errors.New("later step failed")
	})
	if err == nil {
		t.Error("a failing write succeeded")
	}
	if _, err := w.st.CampaignBySlug(ctx, w.slug("rolled-back")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the campaign of a failed write: %v, want not found", err)
	}
	if n, err := w.st.PurgeIdempotencyKeys(ctx); err != nil || n != 0 {
		t.Errorf("PurgeIdempotencyKeys purged %d fresh keys, %v", n, err)
	}
}

// TestAuditRecordsTheWrite checks the entry a write leaves: who, what, the request, and the
// state before and after as JSON.
func TestAuditRecordsTheWrite(t *testing.T) {
	t.Parallel()
	w := newCampaignWorld(t)
	ctx := context.Background()
	var c *models.Campaign
	_, _, err := w.st.Write(ctx, w.owner, "req-42", store.Request{Operation: "createCampaign"}, func(tx *store.Tx) (string, error) {
		var err error
		c, err = tx.CreateCampaign(store.CampaignInput{Slug: w.slugp("audited"), Name: ptr("Audited")})
		return "", err
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := w.st.AuditLog(ctx, w.owner.OrgID, store.AuditFilter{EntityID: c.GlobalID()}, pageOf(10))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 1 {
		t.Fatalf("%d audit entries for the campaign, want 1", len(p.Items))
	}
	e := p.Items[0]
	var after struct{ Slug, Name string }
	if err := json.Unmarshal(e.After, &after); err != nil {
		t.Fatal(err)
	}
	if e.Action != "createCampaign" || e.EntityType != "Campaign" || *e.APIKeyID != w.owner.KeyID || *e.OrganizationID != w.owner.OrgID ||
		e.RequestID == nil || *e.RequestID != "req-42" || e.Before != nil || after.Slug != w.slug("audited") || after.Name != "Audited" {
		t.Errorf("audit entry = %+v, after %s", e, e.After)
	}
}
