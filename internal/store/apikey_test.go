package store_test

import (
	"bytes"
	"context"
	"testing"

	"campaigns/internal/apitest"
	"campaigns/internal/auth"
	"campaigns/internal/dbtest"
)

// TestLiveKeysLeaveOutRevokedOnes reads the keys the key guard keeps: every live key with its
// prefix and hash, and no revoked one.
func TestLiveKeysLeaveOutRevokedOnes(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	ctx := context.Background()
	live := apitest.Key(t, st, "org-a", "VIEWER")
	revoked := apitest.Key(t, st, "org-a", "ADMIN")
	if _, err := st.RevokeAPIKeyByPrefix(ctx, revoked[:10]); err != nil {
		t.Fatal(err)
	}
	keys, err := st.LiveKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0].Prefix != live[:10] || !bytes.Equal(keys[0].Hash, auth.Hash(live)) {
		t.Errorf("LiveKeys = %+v, want the one live key %s", keys, live[:10])
	}
}
