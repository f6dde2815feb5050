package contract

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLintPassesTheBase(t *testing.T) {
	if problems := Lint(load(t, base)); len(problems) > 0 {
		t.Errorf("the base schema has problems: %q", problems)
	}
}

func TestLintFindsEachRule(t *testing.T) {
	const conn = `
"C." type Campaign { "i." id: ID! }
"P." type PageInfo { "h." hasNextPage: Boolean! }
"E." type CampaignEdge { "c." cursor: String! "n." node: Campaign! }
"Q." type Query { "l." list("f." first: Int, "a." after: String): CampaignConnection! }
`
	cases := []struct {
		name  string
		edits []string // applied to base, or to base+conn when the name says "connection"
		want  []string
	}{
		{"type without description", []string{`"K." type Campaign`, `type Campaign`}, []string{"object Campaign has no description"}},
		{"field without description", []string{`"N." name`, `name`}, []string{"Campaign.name has no description"}},
		{"argument without description", []string{`"B." slug`, `slug`}, []string{"argument Query.campaign(slug) has no description"}},
		{"input field without description", []string{`"X." status`, `status`}, []string{"CampaignFilter.status has no description"}},
		{"enum value without description", []string{`"Z." DRAFT`, `DRAFT`}, []string{"enum value Status.DRAFT has no description"}},
		{"type name", []string{`type CampaignPayload {`, `type campaign_payload {`, `: CampaignPayload!`, `: campaign_payload!`},
			[]string{"mutation createCampaign returns campaign_payload; a mutation returns a type named …Payload, so fields can be added to its result later",
				"object campaign_payload: type names are PascalCase"}},
		{"field name", []string{`"O." summary`, `"O." Summary_text`}, []string{"Campaign.Summary_text: field names are camelCase"}},
		{"argument name", []string{`"B." slug`, `"B." the_slug`}, []string{"argument Query.campaign(the_slug): argument names are camelCase"}},
		{"enum value name", []string{`"Z." DRAFT`, `"Z." Draft`}, []string{"enum value Status.Draft: enum values are UPPER_SNAKE_CASE"}},
		{"input name", []string{`input CreateCampaignInput`, `input CreateCampaign`, `input: CreateCampaignInput!`, `input: CreateCampaign!`},
			[]string{"input CreateCampaign: input type names end in Input, Filter, Order"}},
		{"mutation result", []string{`: CampaignPayload!`, `: Campaign!`},
			[]string{"mutation createCampaign returns Campaign; a mutation returns a type named …Payload, so fields can be added to its result later"}},
		{"deprecated without reason", []string{`"O." summary: String`, `"O." summary: String @deprecated`},
			[]string{`Campaign.summary is deprecated without a reason: say what to use instead and when it goes, e.g. @deprecated(reason: "Use x. Removal: 2027-06-30")`}},
		{"deprecated without date", []string{`"O." summary: String`, `"O." summary: String @deprecated(reason: "Use name.")`},
			[]string{`Campaign.summary: the deprecation reason names no removal date ("Removal: YYYY-MM-DD")`}},
		{"deprecated with a bad date", []string{`"Z." DRAFT`, `"Z." DRAFT @deprecated(reason: "Gone. Removal: 2027-02-30")`},
			[]string{"enum value Status.DRAFT: the removal date 2027-02-30 is not a date"}},
		{"deprecated argument without date", []string{`"D." status: Status`, `"D." status: Status @deprecated(reason: "Use filter.")`},
			[]string{`argument Query.campaign(status): the deprecation reason names no removal date ("Removal: YYYY-MM-DD")`}},
		{"deprecated well", []string{`"O." summary: String`, `"O." summary: String @deprecated(reason: "Use name. Removal: 2027-06-30")`}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Lint(load(t, edit(t, tc.edits...)))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}

	connCases := []struct {
		name       string
		connection string
		want       []string
	}{
		{"connection by the rules", `"X." type CampaignConnection { "e." edges: [CampaignEdge!]! "p." pageInfo: PageInfo! }`, nil},
		{"connection without edges", `"X." type CampaignConnection { "e." nodes: [Campaign!]! "p." pageInfo: PageInfo! }`,
			[]string{"type CampaignConnection: a connection has a field edges: [CampaignEdge]"}},
		{"connection with nullable pageInfo", `"X." type CampaignConnection { "e." edges: [CampaignEdge!]! "p." pageInfo: PageInfo }`,
			[]string{"type CampaignConnection: a connection has a field pageInfo: PageInfo!"}},
	}
	for _, tc := range connCases {
		t.Run(tc.name, func(t *testing.T) {
			got := Lint(load(t, conn+tc.connection))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("edge without cursor", func(t *testing.T) {
		got := Lint(load(t, replaceOnce(conn, `"c." cursor: String!`, `"c." cursor: String`)+
			`"X." type CampaignConnection { "e." edges: [CampaignEdge!]! "p." pageInfo: PageInfo! }`))
		if diff := cmp.Diff([]string{"type CampaignEdge: an edge has a field cursor: String!"}, got); diff != "" {
			t.Errorf("problems (-want +got):\n%s", diff)
		}
	})
	t.Run("connection field without paging arguments", func(t *testing.T) {
		got := Lint(load(t, replaceOnce(conn, `list("f." first: Int, "a." after: String)`, `list("f." first: Int)`)+
			`"X." type CampaignConnection { "e." edges: [CampaignEdge!]! "p." pageInfo: PageInfo! }`))
		want := []string{"Query.list returns a connection but takes neither first: Int, after: String nor last: Int, before: String"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("problems (-want +got):\n%s", diff)
		}
	})
}
