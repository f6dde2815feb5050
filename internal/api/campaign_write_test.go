package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/relay"
	"campaigns/internal/seed"
	"campaigns/internal/store"
)

// writeUserError is one entry of a payload's userErrors.
type writeUserError struct {
	Field   []string
	Code    string
	Message string
}

// writeResult is a mutation's payload as the write tests ask for it: the mutation aliased as
// m, and the record it returns aliased as record.
type writeResult struct {
	M struct {
		Record     json.RawMessage
		UserErrors []writeUserError
	}
}

// seededWithURL returns a store over a new database with the seed loaded, and its URL for
// snapshots.
func seededWithURL(t *testing.T) (*store.Store, string) {
	t.Helper()
	st, url := dbtest.NewWithURL(t)
	if _, err := seed.Load(context.Background(), st); err != nil {
		t.Fatalf("load seed: %v", err)
	}
	return st, url
}

// mutate runs a mutation that must answer without errors and returns its record and user
// errors.
func mutate(t *testing.T, c *apitest.Client, query string, vars map[string]any) (json.RawMessage, []writeUserError) {
	t.Helper()
	var got writeResult
	c.Query(t, query, vars).MustData(t, &got)
	return got.M.Record, got.M.UserErrors
}

// mustMutate runs a mutation that must succeed and decodes its record into v.
func mustMutate(t *testing.T, c *apitest.Client, query string, vars map[string]any, v any) {
	t.Helper()
	rec, errs := mutate(t, c, query, vars)
	if len(errs) > 0 {
		t.Fatalf("user errors: %+v", errs)
	}
	if err := json.Unmarshal(rec, v); err != nil {
		t.Fatalf("decode record: %v\n%s", err, rec)
	}
}

// refusedAsInput checks that a mutation answers the user error code on field, returns no
// record and leaves every table as it was.
func refusedAsInput(t *testing.T, url string, c *apitest.Client, query string, vars map[string]any, code, field string) {
	t.Helper()
	before := dbtest.Snapshot(t, url)
	rec, errs := mutate(t, c, query, vars)
	if len(errs) == 0 {
		t.Fatalf("no user error, want %s on %s; record %s", code, field, rec)
	}
	if errs[0].Code != code || strings.Join(errs[0].Field, ".") != field {
		t.Errorf("user errors %+v, want %s on %s", errs, code, field)
	}
	if string(rec) != "null" {
		t.Errorf("refused, yet the payload holds %s", rec)
	}
	if diff := cmp.Diff(before, dbtest.Snapshot(t, url)); diff != "" {
		t.Errorf("refused, yet the database changed:\n%s", diff)
	}
}

// refusedWithCode checks that a mutation answers an error with the code and leaves every
// table as it was.
func refusedWithCode(t *testing.T, url string, c *apitest.Client, query string, vars map[string]any, code string) {
	t.Helper()
	before := dbtest.Snapshot(t, url)
	res := c.Query(t, query, vars)
	if got := res.ErrorCode(t); got != code {
		t.Errorf("code %s (%s), want %s", got, res.Errors[0].Message, code)
	}
	if diff := cmp.Diff(before, dbtest.Snapshot(t, url)); diff != "" {
		t.Errorf("refused, yet the database changed:\n%s", diff)
	}
}

// auditedWrite is a row of the audit log as the tests read it.
type auditedWrite = dbtest.AuditRow

// auditTrail returns the audit log in order.
func auditTrail(t *testing.T, url string) []auditedWrite {
	t.Helper()
	return dbtest.AuditLog(t, url)
}

// lastAudit returns the newest audit entry, failing unless its action is action.
func lastAudit(t *testing.T, url, action string) auditedWrite {
	t.Helper()
	trail := auditTrail(t, url)
	if len(trail) == 0 || trail[len(trail)-1].Action != action {
		t.Fatalf("the last audit entry is not %s: %+v", action, trail)
	}
	return trail[len(trail)-1]
}

