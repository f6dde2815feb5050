package contract

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vektah/gqlparser/v2/ast"
)

// base is the release the cases change; every element is described and named by the rules,
// so that Lint's cases can start from it too.
const base = `
"Q." type Query {
  "A." campaign("B." slug: String!, "C." first: Int = 10, "D." status: Status): Campaign
  "E." campaigns("F." filter: CampaignFilter): [Campaign!]!
}
"M." type Mutation { "G." createCampaign("H." input: CreateCampaignInput!): CampaignPayload! }
"I." interface Node { "J." id: ID! }
"K." type Campaign implements Node {
  "L." id: ID!
  "N." name: String!
  "O." summary: String
  "P." tags: [String!]!
}
"R." type CampaignPayload { "S." campaign: Campaign }
"T." input CreateCampaignInput { "U." name: String!, "V." summary: String }
"W." input CampaignFilter { "X." status: Status }
"Y." enum Status { "Z." DRAFT "Z." PUBLISHED }
"U." union SearchResult = Campaign
`

func load(t *testing.T, sdl string) *ast.Schema {
	t.Helper()
	s, err := Load("test.graphql", []byte(sdl))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// edit returns base with old replaced by new, failing when old is not there.
func edit(t *testing.T, pairs ...string) string {
	t.Helper()
	s := base
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("base has no %q", pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

func replaceOnce(s, old, new string) string { return strings.Replace(s, old, new, 1) }

func TestDiffFindsEachBreakingKind(t *testing.T) {
	cases := []struct {
		name  string
		edits []string
		want  []string // IDs of the breaking changes
	}{
		{"type removed", []string{`"U." union SearchResult = Campaign`, ``}, []string{"TYPE_REMOVED SearchResult"}},
		{"type kind changed", []string{`"U." union SearchResult = Campaign`, `"U." type SearchResult { "x." x: Int }`},
			[]string{"TYPE_KIND_CHANGED SearchResult"}},
		{"field removed", []string{`"O." summary: String`, ``}, []string{"FIELD_REMOVED Campaign.summary"}},
		{"output made nullable", []string{`"N." name: String!`, `"N." name: String`}, []string{"FIELD_TYPE_CHANGED Campaign.name"}},
		{"output list element made nullable", []string{`tags: [String!]!`, `tags: [String]!`}, []string{"FIELD_TYPE_CHANGED Campaign.tags"}},
		{"output type renamed", []string{`"O." summary: String`, `"O." summary: ID`}, []string{"FIELD_TYPE_CHANGED Campaign.summary"}},
		{"output made a list", []string{`"O." summary: String`, `"O." summary: [String]`}, []string{"FIELD_TYPE_CHANGED Campaign.summary"}},
		{"argument removed", []string{`, "D." status: Status`, ``}, []string{"ARG_REMOVED Query.campaign(status)"}},
		{"argument made non-null", []string{`"C." first: Int = 10`, `"C." first: Int! = 10`}, []string{"ARG_TYPE_CHANGED Query.campaign(first)"}},
		{"argument type changed", []string{`"D." status: Status`, `"D." status: String`}, []string{"ARG_TYPE_CHANGED Query.campaign(status)"}},
		{"argument made a list", []string{`"D." status: Status`, `"D." status: [Status]`}, []string{"ARG_TYPE_CHANGED Query.campaign(status)"}},
		{"required argument added", []string{`"D." status: Status`, `"D." status: Status, "new." lang: String!`},
			[]string{"ARG_ADDED_REQUIRED Query.campaign(lang)"}},
		{"input field removed", []string{`, "V." summary: String`, ``}, []string{"INPUT_FIELD_REMOVED CreateCampaignInput.summary"}},
		{"input field made non-null", []string{`"V." summary: String }`, `"V." summary: String! }`},
			[]string{"INPUT_FIELD_TYPE_CHANGED CreateCampaignInput.summary"}},
		{"required input field added", []string{`"V." summary: String }`, `"V." summary: String, "new." country: ID! }`},
			[]string{"INPUT_FIELD_ADDED_REQUIRED CreateCampaignInput.country"}},
		{"enum value removed", []string{`"Z." PUBLISHED`, ``}, []string{"ENUM_VALUE_REMOVED Status.PUBLISHED"}},
		{"union member removed", []string{`union SearchResult = Campaign`, `union SearchResult = CampaignPayload`},
			[]string{"UNION_MEMBER_REMOVED SearchResult.Campaign"}},
		{"interface removed", []string{`type Campaign implements Node`, `type Campaign`}, []string{"INTERFACE_REMOVED Campaign.Node"}},
		{"two at once", []string{`"O." summary: String`, ``, `"Z." DRAFT`, ``},
			[]string{"FIELD_REMOVED Campaign.summary", "ENUM_VALUE_REMOVED Status.DRAFT"}},
	}
	old := load(t, base)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			changes := Diff(old, load(t, edit(t, tc.edits...)))
			var got []string
			for _, c := range Breaking(changes) {
				got = append(got, c.ID())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("breaking changes (-want +got):\n%s\nall changes: %v", diff, changes)
			}
		})
	}
}

