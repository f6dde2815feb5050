package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/seed"
)

// readmeCommand returns the arguments of the first command of the README that starts with
// prefix (after `go run .`), split as a shell would split them, without its comment.
func readmeCommand(t *testing.T, prefix string) []string {
	t.Helper()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(readme), "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "go run . "+prefix)
		if !ok {
			continue
		}
		var args []string
		var cur strings.Builder
		quoted, inWord := false, false
		for _, r := range prefix + rest {
			switch {
			case r == '"':
				quoted, inWord = !quoted, true
			case r == '#' && !quoted && !inWord:
				return args
			case (r == ' ' || r == '\t') && !quoted:
				if inWord {
					args, inWord = append(args, cur.String()), false
					cur.Reset()
				}
			default:
				cur.WriteRune(r)
				inWord = true
			}
		}
		if inWord {
			args = append(args, cur.String())
		}
		return args
	}
	t.Fatalf("the README has no line starting with `go run . %s`", prefix)
	return nil
}

// TestReadmeKeyAddsEventToItsCampaign does what the README tells a new partner: create MTV
// EXIT's editor key with the command as written, then add an event to MTV EXIT's campaign in
// Southeast Asia. The seed gives the campaign its owner, MTV EXIT, so the key may.
func TestReadmeKeyAddsEventToItsCampaign(t *testing.T) {
	t.Parallel()
	st, url := dbtest.NewWithURL(t)
	if _, err := seed.Load(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	args := readmeCommand(t, "apikey create")
	if !strings.Contains(strings.Join(args, " "), "--org mtv-exit --role editor") {
		t.Fatalf("the README's key example is now %q; this test follows it for MTV EXIT's editor", args)
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), args, env(map[string]string{"DATABASE_URL": url, "LOG_LEVEL": "error"}), &stdout, &stderr); code != 0 {
		t.Fatalf("%v: exit code %d: %s", args, code, stderr.String())
	}
	key := strings.TrimSpace(stdout.String())

	c := apitest.New(st).As(key)
	var campaign struct{ Campaign struct{ ID string } }
	c.Query(t, `{ campaign(slug: "mtv-exit-southeast-asia") { id } }`, nil).MustData(t, &campaign)
	var got struct {
		CreateEvent struct {
			Event *struct {
				Title     string
				Organizer struct{ Slug string }
				Campaign  struct{ Slug string }
			}
			UserErrors []struct {
				Field   []string
				Message string
			}
		}
	}
	c.Query(t, `mutation ($campaign: ID!) {
	  createEvent(input: { campaign: $campaign, title: "MTV EXIT concert in Phnom Penh", kind: CONCERT,
	                       startsAt: "2013-03-02T19:00:00+07:00", timeZone: "Asia/Phnom_Penh" }) {
	    event { title organizer { slug } campaign { slug } }
	    userErrors { field message }
	  } }`, map[string]any{"campaign": campaign.Campaign.ID}).MustData(t, &got)
	e := got.CreateEvent.Event
	if e == nil || e.Organizer.Slug != "mtv-exit" || e.Campaign.Slug != "mtv-exit-southeast-asia" || len(got.CreateEvent.UserErrors) != 0 {
		t.Fatalf("createEvent with the README's key = %+v", got.CreateEvent)
	}

	// The owner's key changes its campaign; another partner's editor (USAID funds it) may not.
	res := apitest.New(st).As(apitest.Key(t, st, "usaid", "EDITOR")).Query(t, `mutation ($campaign: ID!) {
	  createEvent(input: { campaign: $campaign, title: "USAID event", kind: OUTREACH,
	                       startsAt: "2013-03-02T19:00:00+07:00", timeZone: "Asia/Phnom_Penh" }) { event { title } } }`,
		map[string]any{"campaign": campaign.Campaign.ID})
	if res.ErrorCode(t) != "FORBIDDEN" {
		t.Errorf("a funder's editor created an event: %+v", res)
	}
}

// TestSeedCommandUpgradesAnOldSeed is a database as an earlier release left it: without the
// latest migration and seeded with the seed's first version. The next start's migrate and
// seed (what `go run .` does before it serves) give it owners, websites and translations,
// and a second start adds nothing.
func TestSeedCommandUpgradesAnOldSeed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, url := dbtest.NewWithURL(t)
	if err := st.MigrateDown(ctx); err != nil {
		t.Fatalf("roll back to the previous release's schema: %v", err)
	}
	if _, err := seed.LoadThrough(ctx, st, seed.FirstVersion); err != nil {
		t.Fatalf("first version: %v", err)
	}
	getenv := env(map[string]string{"DATABASE_URL": url, "LOG_LEVEL": "error"})
	for _, args := range [][]string{{"migrate", "up"}, {"seed"}, {"seed"}} {
		var stdout, stderr bytes.Buffer
		if code := run(ctx, args, getenv, &stdout, &stderr); code != 0 {
			t.Fatalf("%v: exit code %d: %s", args, code, stderr.String())
		}
	}
	var got struct {
		Campaign struct {
			Owner        *struct{ Slug string }
			Translations []struct{ Language string }
		}
		Organization struct{ Website *string }
	}
	apitest.New(st).Query(t, `{
	  campaign(slug: "mtv-exit-southeast-asia") { owner { slug } translations(field: NAME) { language } }
	  organization(slug: "usaid") { website } }`, nil).MustData(t, &got)
	if got.Campaign.Owner == nil || got.Campaign.Owner.Slug != "mtv-exit" || len(got.Campaign.Translations) != 6 ||
		got.Organization.Website == nil {
		t.Errorf("after the next start: %+v", got)
	}
}