// countRows counts the rows of table matching where.
func countRows(t *testing.T, url, table, where string, args ...any) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{table}.Sanitize()+` WHERE `+where, args...).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// campaignWriteWorld is a seeded database with a campaign owned by owner-org, which has
// granted granted-org the right to edit it.
type campaignWriteWorld struct {
	st  *store.Store
	url string
	c   *apitest.Client
	// API keys by who holds them.
	owner, ownerViewer, granted, other string
	campaign                           string
	orgs                               map[string]string // global IDs by slug
}

func newCampaignWriteWorld(t *testing.T) *campaignWriteWorld {
	t.Helper()
	st, url := seededWithURL(t)
	w := &campaignWriteWorld{st: st, url: url, c: apitest.New(st), orgs: map[string]string{}}
	w.owner = apitest.Key(t, st, "owner-org", "EDITOR")
	w.ownerViewer = apitest.Key(t, st, "owner-org", "VIEWER")
	w.granted = apitest.Key(t, st, "granted-org", "EDITOR")
	w.other = apitest.Key(t, st, "other-org", "EDITOR")
	for _, slug := range []string{"owner-org", "granted-org", "other-org", "usaid", "us-government", "asean", "mtv-exit"} {
		o, err := st.OrganizationBySlug(context.Background(), slug)
		if err != nil {
			t.Fatalf("organization %s: %v", slug, err)
		}
		w.orgs[slug] = o.GlobalID()
	}
	// A key's first use records when it was used; do that before any snapshot is taken.
	for _, k := range []string{w.owner, w.ownerViewer, w.granted, w.other} {
		w.c.As(k).Query(t, `{ __typename }`, nil)
	}
	var created struct{ ID string }
	mustMutate(t, w.c.As(w.owner), `mutation { m: createCampaign(input: {slug: "owner-campaign", name: "Owner's campaign"}) { record: campaign { id } userErrors { field code message } } }`, nil, &created)
	w.campaign = created.ID
	var granted campaignPartners
	mustMutate(t, w.c.As(w.owner), addPartner, map[string]any{"c": w.campaign, "o": w.orgs["granted-org"], "role": "IMPLEMENTER", "canEdit": true}, &granted)
	return w
}

const addPartner = `mutation($c: ID!, $o: ID!, $role: PartnerRole!, $canEdit: Boolean, $note: String) {
	m: addCampaignPartner(input: {campaign: $c, organization: $o, role: $role, canEdit: $canEdit, note: $note}) {
		record: campaign { id version partners { organization { slug } role canEdit note } }
		userErrors { field code message }
	}
}`

const removePartner = `mutation($c: ID!, $o: ID!, $role: PartnerRole!) {
	m: removeCampaignPartner(input: {campaign: $c, organization: $o, role: $role}) {
		record: campaign { id partners { organization { slug } role canEdit note } }
		userErrors { field code message }
	}
}`

// campaignPartners is a campaign with its partners, as addPartner and removePartner ask.
type campaignPartners struct {
	ID       string
	Version  int
	Partners []partnerView
}

type partnerView struct {
	Organization struct{ Slug string }
	Role         string
	CanEdit      bool
	Note         *string
}

func (c campaignPartners) has(slug, role string) *partnerView {
	for i, p := range c.Partners {
		if p.Organization.Slug == slug && p.Role == role {
			return &c.Partners[i]
		}
	}
	return nil
}

