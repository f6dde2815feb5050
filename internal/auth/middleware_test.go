package auth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMiddlewareParsesTheHeader sends every shape of Authorization header: no header is
// anonymous and never looks a key up; a malformed one is refused before any lookup; a
// well-formed key is looked up by its hash, and the caller it gives reaches the handler.
func TestMiddlewareParsesTheHeader(t *testing.T) {
	t.Parallel()
	secret, hash, _ := NewKey()
	known := Caller{KeyID: 7, OrgID: 3, Role: RoleEditor, Prefix: secret[:10]}
	other, _, _ := NewKey()
	down, _, _ := NewKey()
	lookup := func(_ context.Context, h []byte) (Caller, error) {
		switch string(h) {
		case string(hash):
			return known, nil
		case string(Hash(down)):
			return Caller{}, errors.New("connection refused")
		}
		return Caller{}, ErrUnauthenticated
	}
	for _, tc := range []struct {
		name    string
		header  []string
		status  int
		code    string
		lookups int
		caller  Caller
	}{
		{"no header", nil, http.StatusOK, "", 0, Caller{}},
		{"bearer", []string{"Bearer " + secret}, http.StatusOK, "", 1, known},
		{"scheme in any case", []string{"bEARER " + secret}, http.StatusOK, "", 1, known},
		{"spaces around the key", []string{"Bearer   " + secret + "  "}, http.StatusOK, "", 1, known},
		{"unknown key", []string{"Bearer " + other}, http.StatusUnauthorized, "UNAUTHENTICATED", 1, Caller{}},
		{"lookup fails", []string{"Bearer " + down}, http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", 1, Caller{}},
		{"basic scheme", []string{"Basic " + secret}, http.StatusUnauthorized, "UNAUTHENTICATED", 0, Caller{}},
		{"no scheme", []string{secret}, http.StatusUnauthorized, "UNAUTHENTICATED", 0, Caller{}},
		{"scheme alone", []string{"Bearer"}, http.StatusUnauthorized, "UNAUTHENTICATED", 0, Caller{}},
		{"empty key", []string{"Bearer "}, http.StatusUnauthorized, "UNAUTHENTICATED", 0, Caller{}},
		{"without prefix", []string{"Bearer " + strings.TrimPrefix(secret, keyPrefix)}, http.StatusUnauthorized, "UNAUTHENTICATED", 0, Caller{}},
		{"one character short", []string{"Bearer " + secret[:len(secret)-1]}, http.StatusUnauthorized, "UNAUTHENTICATED", 0, Caller{}},
		{"not base64", []string{"Bearer " + secret[:len(secret)-1] + "!"}, http.StatusUnauthorized, "UNAUTHENTICATED", 0, Caller{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			lookups, reached := 0, false
			var got Caller
			h := Middleware(func(ctx context.Context, h []byte) (Caller, error) {
				lookups++
				return lookup(ctx, h)
			}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				reached, got = true, FromContext(r.Context())
			}))
			r := httptest.NewRequest(http.MethodPost, "/query", nil)
			for _, v := range tc.header {
				r.Header.Set("Authorization", v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tc.status || lookups != tc.lookups {
				t.Errorf("status %d after %d lookups, want %d after %d", w.Code, lookups, tc.status, tc.lookups)
			}
			if reached != (tc.status == http.StatusOK) || got != tc.caller {
				t.Errorf("handler reached %t with %+v, want reached %t with %+v", reached, got, tc.status == http.StatusOK, tc.caller)
			}
			if tc.code == "" {
				return
			}
			var body struct {
				Errors []struct {
					Message    string
					Extensions struct{ Code string }
				}
			}
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || len(body.Errors) != 1 {
				t.Fatalf("body %s: %v", w.Body, err)
			}
			if body.Errors[0].Extensions.Code != tc.code || body.Errors[0].Message == "" {
				t.Errorf("error %+v, want code %s with a message", body.Errors[0], tc.code)
			}
			if strings.Contains(w.Body.String(), secret[len(keyPrefix):]) {
				t.Errorf("the answer repeats the key: %s", w.Body)
			}
			wantAuth := ""
			if tc.status == http.StatusUnauthorized {
				wantAuth = `Bearer realm="campaigns"`
			}
			if got := w.Header().Get("WWW-Authenticate"); got != wantAuth {
				t.Errorf("WWW-Authenticate = %q, want %q", got, wantAuth)
			}
		})
	}
}

// TestNewKeyIsWellFormed checks that a new key has the shape WellFormed takes, a prefix to
// show that starts it, and a hash that is the hash of the secret and of nothing else.
func TestNewKeyIsWellFormed(t *testing.T) {
	t.Parallel()
	secret, hash, prefix := NewKey()
	again, _, _ := NewKey()
	if !WellFormed(secret) || !strings.HasPrefix(secret, prefix) || len(prefix) != len(keyPrefix)+6 {
		t.Errorf("NewKey() = %q, prefix %q: not well formed", secret, prefix)
	}
	if string(hash) != string(Hash(secret)) || string(hash) == string(Hash(again)) || secret == again {
		t.Errorf("two new keys %q and %q: hashes do not tell them apart", secret, again)
	}
}

// TestRolesRankAndOwnership holds each role to the roles at or below it, and the edit rule
// to owner or grant with at least an editor's role.
func TestRolesRankAndOwnership(t *testing.T) {
	t.Parallel()
	roles := []string{RoleViewer, RoleEditor, RoleAdmin, RolePlatform}
	for i, have := range roles {
		c := Caller{KeyID: 1, OrgID: 5, Role: have}
		for j, want := range roles {
			if got := c.AtLeast(want); got != (i >= j) {
				t.Errorf("%s.AtLeast(%s) = %t", have, want, got)
			}
		}
		if !ValidRole(have) {
			t.Errorf("ValidRole(%s) = false", have)
		}
	}
	for _, r := range []string{"", "viewer", "OWNER"} {
		if ValidRole(r) || (Caller{KeyID: 1, Role: r}).AtLeast(RoleViewer) {
			t.Errorf("role %q is taken as a role", r)
		}
	}
	if (Caller{Role: RolePlatform}).AtLeast(RoleViewer) {
		t.Error("an anonymous caller with a role counts as that role")
	}
	own, other := int64(5), int64(6)
	for _, tc := range []struct {
		name    string
		c       Caller
		owner   *int64
		granted bool
		want    bool
	}{
		{"editor of the owner", Caller{KeyID: 1, OrgID: 5, Role: RoleEditor}, &own, false, true},
		{"viewer of the owner", Caller{KeyID: 1, OrgID: 5, Role: RoleViewer}, &own, false, false},
		{"editor of another", Caller{KeyID: 1, OrgID: 5, Role: RoleEditor}, &other, false, false},
		{"editor granted", Caller{KeyID: 1, OrgID: 5, Role: RoleEditor}, &other, true, true},
		{"viewer granted", Caller{KeyID: 1, OrgID: 5, Role: RoleViewer}, &other, true, false},
		{"nobody's record", Caller{KeyID: 1, OrgID: 5, Role: RoleAdmin}, nil, false, false},
		{"nobody's record, granted", Caller{KeyID: 1, OrgID: 5, Role: RoleAdmin}, nil, true, true},
		{"anonymous granted", Caller{OrgID: 5, Role: RoleAdmin}, &own, true, false},
	} {
		if got := CanEdit(tc.c, tc.owner, tc.granted); got != tc.want {
			t.Errorf("CanEdit, %s = %t, want %t", tc.name, got, tc.want)
		}
		if err := RequireEdit(tc.c, "event", tc.owner, tc.granted); (err == nil) != tc.want {
			t.Errorf("RequireEdit, %s = %v, want allowed %t", tc.name, err, tc.want)
		}
	}
	if err := RequireRole(Caller{KeyID: 1, Role: RoleViewer}, RoleViewer, "read"); err != nil {
		t.Errorf("a viewer asked for a viewer: %v", err)
	}
	if err := RequireRole(Caller{KeyID: 1, Role: RoleEditor}, RolePlatform, "create an organization"); !errors.Is(err, ErrForbidden) ||
		!strings.HasSuffix(err.Error(), "use a platform key") {
		t.Errorf("an editor asked for platform: %v", err)
	}
}

func TestSeesOrganizationRecordsAndContext(t *testing.T) {
	t.Parallel()
	c := Caller{KeyID: 2, OrgID: 9, Role: RoleViewer, Prefix: "cpk_abcdef"}
	for _, tc := range []struct {
		c    Caller
		orgs []int64
		want bool
	}{
		{c, []int64{9}, true}, {c, []int64{1, 9}, true}, {c, []int64{1, 2}, false}, {c, nil, false},
		{Caller{OrgID: 9}, []int64{9}, false},
	} {
		if got := SeesOrganizationRecords(tc.c, tc.orgs...); got != tc.want {
			t.Errorf("SeesOrganizationRecords(%+v, %v) = %t", tc.c, tc.orgs, got)
		}
	}
	if d := cmp.Diff(c, FromContext(With(context.Background(), c))); d != "" {
		t.Errorf("caller through the context (-want +got):\n%s", d)
	}
	if got := FromContext(context.Background()); !got.Anonymous() {
		t.Errorf("a context without a caller gives %+v", got)
	}
}
