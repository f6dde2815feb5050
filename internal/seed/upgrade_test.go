package seed_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/jackc/pgx/v5"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/seed"
)

// stable drops from a snapshot what differs between two loads of the same data at different
// moments or in different transactions: timestamps and transaction IDs.
func stable(t *testing.T, s map[string]table) map[string][]map[string]any {
	t.Helper()
	out := map[string][]map[string]any{}
	for name, tb := range s {
		rows := []map[string]any{}
		for _, r := range tb.Content {
			var row map[string]any
			if err := json.Unmarshal([]byte(r), &row); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for _, volatile := range []string{"created_at", "updated_at", "applied_at", "at", "xid"} {
				delete(row, volatile)
			}
			rows = append(rows, row)
		}
		out[name] = rows
	}
	return out
}

// exec runs statements on the database at url, as an operator or partner would have changed
// it between two versions of the seed.
func exec(t *testing.T, url string, stmts ...string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// withoutHistory is a snapshot without the change log.
func withoutHistory(tables map[string]table) map[string]table {
	out := make(map[string]table, len(tables))
	for name, tb := range tables {
		if name != "changes" {
			out[name] = tb
		}
	}
	return out
}

// TestUpgradeFromFirstVersion starts, as a new version of the server would, on a database
// seeded with the first version of the seed: the next load adds owners, websites and
// translations, and the database ends exactly as a new one seeded at once, with nothing
// twice; a load after that changes nothing.
func TestUpgradeFromFirstVersion(t *testing.T) {
	ctx := context.Background()
	old, oldURL := dbtest.NewWithURL(t)
	if err := seed.LoadFirstVersion(ctx, old); err != nil {
		t.Fatalf("first version: %v", err)
	}
	before := snapshot(t, oldURL)
	if n := before["translations"].Rows; n != 0 {
		t.Fatalf("the first version holds %d translations; the test assumes none", n)
	}

	if ran, err := seed.Load(ctx, old); err != nil || !ran {
		t.Fatalf("seed.Load on a database of the first version = %v, %v; want true, nil", ran, err)
	}
	upgraded := snapshot(t, oldURL)
	fresh, freshURL := dbtest.NewWithURL(t)
	if ran, err := seed.Load(ctx, fresh); err != nil || !ran {
		t.Fatalf("seed.Load on a new database = %v, %v; want true, nil", ran, err)
	}
	// The change log is history, not state: an upgrade committed twice, a new database once,
	// and a campaign's per-country rows are written once per commit (migration 00014).
	freshState := withoutHistory(snapshot(t, freshURL))
	diff(t, "row counts of an upgraded database and a new one", counts(freshState), counts(withoutHistory(upgraded)))
	diff(t, "tables of an upgraded database and a new one", stable(t, freshState), stable(t, withoutHistory(upgraded)))
	if upgraded["translations"].Rows == 0 {
		t.Errorf("the upgrade added no translations")
	}

	if ran, err := seed.Load(ctx, old); err != nil || ran {
		t.Fatalf("a second seed.Load after the upgrade = %v, %v; want false, nil", ran, err)
	}
	diff(t, "tables after a second load", upgraded, snapshot(t, oldURL))
}

// TestUpgradeKeepsPartnersChanges changes, between the two versions, what the second would
// set: an owner chosen by the platform, a website, a partner's translation. The upgrade keeps
// each and fills in the rest.
func TestUpgradeKeepsPartnersChanges(t *testing.T) {
	ctx := context.Background()
	st, url := dbtest.NewWithURL(t)
	if err := seed.LoadFirstVersion(ctx, st); err != nil {
		t.Fatalf("first version: %v", err)
	}
	const partnerKhmer = "ឈ្មោះដែលដៃគូសរសេរ"
	exec(t, url,
		`UPDATE campaigns SET owner_id = (SELECT id FROM organizations WHERE slug = 'asean') WHERE slug = 'mtv-exit'`,
		`UPDATE organizations SET website = 'https://partner.example.org' WHERE slug = 'usaid'`,
		`UPDATE campaigns SET source = 'Checked against MTV EXIT annual report' WHERE slug = 'mtv-exit-southeast-asia'`,
		`INSERT INTO translations (entity_type, entity_id, field, language, text, source_md5)
		 SELECT 'CAMPAIGN', id, 'NAME', 'km', '`+partnerKhmer+`', md5(name) FROM campaigns WHERE slug = 'mtv-exit-southeast-asia'`,
		`DELETE FROM indicators WHERE code = 'outreach-activities'`,
	)
	if ran, err := seed.Load(ctx, st); err != nil || !ran {
		t.Fatalf("seed.Load = %v, %v; want true, nil", ran, err)
	}
	var got struct {
		Global   struct{ Owner *ref }
		Regional struct {
			Owner        *ref
			Source       string
			Name         string
			Translations []struct{ Language, Text, Origin string }
		}
		USAID struct{ Website *string }
		ASEAN struct{ Website *string }
	}
	query(t, apitest.New(st), `{
	  global: campaign(slug: "mtv-exit") { owner { slug } }
	  regional: campaign(slug: "mtv-exit-southeast-asia") {
	    owner { slug } source name(language: "km") translations(field: NAME) { language text origin }
	  }
	  usaid: organization(slug: "usaid") { website }
	  asean: organization(slug: "asean") { website }
	}`, nil, &got)
	if got.Global.Owner == nil || got.Global.Owner.Slug != "asean" {
		t.Errorf("mtv-exit owner = %+v; the platform's choice, asean, must stay", got.Global.Owner)
	}
	if got.Regional.Owner == nil || got.Regional.Owner.Slug != "mtv-exit" {
		t.Errorf("mtv-exit-southeast-asia owner = %+v, want mtv-exit", got.Regional.Owner)
	}
	if got.Regional.Source != "Checked against MTV EXIT annual report" {
		t.Errorf("a source a partner rewrote became %q", got.Regional.Source)
	}
	if got.Regional.Name != partnerKhmer {
		t.Errorf("name in km = %q; the partner's translation must win over the seed's", got.Regional.Name)
	}
	languages := map[string]string{}
	for _, tr := range got.Regional.Translations {
		if _, dup := languages[tr.Language]; dup {
			t.Errorf("two NAME translations in %s", tr.Language)
		}
		languages[tr.Language] = tr.Origin
	}
	if languages["km"] != "PARTNER" || languages["th"] != "SEED" || len(languages) != 6 {
		t.Errorf("name translations by origin = %v; want the partner's km and the seed's five others", languages)
	}
	if got.USAID.Website == nil || *got.USAID.Website != "https://partner.example.org" {
		t.Errorf("usaid website = %v; the partner's must stay", got.USAID.Website)
	}
	if got.ASEAN.Website == nil || *got.ASEAN.Website != "https://asean.org" {
		t.Errorf("asean website = %v, want https://asean.org", got.ASEAN.Website)
	}
}