func TestAddAndRemoveCampaignPartner(t *testing.T) {
	t.Parallel()
	w := newCampaignWriteWorld(t)
	owner := w.c.As(w.owner)

	var added campaignPartners
	mustMutate(t, owner, addPartner, map[string]any{"c": w.campaign, "o": w.orgs["usaid"], "role": "FUNDER", "note": "Funds the pilot."}, &added)
	p := added.has("usaid", "FUNDER")
	if p == nil || p.CanEdit || p.Note == nil || *p.Note != "Funds the pilot." {
		t.Fatalf("partners after adding USAID: %+v", added.Partners)
	}
	if added.has("granted-org", "IMPLEMENTER") == nil || !added.has("granted-org", "IMPLEMENTER").CanEdit {
		t.Errorf("the owner's grant is missing: %+v", added.Partners)
	}
	entry := lastAudit(t, w.url, "addCampaignPartner")
	if entry.EntityType != relay.TypeCampaign || entry.EntityID != w.campaign || entry.Before != nil || entry.After["Role"] != "FUNDER" {
		t.Errorf("audit of the addition: %+v", entry)
	}

	// The same organization may play another role.
	mustMutate(t, owner, addPartner, map[string]any{"c": w.campaign, "o": w.orgs["usaid"], "role": "HOST"}, &added)
	if added.has("usaid", "HOST") == nil || added.has("usaid", "FUNDER") == nil {
		t.Errorf("partners after a second role: %+v", added.Partners)
	}

	var removed campaignPartners
	mustMutate(t, owner, removePartner, map[string]any{"c": w.campaign, "o": w.orgs["usaid"], "role": "FUNDER"}, &removed)
	if removed.has("usaid", "FUNDER") != nil || removed.has("usaid", "HOST") == nil {
		t.Errorf("partners after removing USAID as funder: %+v", removed.Partners)
	}
	entry = lastAudit(t, w.url, "removeCampaignPartner")
	if entry.EntityID != w.campaign || entry.After != nil || entry.Before["Role"] != "FUNDER" || entry.Before["Note"] != "Funds the pilot." {
		t.Errorf("audit of the removal: %+v", entry)
	}
}

func TestGrantedPartnerCanAddPartnersButNotGrant(t *testing.T) {
	t.Parallel()
	w := newCampaignWriteWorld(t)
	granted := w.c.As(w.granted)

	var added campaignPartners
	mustMutate(t, granted, addPartner, map[string]any{"c": w.campaign, "o": w.orgs["asean"], "role": "HOST"}, &added)
	if p := added.has("asean", "HOST"); p == nil || p.CanEdit {
		t.Fatalf("a granted partner's addition: %+v", added.Partners)
	}
	t.Run("cannot grant canEdit", func(t *testing.T) {
		refusedWithCode(t, w.url, granted, addPartner, map[string]any{"c": w.campaign, "o": w.orgs["mtv-exit"], "role": "MEDIA_PARTNER", "canEdit": true}, "FORBIDDEN")
	})
	t.Run("cannot strip another partner of its grant", func(t *testing.T) {
		var again campaignPartners
		mustMutate(t, w.c.As(w.owner), addPartner, map[string]any{"c": w.campaign, "o": w.orgs["mtv-exit"], "role": "MEDIA_PARTNER", "canEdit": true}, &again)
		refusedWithCode(t, w.url, granted, removePartner, map[string]any{"c": w.campaign, "o": w.orgs["mtv-exit"], "role": "MEDIA_PARTNER"}, "FORBIDDEN")
	})
	t.Run("can remove a partner without a grant", func(t *testing.T) {
		var removed campaignPartners
		mustMutate(t, granted, removePartner, map[string]any{"c": w.campaign, "o": w.orgs["asean"], "role": "HOST"}, &removed)
		if removed.has("asean", "HOST") != nil {
			t.Errorf("ASEAN is still a host: %+v", removed.Partners)
		}
	})
	t.Run("can give up its own grant", func(t *testing.T) {
		var removed campaignPartners
		mustMutate(t, granted, removePartner, map[string]any{"c": w.campaign, "o": w.orgs["granted-org"], "role": "IMPLEMENTER"}, &removed)
		if removed.has("granted-org", "IMPLEMENTER") != nil {
			t.Fatalf("the grant is still there: %+v", removed.Partners)
		}
		// Without the grant it is an outsider again, to whom the draft is as good as missing.
		refusedWithCode(t, w.url, granted, addPartner, map[string]any{"c": w.campaign, "o": w.orgs["asean"], "role": "HOST"}, "NOT_FOUND")
	})
}

