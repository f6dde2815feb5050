package api_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"campaigns/graph"
	"campaigns/graph/generated"
	"campaigns/internal/api"
	"campaigns/internal/apitest"
	"campaigns/internal/config"
	"campaigns/internal/dbtest"
)

// docDocument is one GraphQL document of docs/: a .graphql file, a ```graphql block of a
// page, the query of a curl example, or a gql`…` template of a JavaScript example.
type docDocument struct {
	where string // file and line, for messages
	text  string
	todo  bool // a ```graphql todo block: its field does not exist yet
	key   bool // sent with an API key (as mutations and the examples that show one are)
}

var (
	graphqlBlock = regexp.MustCompile("(?s)```graphql( todo)?\n(.*?)```")
	jsBlock      = regexp.MustCompile("(?s)```(?:js|ts|javascript|typescript)\n(.*?)```")
	gqlTemplate  = regexp.MustCompile("(?s)gql`(.*?)`")
	shBlock      = regexp.MustCompile("(?s)```sh\n(.*?)```")
	// A curl example is one command (lines joined by a backslash) with the query in a JSON
	// body or in a URL-encoded query parameter.
	curlCommand = regexp.MustCompile(`(?m)^curl (?:.*\\\n)*.*$`)
	jsonQuery   = regexp.MustCompile(`"query":("(?:[^"\\]|\\.)*")`)
	urlQuery    = regexp.MustCompile(`--data-urlencode 'query=([^']*)'`)
)

// docDocuments collects every GraphQL document of docs/.
func docDocuments(t *testing.T, dir string) []docDocument {
	t.Helper()
	var docs []docDocument
	files, err := filepath.Glob(filepath.Join(dir, "queries", "*.graphql"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, docDocument{where: f, text: string(b)})
	}
	pages, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, page := range pages {
		b, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		line := func(offset int) string { return fmt.Sprintf("%s:%d", page, strings.Count(text[:offset], "\n")+1) }
		for _, m := range graphqlBlock.FindAllStringSubmatchIndex(text, -1) {
			docs = append(docs, docDocument{where: line(m[0]), text: text[m[4]:m[5]], todo: m[2] >= 0})
		}
		for _, m := range jsBlock.FindAllStringSubmatchIndex(text, -1) {
			block := text[m[2]:m[3]]
			for _, g := range gqlTemplate.FindAllStringSubmatchIndex(block, -1) {
				docs = append(docs, docDocument{where: line(m[2] + g[0]), text: block[g[2]:g[3]]})
			}
		}
		for _, m := range shBlock.FindAllStringSubmatchIndex(text, -1) {
			block := text[m[2]:m[3]]
			for _, c := range curlCommand.FindAllStringIndex(block, -1) {
				cmd := block[c[0]:c[1]]
				d := docDocument{where: line(m[2] + c[0]), key: strings.Contains(cmd, "Authorization:")}
				if q := jsonQuery.FindStringSubmatch(cmd); q != nil {
					if err := json.Unmarshal([]byte(q[1]), &d.text); err != nil {
						t.Fatalf("%s: the query is not a JSON string: %v", d.where, err)
					}
				} else if q := urlQuery.FindStringSubmatch(cmd); q != nil {
					d.text = q[1]
				} else {
					t.Fatalf("%s: a curl example without a query the test can find", d.where)
				}
				docs = append(docs, d)
			}
		}
	}
	return docs
}

