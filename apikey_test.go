package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/seed"
	"campaigns/internal/store"
)

// TestAPIKeyCommand is what an operator does for a new partner: create its key on the
// command line, see it in the list, hand it over, and revoke it when it must stop working.
func TestAPIKeyCommand(t *testing.T) {
	t.Parallel()
	st, url := dbtest.NewWithURL(t)
	if _, err := seed.Load(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	getenv := env(map[string]string{"DATABASE_URL": url, "LOG_LEVEL": "error"})
	apikey := func(args ...string) (code int, stdout, stderr string) {
		var out, errOut bytes.Buffer
		code = run(context.Background(), append([]string{"apikey"}, args...), getenv, &out, &errOut)
		return code, out.String(), errOut.String()
	}
	c := apitest.New(st)
	const whoami = `{ viewer { role organization { slug } } }`

	code, stdout, stderr := apikey("create", "--org", "usaid", "--role", "editor", "--name", "field office")
	if code != 0 {
		t.Fatalf("create: exit code %d: %s", code, stderr)
	}
	key := strings.TrimSpace(stdout)
	if !strings.HasPrefix(key, "cpk_") || strings.Contains(key, "\n") {
		t.Fatalf("create printed %q on stdout, want the key alone", stdout)
	}
	prefix := key[:len("cpk_")+6]
	if strings.Contains(stderr, key) || !strings.Contains(stderr, prefix) {
		t.Errorf("stderr should name the key by its prefix only: %q", stderr)
	}
	var got struct {
		Viewer *struct {
			Role         string
			Organization struct{ Slug string }
		}
	}
	c.As(key).Query(t, whoami, nil).MustData(t, &got)
	if got.Viewer == nil || got.Viewer.Role != "EDITOR" || got.Viewer.Organization.Slug != "usaid" {
		t.Fatalf("the new key acts as %+v, want an EDITOR of usaid", got.Viewer)
	}

	for _, args := range [][]string{{"list"}, {"list", "--org", "usaid"}} {
		code, stdout, stderr = apikey(args...)
		line := lineWith(stdout, prefix)
		if code != 0 || !strings.Contains(line, "EDITOR") || !strings.Contains(line, "field office") {
			t.Errorf("%v: exit code %d, line %q\n%s%s", args, code, line, stdout, stderr)
		}
		// The organization by its slug, under ORG, as --org takes it.
		if f, head := strings.Fields(line), strings.Fields(stdout); len(f) < 3 || len(head) < 3 || head[2] != "ORG" || f[2] != "usaid" {
			t.Errorf("%v: the ORG column does not show the slug usaid:\n%s", args, stdout)
		}
		if strings.Contains(stdout, key) {
			t.Errorf("%v printed the secret", args)
		}
	}
	if code, stdout, _ = apikey("list", "--org", "asean"); code != 0 || strings.Contains(stdout, prefix) {
		t.Errorf("another organization's list: exit code %d\n%s", code, stdout)
	}

	if code, stdout, stderr = apikey("revoke", prefix); code != 0 || !strings.Contains(stdout, prefix) {
		t.Fatalf("revoke: exit code %d: %s%s", code, stdout, stderr)
	}
	res := c.As(key).Query(t, whoami, nil)
	if res.Status != 401 || res.ErrorCode(t) != "UNAUTHENTICATED" {
		t.Errorf("a revoked key: status %d, errors %v", res.Status, res.Errors)
	}
	keys, err := st.APIKeysOf(context.Background(), "usaid")
	if err != nil || len(keys) != 1 || keys[0].RevokedAt == nil {
		t.Fatalf("the key is not revoked in the database: %v %+v", err, keys)
	}
	revokedAt := keys[0].RevokedAt.UTC().Format("2006-01-02 15:04Z")
	if _, stdout, _ = apikey("list", "--org", "usaid"); !strings.Contains(lineWith(stdout, prefix), revokedAt) {
		t.Errorf("the list does not show the revocation at %s: %q", revokedAt, lineWith(stdout, prefix))
	}

	for _, tc := range []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"unknown role", []string{"create", "--org", "usaid", "--role", "owner"}, "role must be"},
		{"unknown organization", []string{"create", "--org", "no-such-org", "--role", "viewer"}, `no organization has the slug "no-such-org"`},
		{"no role", []string{"create", "--org", "usaid"}, "--role"},
		{"no organization", []string{"create", "--role", "viewer"}, "--org"},
		{"list of an unknown organization", []string{"list", "--org", "no-such-org"}, `no organization has the slug "no-such-org"`},
		{"revoke without a prefix", []string{"revoke"}, "prefix"},
		{"revoke an unknown prefix", []string{"revoke", "cpk_nopeno"}, "cpk_nopeno"},
		{"revoke twice", []string{"revoke", prefix}, prefix},
		{"unknown subcommand", []string{"rotate"}, "usage"},
		{"unknown flag", []string{"create", "--org", "usaid", "--role", "viewer", "--ttl", "1h"}, "ttl"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := liveKeys(t, st)
			code, stdout, stderr := apikey(tc.args...)
			if code == 0 {
				t.Errorf("exit code 0, want an error; stdout %q", stdout)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q does not say %q", stderr, tc.want)
			}
			if strings.Contains(stdout, "cpk_") {
				t.Errorf("a refused command printed a key: %q", stdout)
			}
			if after := liveKeys(t, st); after != before {
				t.Errorf("a refused command changed the keys: %d live keys, then %d", before, after)
			}
		})
	}
}

// lineWith returns the first line of text that contains s.
func lineWith(text, s string) string {
	for line := range strings.SplitSeq(text, "\n") {
		if strings.Contains(line, s) {
			return line
		}
	}
	return ""
}

// liveKeys counts the live keys of every organization.
func liveKeys(t *testing.T, st *store.Store) int {
	t.Helper()
	keys, err := st.APIKeysOf(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, k := range keys {
		if k.RevokedAt == nil {
			n++
		}
	}
	return n
}