func TestCampaignPartnerRefusesBadInput(t *testing.T) {
	t.Parallel()
	w := newCampaignWriteWorld(t)
	owner := w.c.As(w.owner)
	var added campaignPartners
	mustMutate(t, owner, addPartner, map[string]any{"c": w.campaign, "o": w.orgs["usaid"], "role": "FUNDER"}, &added)
	missingOrg := relay.EncodeInt(relay.TypeOrganization, 987654)
	for _, tc := range []struct {
		name, query string
		vars        map[string]any
		code, field string
	}{
		{"unknown organization", addPartner, map[string]any{"c": w.campaign, "o": missingOrg, "role": "HOST"}, "NOT_FOUND", "input.organization"},
		{"same role twice", addPartner, map[string]any{"c": w.campaign, "o": w.orgs["usaid"], "role": "FUNDER"}, "TAKEN", "input.role"},
		{"note too long", addPartner, map[string]any{"c": w.campaign, "o": w.orgs["asean"], "role": "HOST", "note": strings.Repeat("n", 1001)}, "LENGTH", "input.note"},
		{"remove a role not held", removePartner, map[string]any{"c": w.campaign, "o": w.orgs["usaid"], "role": "HOST"}, "NOT_FOUND", "input.role"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			refusedAsInput(t, w.url, owner, tc.query, tc.vars, tc.code, tc.field)
		})
	}
	t.Run("note of 1000 characters", func(t *testing.T) {
		var ok campaignPartners
		mustMutate(t, owner, addPartner, map[string]any{"c": w.campaign, "o": w.orgs["asean"], "role": "HOST", "note": strings.Repeat("n", 1000)}, &ok)
		if ok.has("asean", "HOST") == nil {
			t.Errorf("ASEAN was not added: %+v", ok.Partners)
		}
	})
	t.Run("unknown campaign", func(t *testing.T) {
		refusedWithCode(t, w.url, owner, addPartner, map[string]any{"c": relay.EncodeInt(relay.TypeCampaign, 987654), "o": w.orgs["asean"], "role": "FUNDER"}, "NOT_FOUND")
	})
}

const recordFunding = `mutation($c: ID!, $f: ID!, $amount: Decimal!, $currency: String!, $purpose: String, $on: Date) {
	m: recordFundingCommitment(input: {campaign: $c, funder: $f, amount: $amount, currency: $currency, purpose: $purpose, committedOn: $on}) {
		record: fundingCommitment { id funder { slug } amount amountMinor currency purpose committedOn committedOnPrecision }
		userErrors { field code message }
	}
}`

type fundingView struct {
	ID                   string
	Funder               struct{ Slug string }
	Amount, AmountMinor  string
	Currency             string
	Purpose              *string
	CommittedOn          *string
	CommittedOnPrecision *string
}