// TestDocsQueriesRun holds the client developers' docs to the schema: every GraphQL document
// in docs/ (the queries behind a partner frontend's screens and a mobile app's sync loop, and
// the quickstart's curl and JavaScript examples) parses, validates against the schema and
// runs against the seeded database with the public limits, with no error and no userErrors.
// A ```graphql todo block names a field that is not built yet: it must parse, and fails the
// test once it validates, so that the docs start checking it the day the field exists.
func TestDocsQueriesRun(t *testing.T) {
	docs := docDocuments(t, "../../docs")
	if len(docs) < 14 {
		t.Fatalf("found %d GraphQL documents in docs/, want at least 14", len(docs))
	}
	schema := generated.NewExecutableSchema(generated.Config{Resolvers: &graph.Resolver{}}).Schema()
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	st := dbtest.Seeded(t)
	anonymous := &apitest.Client{Handler: api.New(st, api.Options{Limits: cfg.Limits})}
	editor := anonymous.As(apitest.Key(t, st, "docs-partner", "EDITOR"))
	vars := docVariables(t, anonymous, editor)

	ran := map[string]bool{} // a page may show a file's document again; run it once
	for _, d := range docs {
		if d.todo {
			if _, err := parser.ParseQuery(&ast.Source{Name: d.where, Input: d.text}); err != nil {
				t.Errorf("%s: %v", d.where, err)
			} else if _, errs := gqlparser.LoadQueryWithRules(schema, d.text, nil); len(errs) == 0 {
				t.Errorf("%s validates against the schema now: drop `todo` from its ```graphql fence so that it is run", d.where)
			}
			continue
		}
		doc, errs := gqlparser.LoadQueryWithRules(schema, d.text, nil)
		if len(errs) > 0 {
			t.Errorf("%s does not validate: %v", d.where, errs)
			continue
		}
		key := strings.Join(strings.Fields(d.text), " ")
		if ran[key] {
			continue
		}
		ran[key] = true
		for _, op := range doc.Operations {
			client := anonymous
			if d.key || op.Operation == ast.Mutation {
				client = editor
			}
			args := map[string]any{}
			for _, v := range op.VariableDefinitions {
				val, ok := vars[v.Variable]
				if !ok && v.Type.NonNull && v.DefaultValue == nil {
					t.Errorf("%s: no value for $%s; add one to docVariables", d.where, v.Variable)
				}
				if ok {
					args[v.Variable] = val
				}
			}
			body, err := json.Marshal(map[string]any{"query": d.text, "operationName": op.Name, "variables": args})
			if err != nil {
				t.Fatal(err)
			}
			res := client.Post(t, "application/json", body)
			if len(res.Errors) > 0 {
				t.Errorf("%s (%s): %+v", d.where, op.Name, res.Errors)
				continue
			}
			var data map[string]any
			if err := json.Unmarshal(res.Data, &data); err != nil {
				t.Fatalf("%s: %v", d.where, err)
			}
			for field, v := range data {
				if v == nil {
					t.Errorf("%s (%s): %s is null with these variables: %v", d.where, op.Name, field, args)
				}
			}
			if ue := userErrors(data); len(ue) > 0 {
				t.Errorf("%s (%s): userErrors %v", d.where, op.Name, ue)
			}
		}
	}
}

// docVariables are the values the docs' operations get for their variables, by name. The
// event and member are made the way a partner makes them, through the API: a campaign of the
// partner's own, an event in it that takes registrations, and a member to register.
func docVariables(t *testing.T, anonymous, editor *apitest.Client) map[string]any {
	t.Helper()
	var c struct {
		M struct {
			Campaign   struct{ ID string }
			UserErrors []any
		}
	}
	editor.Query(t, `mutation { m: createCampaign(input: { slug: "docs-campaign", name: "Docs campaign", status: ACTIVE }) {
		campaign { id } userErrors { field message } } }`, nil).MustData(t, &c)
	if len(c.M.UserErrors) > 0 {
		t.Fatalf("create a campaign: %v", c.M.UserErrors)
	}
	start := time.Now().UTC().Add(30 * 24 * time.Hour).Truncate(time.Minute)
	var e struct {
		M struct {
			Event      struct{ ID string }
			UserErrors []any
		}
	}
	editor.Query(t, `mutation ($in: CreateEventInput!) { m: createEvent(input: $in) { event { id } userErrors { field message } } }`,
		map[string]any{"in": map[string]any{
			"campaign": c.M.Campaign.ID, "title": "Youth forum", "kind": "OUTREACH", "status": "SCHEDULED",
			"startsAt": start.Format(time.RFC3339), "timeZone": "Asia/Yangon", "capacity": 50,
			"venue":        map[string]any{"name": "Community hall", "city": "Yangon", "country": "Burma"},
			"registration": map[string]any{"closesAt": start.Add(-24 * time.Hour).Format(time.RFC3339), "waitlistEnabled": true},
		}}).MustData(t, &e)
	if len(e.M.UserErrors) > 0 {
		t.Fatalf("create an event: %v", e.M.UserErrors)
	}
	var m struct {
		M struct {
			Member     struct{ ID string }
			UserErrors []any
		}
	}
	editor.Query(t, `mutation { m: createMember(input: { displayName: "Dara", ageBand: AGE_18_24, country: "KH" }) {
		member { id } userErrors { field message } } }`, nil).MustData(t, &m)
	if len(m.M.UserErrors) > 0 {
		t.Fatalf("create a member: %v", m.M.UserErrors)
	}
	return map[string]any{
		"slug":           "mtv-exit-southeast-asia",
		"country":        "Burma",
		"network":        "asean-mtv-exit-youth-network",
		"id":             e.M.Event.ID,
		"event":          e.M.Event.ID,
		"member":         m.M.Member.ID,
		"displayName":    "Sokha",
		"ageBand":        "AGE_16_17",
		"after":          nil,
		"first":          10,
		"ids":            []string{e.M.Event.ID},
		"cursor":         nil,
		"token":          nil,
		"idempotencyKey": "docs-" + time.Now().UTC().Format("20060102150405.000000000"),
	}
}

// userErrors returns every non-empty userErrors list in data.
func userErrors(v any) []any {
	var out []any
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if list, ok := x.([]any); ok && k == "userErrors" {
				out = append(out, list...)
				continue
			}
			out = append(out, userErrors(x)...)
		}
	case []any:
		for _, x := range v {
			out = append(out, userErrors(x)...)
		}
	}
	return out
}
