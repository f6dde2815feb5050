package seed_test

import (
	"context"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/seed"
)

const dumpQuery = `
fragment page on PageInfo { hasNextPage hasPreviousPage }
{
  countries(first: 100) {
    totalCount pageInfo { ...page }
    nodes { id code name aliases aseanMember events(first: 100) { totalCount nodes { id } } }
  }
  organizations(first: 100) {
    totalCount pageInfo { ...page }
    nodes {
      id slug name kind country { code } website description source
      campaigns(first: 100) { totalCount nodes { id } }
      events(first: 100) { totalCount nodes { id } }
    }
  }
  campaigns(first: 100) {
    totalCount pageInfo { ...page }
    nodes {
      id slug name summary description status focus themes audiences objectives
      startsOn startsOnPrecision endsOn endsOnPrecision
      parent { id } children(first: 100) { totalCount nodes { id } }
      countries { code } coverage { country { code } since sincePrecision }
      partners { organization { id } role note }
      fundingCommitments {
        id funder { id } amount amountMinor currency purpose committedOn committedOnPrecision source
      }
      events(first: 100) { totalCount nodes { id } }
      indicators {
        id code name description unit campaign { id }
        periods { start startPrecision end endPrecision baseline target actual actualComparator note source }
      }
      source createdAt updatedAt
    }
  }
  events(first: 100) {
    totalCount pageInfo { ...page }
    nodes {
      id title summary description kind status startsAt endsAt startsOn datePrecision dateQualifier
      dateLabel timeZone
      venue { id name city country { code } coordinates { latitude longitude } address }
      onlineUrl capacity registration { opensAt closesAt waitlistEnabled }
      campaign { id } organizer { id } coHosts { id } attendance mediaReach source createdAt updatedAt
    }
  }
  youthNetworks(first: 100) {
    totalCount pageInfo { ...page }
    nodes {
      id slug name description scope country { code } parent { id }
      chapters(first: 100) { totalCount nodes { id } }
      foundedAt { id } coordinators { id } channels { platform url handle }
      source createdAt updatedAt
    }
  }
}`

// dump returns everything the API shows, and fails the test unless it holds the whole seed
// on one page of each list.
func dump(t *testing.T, c *apitest.Client) map[string]any {
	t.Helper()
	res := c.Query(t, dumpQuery, nil)
	var totals map[string]struct {
		TotalCount int
		PageInfo   struct{ HasNextPage bool }
	}
	res.MustData(t, &totals)
	want := map[string]int{
		"countries": wantCountries, "organizations": wantOrganizations, "campaigns": wantCampaigns,
		"events": wantEvents, "youthNetworks": wantNetworks,
	}
	for list, n := range want {
		if got := totals[list]; got.TotalCount != n || got.PageInfo.HasNextPage {
			t.Errorf("%s: totalCount %d, hasNextPage %v; want %d on one page", list, got.TotalCount, got.PageInfo.HasNextPage, n)
		}
	}
	var all map[string]any
	res.MustData(t, &all)
	return all
}

// table is one table's row count and rows, each row as JSON, in a stable order.
type table struct {
	Rows    int
	Content []string
}

// snapshot reads every table of the database at url, including those the API does not
// expose (seed_versions) and columns it hides (private addresses). It only reads.
func snapshot(t *testing.T, url string) map[string]table {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect to %s: %v", url, err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`)
	if err != nil {
		t.Fatalf("list tables: %v", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("list tables: %v", err)
	}
	out := map[string]table{}
	for _, name := range names {
		rows, err := conn.Query(ctx, "SELECT to_jsonb(t)::text AS row FROM "+pgx.Identifier{name}.Sanitize()+" t ORDER BY 1")
		if err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		content, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		out[name] = table{Rows: len(content), Content: content}
	}
	return out
}

// counts returns the row count of each table of a snapshot.
func counts(s map[string]table) map[string]int {
	out := map[string]int{}
	for name, tb := range s {
		out[name] = tb.Rows
	}
	return out
}

// loadSerially returns a snapshot of a fresh database seeded once, to compare others with.
func loadSerially(t *testing.T) map[string]table {
	t.Helper()
	st, url := dbtest.NewWithURL(t)
	if ran, err := seed.Load(context.Background(), st); err != nil || !ran {
		t.Fatalf("first seed.Load = %v, %v; want true, nil", ran, err)
	}
	return snapshot(t, url)
}

func TestLoadTwiceChangesNothing(t *testing.T) {
	ctx := context.Background()
	st, url := dbtest.NewWithURL(t)
	c := apitest.New(st)
	empty := snapshot(t, url)
	if ran, err := seed.Load(ctx, st); err != nil || !ran {
		t.Fatalf("first seed.Load = %v, %v; want true, nil", ran, err)
	}
	beforeAPI, beforeDB := dump(t, c), snapshot(t, url)
	if d := cmp.Diff(counts(empty), counts(beforeDB)); d == "" {
		t.Fatalf("the first load added no rows to any table")
	}
	if got, want := beforeDB["seed_versions"].Rows, len(seed.Versions()); got != want {
		t.Errorf("seed_versions has %d rows after one load, want %d, one per version", got, want)
	}

	if ran, err := seed.Load(ctx, st); err != nil || ran {
		t.Fatalf("second seed.Load = %v, %v; want false, nil", ran, err)
	}
	diff(t, "API dump after a second load", beforeAPI, dump(t, c))
	diff(t, "tables after a second load", beforeDB, snapshot(t, url))
}

func TestConcurrentLoadsSeedOnce(t *testing.T) {
	want := counts(loadSerially(t))
	for round := range 3 {
		st, url := dbtest.NewWithURL(t)
		var (
			wg    sync.WaitGroup
			start = make(chan struct{})
			ran   [2]bool
			errs  [2]error
		)
		for i := range ran {
			wg.Go(func() {
				<-start
				ran[i], errs[i] = seed.Load(context.Background(), st)
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("round %d: load %d: %v", round, i, err)
			}
		}
		if ran[0] == ran[1] {
			t.Errorf("round %d: loads reported %v; want exactly one true", round, ran)
		}
		diff(t, "row counts after concurrent loads", want, counts(snapshot(t, url)))
		var got struct{ Campaigns struct{ TotalCount int } }
		query(t, apitest.New(st), `{ campaigns { totalCount } }`, nil, &got)
		if got.Campaigns.TotalCount != wantCampaigns {
			t.Errorf("round %d: campaigns totalCount = %d, want %d", round, got.Campaigns.TotalCount, wantCampaigns)
		}
	}
}