func TestRecordFundingCommitment(t *testing.T) {
	t.Parallel()
	w := newCampaignWriteWorld(t)
	owner := w.c.As(w.owner)
	for _, tc := range []struct {
		amount, currency, wantMinor, wantAmount string
	}{
		{"500000.00", "USD", "50000000", "500000.00"},
		{"500000", "USD", "50000000", "500000.00"},
		{"0.1", "USD", "10", "0.10"},
		{"0.010", "USD", "1", "0.01"},
		{"0", "USD", "0", "0.00"},
		{"1000", "JPY", "1000", "1000"},
		{"1000.00", "JPY", "1000", "1000"},
		{"12.345", "KWD", "12345", "12.345"},
		{"92233720368547758.07", "USD", "9223372036854775807", "92233720368547758.07"},
	} {
		t.Run(tc.amount+" "+tc.currency, func(t *testing.T) {
			var f fundingView
			mustMutate(t, owner, recordFunding, map[string]any{"c": w.campaign, "f": w.orgs["usaid"], "amount": tc.amount, "currency": tc.currency}, &f)
			if f.AmountMinor != tc.wantMinor || f.Amount != tc.wantAmount || f.Currency != tc.currency || f.Funder.Slug != "usaid" {
				t.Errorf("recorded %+v, want amountMinor %s and amount %s", f, tc.wantMinor, tc.wantAmount)
			}
		})
	}
	t.Run("purpose and date", func(t *testing.T) {
		var f fundingView
		mustMutate(t, owner, recordFunding, map[string]any{"c": w.campaign, "f": w.orgs["us-government"], "amount": "500000.00", "currency": "USD",
			"purpose": "Technical assistance and training", "on": "2012-11"}, &f)
		if f.Purpose == nil || *f.Purpose != "Technical assistance and training" || f.CommittedOn == nil || *f.CommittedOn != "2012-11" ||
			f.CommittedOnPrecision == nil || *f.CommittedOnPrecision != "MONTH" {
			t.Errorf("recorded %+v", f)
		}
		entry := lastAudit(t, w.url, "recordFundingCommitment")
		if entry.EntityType != relay.TypeFunding || entry.EntityID != f.ID || entry.Before != nil || entry.After["AmountMinor"] != float64(50000000) {
			t.Errorf("audit: %+v", entry)
		}
		var c struct {
			Campaign struct{ FundingCommitments []struct{ ID string } }
		}
		owner.Query(t, `query($id: ID!) { campaign(id: $id) { fundingCommitments { id } } }`, map[string]any{"id": w.campaign}).MustData(t, &c)
		found := false
		for _, listed := range c.Campaign.FundingCommitments {
			found = found || listed.ID == f.ID
		}
		if !found {
			t.Errorf("the campaign's commitments %+v lack %s", c.Campaign.FundingCommitments, f.ID)
		}
	})
}

func TestRecordFundingCommitmentRefusesBadInput(t *testing.T) {
	t.Parallel()
	w := newCampaignWriteWorld(t)
	owner := w.c.As(w.owner)
	for _, tc := range []struct {
		name, amount, currency, code, field string
		funder, purpose                     string
	}{
		{name: "more decimals than USD has", amount: "0.001", currency: "USD", code: "INVALID", field: "input.amount"},
		{name: "decimals for JPY", amount: "1000.5", currency: "JPY", code: "INVALID", field: "input.amount"},
		{name: "negative", amount: "-5.00", currency: "USD", code: "OUT_OF_RANGE", field: "input.amount"},
		{name: "beyond int64", amount: "92233720368547758.08", currency: "USD", code: "OUT_OF_RANGE", field: "input.amount"},
		{name: "far beyond int64", amount: "99999999999999999999999", currency: "JPY", code: "OUT_OF_RANGE", field: "input.amount"},
		{name: "not a number", amount: "lots", currency: "USD", code: "INVALID", field: "input.amount"},
		{name: "empty", amount: "", currency: "USD", code: "INVALID", field: "input.amount"},
		{name: "exponent", amount: "5e5", currency: "USD", code: "INVALID", field: "input.amount"},
		{name: "thousands separator", amount: "500,000.00", currency: "USD", code: "INVALID", field: "input.amount"},
		{name: "leading point", amount: ".5", currency: "USD", code: "INVALID", field: "input.amount"},
		{name: "trailing point", amount: "5.", currency: "USD", code: "INVALID", field: "input.amount"},
		{name: "plus sign", amount: "+5", currency: "USD", code: "INVALID", field: "input.amount"},
		{name: "spaces", amount: " 5", currency: "USD", code: "INVALID", field: "input.amount"},
		{name: "too long", amount: strings.Repeat("1", 100), currency: "USD", code: "INVALID", field: "input.amount"},
		{name: "unknown currency", amount: "5", currency: "ABC", code: "UNKNOWN_CURRENCY", field: "input.currency"},
		{name: "lower-case currency", amount: "5", currency: "usd", code: "UNKNOWN_CURRENCY", field: "input.currency"},
		{name: "unknown funder", amount: "5", currency: "USD", funder: relay.EncodeInt(relay.TypeOrganization, 987654), code: "NOT_FOUND", field: "input.funder"},
		{name: "purpose too long", amount: "5", currency: "USD", purpose: strings.Repeat("p", 1001), code: "LENGTH", field: "input.purpose"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vars := map[string]any{"c": w.campaign, "f": w.orgs["usaid"], "amount": tc.amount, "currency": tc.currency}
			if tc.funder != "" {
				vars["f"] = tc.funder
			}
			if tc.purpose != "" {
				vars["purpose"] = tc.purpose
			}
			refusedAsInput(t, w.url, owner, recordFunding, vars, tc.code, tc.field)
		})
	}
}

