package api_test

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"campaigns/internal/api"
	"campaigns/internal/apitest"
	"campaigns/internal/config"
	"campaigns/internal/dbtest"
)

// TestReadmeQueriesRun runs every GraphQL example of the README against the seeded data, so
// that the examples a new partner copies first keep working as the schema changes.
func TestReadmeQueriesRun(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 5 {
		t.Fatalf("the README has %d GraphQL examples, want at least 5", len(blocks))
	}
	st := dbtest.Seeded(t)
	// The public limits, as a partner meets them.
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	c := &apitest.Client{Handler: api.New(st, api.Options{Limits: cfg.Limits})}
	editor := c.As(apitest.Key(t, st, "mtv-exit", "EDITOR"))
	var some struct {
		Events struct{ Nodes []struct{ ID string } }
	}
	c.Query(t, `{ events(first: 1) { nodes { id } } }`, nil).MustData(t, &some)
	vars := map[string]any{"id": some.Events.Nodes[0].ID}
	for i, b := range blocks {
		client := c
		if strings.HasPrefix(strings.TrimSpace(b[1]), "mutation") {
			client = editor
		}
		res := client.Query(t, b[1], vars)
		var data map[string]json.RawMessage
		res.MustData(t, &data)
		for field, v := range data {
			if string(v) == "null" {
				t.Errorf("example %d: %s is null", i+1, field)
			}
		}
	}
}