func TestDiffLetsAdditiveChangesPass(t *testing.T) {
	cases := []struct {
		name  string
		edits []string
		want  []string // IDs of every change, none breaking
	}{
		{"nothing", nil, nil},
		{"descriptions and field order", []string{`"N." name: String!`, ``, `"L." id: ID!`, `"L." id: ID! "Another text." name: String!`}, nil},
		{"type added", []string{`"U." union`, `"new." scalar Date "U." union`}, []string{"TYPE_ADDED Date"}},
		{"field added", []string{`"P." tags`, `"new." slug: String "P." tags`}, []string{"FIELD_ADDED Campaign.slug"}},
		{"output made non-null", []string{`"O." summary: String`, `"O." summary: String!`}, []string{"TYPE_LOOSENED Campaign.summary"}},
		{"optional argument added", []string{`"D." status: Status`, `"D." status: Status, "new." lang: String, "new." n: Int! = 3`},
			[]string{"ARG_ADDED Query.campaign(lang)", "ARG_ADDED Query.campaign(n)"}},
		{"argument made nullable", []string{`"B." slug: String!`, `"B." slug: String`}, []string{"TYPE_LOOSENED Query.campaign(slug)"}},
		{"argument default changed", []string{`first: Int = 10`, `first: Int = 20`}, []string{"ARG_DEFAULT_CHANGED Query.campaign(first)"}},
		{"optional input field added", []string{`"V." summary: String }`, `"V." summary: String, "new." country: ID }`},
			[]string{"INPUT_FIELD_ADDED CreateCampaignInput.country"}},
		{"input field made nullable", []string{`"U." name: String!`, `"U." name: String`}, []string{"TYPE_LOOSENED CreateCampaignInput.name"}},
		{"enum value added", []string{`"Z." PUBLISHED`, `"Z." PUBLISHED "new." ARCHIVED`}, []string{"ENUM_VALUE_ADDED Status.ARCHIVED"}},
		{"union member added", []string{`union SearchResult = Campaign`, `union SearchResult = Campaign | CampaignPayload`},
			[]string{"UNION_MEMBER_ADDED SearchResult.CampaignPayload"}},
		{"field deprecated", []string{`"O." summary: String`, `"O." summary: String @deprecated(reason: "Use name. Removal: 2027-06-30")`},
			[]string{"FIELD_DEPRECATED Campaign.summary"}},
	}
	old := load(t, base)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			changes := Diff(old, load(t, edit(t, tc.edits...)))
			var got []string
			for _, c := range changes {
				got = append(got, c.ID())
				if c.Breaking {
					t.Errorf("%s counted as breaking", c)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckIntended(t *testing.T) {
	old := load(t, base)
	changes := Diff(old, load(t, edit(t, `"O." summary: String`, ``, `"Z." DRAFT`, ``, `"P." tags`, `"new." slug: String "P." tags`)))
	cases := []struct {
		name     string
		intended string
		want     []string
	}{
		{"none listed", "", []string{
			"breaking change not listed as intended: FIELD_REMOVED Campaign.summary",
			"breaking change not listed as intended: ENUM_VALUE_REMOVED Status.DRAFT",
		}},
		{"one listed", "# a comment\n\nFIELD_REMOVED Campaign.summary: folded into name; partners told 2027-01-10\n", []string{
			"breaking change not listed as intended: ENUM_VALUE_REMOVED Status.DRAFT",
		}},
		{"all listed", "FIELD_REMOVED Campaign.summary: folded into name\nENUM_VALUE_REMOVED Status.DRAFT: drafts are not public\n", nil},
		{"stale line", "FIELD_REMOVED Campaign.summary: x\nENUM_VALUE_REMOVED Status.DRAFT: y\nFIELD_REMOVED Campaign.tags: z\n", []string{
			"line 3 lists FIELD_REMOVED Campaign.tags, which is not a breaking change against the release; remove the line",
		}},
		{"additive change listed", "FIELD_REMOVED Campaign.summary: x\nENUM_VALUE_REMOVED Status.DRAFT: y\nFIELD_ADDED Campaign.slug: z\n", []string{
			"line 3 lists FIELD_ADDED Campaign.slug, which is not a breaking change against the release; remove the line",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			intended, err := ParseIntended([]byte(tc.intended))
			if err != nil {
				t.Fatal(err)
			}
			got := CheckIntended(changes, intended)
			for i := range got { // the detail in parentheses is for people
				got[i], _, _ = strings.Cut(got[i], " (")
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseIntendedRefusesLinesWithoutReason(t *testing.T) {
	for _, text := range []string{
		"FIELD_REMOVED Campaign.summary\n",
		"FIELD_REMOVED Campaign.summary:   \n",
		"FIELD_REMOVED: no path\n",
		"removed Campaign summary: three words\n",
	} {
		if _, err := ParseIntended([]byte(text)); err == nil {
			t.Errorf("ParseIntended(%q) accepted it", text)
		}
	}
}

func TestPrintIsStable(t *testing.T) {
	s := load(t, base)
	first := Print(s)
	again := Print(load(t, string(first)))
	if diff := cmp.Diff(string(first), string(again)); diff != "" {
		t.Errorf("printing the printed schema changed it (-first +again):\n%s", diff)
	}
	if changes := Diff(s, load(t, string(first))); len(changes) != 0 {
		t.Errorf("the printed schema differs from its source: %v", changes)
	}
}

func TestDiffDirectives(t *testing.T) {
	const directives = `
"Used in queries." directive @locale("The language." lang: String!) on FIELD
"Used only in the schema." directive @internal on FIELD_DEFINITION
`
	old := load(t, base+directives)
	changes := Diff(old, load(t, base))
	var got []string
	for _, c := range changes {
		got = append(got, c.ID())
	}
	// Removing a schema-only directive breaks no query, so it is not even a change clients see.
	if diff := cmp.Diff([]string{"DIRECTIVE_REMOVED @locale"}, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
}