func TestRecordFundingCommitmentRetryWritesOnce(t *testing.T) {
	t.Parallel()
	w := newCampaignWriteWorld(t)
	retrying := w.c.As(w.owner).WithHeader("Idempotency-Key", "pledge-2012-11-19")
	vars := map[string]any{"c": w.campaign, "f": w.orgs["usaid"], "amount": "500000.00", "currency": "USD"}
	var first, second fundingView
	mustMutate(t, retrying, recordFunding, vars, &first)
	mustMutate(t, retrying, recordFunding, vars, &second)
	if first.ID == "" || second.ID != first.ID {
		t.Errorf("the retry answered %q, the first request %q", second.ID, first.ID)
	}
	k, err := relay.DecodeInt(relay.TypeCampaign, w.campaign)
	if err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, w.url, "funding_commitments", "campaign_id = $1", k); n != 1 {
		t.Errorf("%d commitments after a retry, want 1", n)
	}
	if n := countRows(t, w.url, "audit_log", "action = 'recordFundingCommitment'"); n != 1 {
		t.Errorf("%d audit entries after a retry, want 1", n)
	}
	changed := map[string]any{"c": w.campaign, "f": w.orgs["usaid"], "amount": "600000.00", "currency": "USD"}
	refusedWithCode(t, w.url, retrying, recordFunding, changed, "IDEMPOTENCY_KEY_REUSED")
}

const recordValues = `mutation($c: ID!, $code: String!, $name: String, $unit: IndicatorUnit, $start: Date!, $end: Date!,
	$baseline: Float, $target: Float, $actual: Float, $cmp: ValueComparator, $note: String) {
	m: recordIndicatorValues(input: {campaign: $c, code: $code, name: $name, unit: $unit, start: $start, end: $end,
		baseline: $baseline, target: $target, actual: $actual, actualComparator: $cmp, note: $note}) {
		record: indicator { id code name unit campaign { id }
			periods { start startPrecision end endPrecision baseline target actual actualComparator note } }
		userErrors { field code message }
	}
}`

type indicatorView struct {
	ID, Code, Name, Unit string
	Campaign             struct{ ID string }
	Periods              []struct {
		Start, StartPrecision, End, EndPrecision string
		Baseline, Target, Actual                 *float64
		ActualComparator                         string
		Note                                     *string
	}
}

// indicatorVars are recordValues' variables for a new indicator's first period; extra
// replaces or, with nil, removes some.
func indicatorVars(campaign string, extra map[string]any) map[string]any {
	v := map[string]any{"c": campaign, "code": "youth-trained", "name": "Young people trained", "unit": "PEOPLE",
		"start": "2012-11", "end": "2012-12-31", "actual": 120.0}
	for k, x := range extra {
		if x == nil {
			delete(v, k)
		} else {
			v[k] = x
		}
	}
	return v
}

func TestRecordIndicatorValues(t *testing.T) {
	t.Parallel()
	w := newCampaignWriteWorld(t)
	owner := w.c.As(w.owner)
	var ind indicatorView
	mustMutate(t, owner, recordValues, indicatorVars(w.campaign, map[string]any{"target": 150.0}), &ind)
	if ind.Code != "youth-trained" || ind.Name != "Young people trained" || ind.Unit != "PEOPLE" || ind.Campaign.ID != w.campaign || len(ind.Periods) != 1 {
		t.Fatalf("new indicator: %+v", ind)
	}
	p := ind.Periods[0]
	if p.Start != "2012-11" || p.StartPrecision != "MONTH" || p.End != "2012-12-31" || p.EndPrecision != "DAY" ||
		p.Actual == nil || *p.Actual != 120 || p.Target == nil || *p.Target != 150 || p.Baseline != nil || p.ActualComparator != "EXACT" {
		t.Errorf("first period: %+v", p)
	}
	entry := lastAudit(t, w.url, "recordIndicatorValues")
	if entry.EntityType != relay.TypeIndicator || entry.EntityID != ind.ID || entry.Before != nil || entry.After["Period"] == nil {
		t.Errorf("audit of the new indicator: %+v", entry)
	}

	// The same code records another period of the same indicator; name and unit may be left out.
	var again indicatorView
	mustMutate(t, owner, recordValues, indicatorVars(w.campaign, map[string]any{"name": nil, "unit": nil, "start": "2013", "end": "2013",
		"actual": 700000.0, "cmp": "AT_LEAST", "note": "over 700,000"}), &again)
	if again.ID != ind.ID || len(again.Periods) != 2 {
		t.Fatalf("second period: %+v", again)
	}
	p = again.Periods[1]
	if p.Start != "2013" || p.End != "2013" || p.EndPrecision != "YEAR" || p.ActualComparator != "AT_LEAST" || p.Note == nil || *p.Note != "over 700,000" {
		t.Errorf("second period: %+v", p)
	}
	entry = lastAudit(t, w.url, "recordIndicatorValues")
	if entry.Before == nil || entry.After == nil {
		t.Errorf("audit of the second period: %+v", entry)
	}

	t.Run("a note alone", func(t *testing.T) {
		var n indicatorView
		mustMutate(t, owner, recordValues, indicatorVars(w.campaign, map[string]any{"code": "outreach", "name": "Outreach activities", "unit": "COUNT",
			"actual": nil, "cmp": "APPROXIMATE", "note": "dozens"}), &n)
		if len(n.Periods) != 1 || n.Periods[0].Actual != nil || n.Periods[0].ActualComparator != "APPROXIMATE" {
			t.Errorf("recorded %+v", n)
		}
	})
	t.Run("percent may be negative", func(t *testing.T) {
		var n indicatorView
		mustMutate(t, owner, recordValues, indicatorVars(w.campaign, map[string]any{"code": "change", "name": "Change in reports", "unit": "PERCENT", "actual": -12.5}), &n)
		if len(n.Periods) != 1 || *n.Periods[0].Actual != -12.5 {
			t.Errorf("recorded %+v", n)
		}
	})
	t.Run("the campaign lists it", func(t *testing.T) {
		var c struct {
			Campaign struct{ Indicators []struct{ Code string } }
		}
		owner.Query(t, `query($id: ID!) { campaign(id: $id) { indicators { code } } }`, map[string]any{"id": w.campaign}).MustData(t, &c)
		var codes []string
		for _, i := range c.Campaign.Indicators {
			codes = append(codes, i.Code)
		}
		if !strings.Contains(strings.Join(codes, ","), "youth-trained") {
			t.Errorf("indicators %v", codes)
		}
	})
}

func TestRecordIndicatorValuesRefusesBadInput(t *testing.T) {
	t.Parallel()
	w := newCampaignWriteWorld(t)
	owner := w.c.As(w.owner)
	var existing indicatorView
	mustMutate(t, owner, recordValues, indicatorVars(w.campaign, map[string]any{"code": "reach"}), &existing)
	for _, tc := range []struct {
		name        string
		extra       map[string]any
		code, field string
	}{
		{"new code without a name", map[string]any{"name": nil}, "REQUIRED", "input.name"},
		{"new code without a unit", map[string]any{"unit": nil}, "REQUIRED", "input.unit"},
		{"empty name", map[string]any{"name": ""}, "REQUIRED", "input.name"},
		{"name too long", map[string]any{"name": strings.Repeat("n", 301)}, "LENGTH", "input.name"},
		{"code not a slug", map[string]any{"code": "Youth Trained"}, "INVALID", "input.code"},
		{"end before start", map[string]any{"start": "2013-06-01", "end": "2013-05-31"}, "END_BEFORE_START", "input.end"},
		{"end year before start", map[string]any{"start": "2013-01", "end": "2012"}, "END_BEFORE_START", "input.end"},
		{"end less precise than start", map[string]any{"start": "2013-06-01", "end": "2013"}, "END_BEFORE_START", "input.end"},
		{"nothing to record", map[string]any{"actual": nil}, "REQUIRED", "input.actual"},
		{"negative count", map[string]any{"actual": -1.0}, "OUT_OF_RANGE", "input.actual"},
		{"negative target", map[string]any{"target": -1.0}, "OUT_OF_RANGE", "input.target"},
		{"another unit for a known code", map[string]any{"code": "reach", "unit": "COUNT"}, "INVALID", "input.unit"},
		{"another name for a known code", map[string]any{"code": "reach", "name": "Reach", "unit": nil}, "INVALID", "input.name"},
		{"note too long", map[string]any{"note": strings.Repeat("n", 1001)}, "LENGTH", "input.note"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			refusedAsInput(t, w.url, owner, recordValues, indicatorVars(w.campaign, tc.extra), tc.code, tc.field)
		})
	}
	t.Run("a period within one month", func(t *testing.T) {
		var ok indicatorView
		mustMutate(t, owner, recordValues, indicatorVars(w.campaign, map[string]any{"code": "reach", "start": "2013-06", "end": "2013-06"}), &ok)
		if len(ok.Periods) != 2 {
			t.Errorf("periods %+v", ok.Periods)
		}
	})
}

// TestCampaignWritesRefuseOutsiders sends each of these mutations as callers who may not
// edit the campaign: each is refused with its code and writes nothing.
func TestCampaignWritesRefuseOutsiders(t *testing.T) {
	t.Parallel()
	w := newCampaignWriteWorld(t)
	mutations := []struct {
		name, query string
		vars        map[string]any
	}{
		{"addCampaignPartner", addPartner, map[string]any{"c": w.campaign, "o": w.orgs["other-org"], "role": "HOST"}},
		{"removeCampaignPartner", removePartner, map[string]any{"c": w.campaign, "o": w.orgs["granted-org"], "role": "IMPLEMENTER"}},
		{"recordFundingCommitment", recordFunding, map[string]any{"c": w.campaign, "f": w.orgs["usaid"], "amount": "1.00", "currency": "USD"}},
		{"recordIndicatorValues", recordValues, indicatorVars(w.campaign, nil)},
	}
	callers := []struct {
		name, key, code string
	}{
		{"anonymous", "", "UNAUTHENTICATED"},
		{"the owner's viewer", w.ownerViewer, "FORBIDDEN"},
		// The campaign is a draft: to another organization it does not exist.
		{"another organization's editor", w.other, "NOT_FOUND"},
	}
	for _, m := range mutations {
		for _, caller := range callers {
			t.Run(m.name+" as "+caller.name, func(t *testing.T) {
				refusedWithCode(t, w.url, w.c.As(caller.key), m.query, m.vars, caller.code)
			})
		}
	}
}
