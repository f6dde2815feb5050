package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"campaigns/internal/apitest"
	"campaigns/internal/auth"
	"campaigns/internal/dbtest"
	"campaigns/internal/store"
	"campaigns/internal/validate"
	"campaigns/models"
)

// callerOf returns a caller acting for the organization with the given slug (created if
// the database has none) through a new key of role, as the API would identify it.
func callerOf(t *testing.T, st *store.Store, orgSlug, role string) auth.Caller {
	t.Helper()
	c, err := st.Caller(context.Background(), auth.Hash(apitest.Key(t, st, orgSlug, role)))
	if err != nil {
		t.Fatalf("caller of %s: %v", orgSlug, err)
	}
	return c
}

// write runs fn as one write of caller, as a mutation would, and returns what fn returned.
func write[T any](t *testing.T, st *store.Store, c auth.Caller, fn func(*store.Tx) (T, error)) (T, error) {
	t.Helper()
	var out T
	_, _, err := st.Write(context.Background(), c, "", store.Request{Operation: t.Name()}, func(tx *store.Tx) (string, error) {
		var err error
		out, err = fn(tx)
		return "x", err
	})
	return out, err
}

// must is write for a fixture that has to succeed.
func must[T any](t *testing.T, st *store.Store, c auth.Caller, fn func(*store.Tx) (T, error)) T {
	t.Helper()
	v, err := write(t, st, c, fn)
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return v
}

// codes returns the user-error codes of err by field ("input.x": code; "A,B" for a field
// with two problems), or nil when err is not validate.Problems.
func codes(err error) map[string]string {
	var p validate.Problems
	if !errors.As(err, &p) {
		return nil
	}
	out := make(map[string]string, len(p))
	for _, pr := range p {
		field := ""
		for i, f := range pr.Field {
			if i > 0 {
				field += "."
			}
			field += f
		}
		if out[field] != "" {
			out[field] += ","
		}
		out[field] += pr.Code
	}
	return out
}

// wantErr checks err: nil when want is nil; otherwise errors.Is(err, want) for a sentinel,
// or the same user-error codes for validate.Problems given as a map.
func wantErr(t *testing.T, what string, err error, want any) {
	t.Helper()
	switch w := want.(type) {
	case nil:
		if err != nil {
			t.Errorf("%s: %v, want success", what, err)
		}
	case error:
		if !errors.Is(err, w) {
			t.Errorf("%s: %v, want %v", what, err, w)
		}
	case map[string]string:
		got := codes(err)
		if len(got) != len(w) {
			t.Errorf("%s: %v, want user errors %v", what, err, w)
			return
		}
		for f, c := range w {
			if got[f] != c {
				t.Errorf("%s: %v, want user errors %v", what, err, w)
				return
			}
		}
	default:
		t.Fatalf("wantErr: cannot want a %T", want)
	}
}

// campaignWorld is a database with two countries and three organizations: an owner of
// campaigns, a partner of them, and a stranger to them. On the shared database, the world's
// organizations and records take a prefix of its own (slug); on a database of its own it
// has none.
type campaignWorld struct {
	st                     *store.Store
	prefix                 string
	owner, viewer, partner auth.Caller
	stranger               auth.Caller
}

// newCampaignWorld makes a world on the package's shared database (main_test.go).
func newCampaignWorld(t *testing.T) *campaignWorld {
	t.Helper()
	return newWorldOn(t, sharedStore(t), fmt.Sprintf("w%d-", shared.worlds.Add(1)))
}

// newOwnCampaignWorld makes a world on a database of its own, for tests that read whole lists.
func newOwnCampaignWorld(t *testing.T) *campaignWorld {
	t.Helper()
	return newWorldOn(t, dbtest.New(t), "")
}

func newWorldOn(t *testing.T, st *store.Store, prefix string) *campaignWorld {
	t.Helper()
	_, err := st.SeedOnce(context.Background(), "countries", func(w *store.Writer) error {
		return w.Insert(&models.Country{Code: "MM", Name: "Myanmar", AliasList: models.StringList{"Burma"}, AseanMember: true},
			&models.Country{Code: "TH", Name: "Thailand", AseanMember: true})
	})
	if err != nil {
		t.Fatal(err)
	}
	w := &campaignWorld{st: st, prefix: prefix}
	w.owner, w.viewer = w.caller(t, "owner", auth.RoleEditor), w.caller(t, "owner", auth.RoleViewer)
	w.partner, w.stranger = w.caller(t, "partner", auth.RoleEditor), w.caller(t, "stranger", auth.RoleEditor)
	return w
}

// slug is the world's form of a slug; unslug takes the prefix off again.
func (w *campaignWorld) slug(s string) string   { return w.prefix + s }
func (w *campaignWorld) unslug(s string) string { return strings.TrimPrefix(s, w.prefix) }
func (w *campaignWorld) slugp(s string) *string { return ptr(w.slug(s)) }

// caller is callerOf for an organization of the world.
func (w *campaignWorld) caller(t *testing.T, org, role string) auth.Caller {
	t.Helper()
	return callerOf(t, w.st, w.slug(org), role)
}

// campaign creates a campaign of the owner with the given slug and status.
func (w *campaignWorld) campaign(t *testing.T, slug, status string) *models.Campaign {
	t.Helper()
	return must(t, w.st, w.owner, func(tx *store.Tx) (*models.Campaign, error) {
		return tx.CreateCampaign(store.CampaignInput{Slug: w.slugp(slug), Name: ptr("Campaign " + slug), Status: &status})
	})
}

// event creates an event of c organized by caller, starting at start in Asia/Yangon.
func (w *campaignWorld) event(t *testing.T, by auth.Caller, c *models.Campaign, start time.Time, in store.EventInput) *models.Event {
	t.Helper()
	in.CampaignID, in.StartsAt, in.TimeZone = c.ID, &start, ptr("Asia/Yangon")
	if in.Title == nil {
		in.Title = ptr("Youth session")
	}
	if in.Kind == nil {
		in.Kind = ptr("YOUTH_SESSION")
	}
	return must(t, w.st, by, func(tx *store.Tx) (*models.Event, error) { return tx.CreateEvent(in) })
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }
