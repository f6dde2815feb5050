package api_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"campaigns/internal/api"
	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
)

// The member of the leak tests, with personal data that appears nowhere else, so that any
// appearance of it in an answer, a log line or a table is a leak.
const (
	leakName     = "Nilar Thwe Zaw"
	leakEmail    = "nilar.thwezaw.7731@example.org"
	leakPhone    = "+95 9 4455 6677"
	leakGuardian = "Daw Khin Thwe Oo"
)

// leakSecrets are the texts that must not appear, with a fragment of each, so that a
// truncated or reformatted copy is caught too.
var leakSecrets = []string{leakName, "Thwe Zaw", leakEmail, "thwezaw", leakPhone, "4455 6677", "44556677", leakGuardian, "Khin Thwe"}

// syncBuffer is a log destination that many request goroutines may write at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// leakWorld is a member world whose handler logs into a buffer at debug level, with the
// member registered for the organizer's event and in the coordinator's network.
type leakWorld struct {
	*memberWorld
	h                    http.Handler
	log                  *syncBuffer
	member, registration string
}

func newLeakWorld(t *testing.T) *leakWorld {
	t.Helper()
	w := &leakWorld{memberWorld: newMemberWorld(t, memberEventOptions{capacity: ptr(int32(10)), waitlist: true}), log: &syncBuffer{}}
	w.h = api.New(w.st, api.Options{Logger: slog.New(slog.NewJSONHandler(w.log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	// Every write below goes through the logging handler too.
	w.c = &apitest.Client{Handler: w.h}
	w.member = w.newMember(t, leakName, "AGE_16_17", map[string]any{"email": leakEmail, "phone": leakPhone, "country": "MM"})
	w.consent(t, w.member, leakGuardian)
	w.registration, _ = w.register(t, w.member)
	w.join(t, w.member)
	return w
}

// post sends a query as a caller ("anonymous" for none) and returns the raw body.
func (w *leakWorld) post(t *testing.T, org, role, query string, vars map[string]any) string {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if org != "anonymous" {
		req.Header.Set("Authorization", "Bearer "+w.keys[org][role])
	}
	rec := httptest.NewRecorder()
	w.h.ServeHTTP(rec, req)
	return rec.Body.String()
}

// leaked returns the secrets that text holds.
func leaked(text string) []string {
	var out []string
	for _, s := range leakSecrets {
		if strings.Contains(text, s) {
			out = append(out, s)
		}
	}
	return out
}

// accessRows counts the access log's rows by the key of org and role: all of them, or with
// reason (and a request id) when one is given. For an anonymous caller it counts every row.
func (w *leakWorld) accessRows(t *testing.T, org, role, reason string) int {
	t.Helper()
	if org == "anonymous" {
		return memberRows(t, w.url, `member_access_log`)
	}
	return memberRows(t, w.url, `member_access_log l JOIN api_keys k ON k.id = l.api_key_id
		WHERE k.organization_id = $1 AND k.role = $2 AND l.organization_id = $1
		AND ($3 = '' OR l.reason = $3 AND l.request_id IS NOT NULL)`,
		w.orgs[org], role, reason)
}

// leakRoles are the callers of the leak tests: org and role.
var leakRoles = [][2]string{
	{"anonymous", ""},
	{"other", "VIEWER"}, {"other", "EDITOR"}, {"other", "ADMIN"},
	{"creator", "VIEWER"}, {"creator", "EDITOR"}, {"creator", "ADMIN"},
	{"organizer", "VIEWER"}, {"organizer", "EDITOR"}, {"organizer", "ADMIN"},
	{"coordinator", "VIEWER"}, {"coordinator", "EDITOR"}, {"coordinator", "ADMIN"},
}

// reasons says why each organization may see the member; the others may not.
var leakReasons = map[string]string{"creator": "recording-organization", "organizer": "event-organizer", "coordinator": "network-coordinator"}

// leakPath is a request that can reach the member's data, and which organizations it
// must show the name to: any of their keys, or for a mutation their editors and admins.
type leakPath struct {
	name  string
	query string
	vars  func(w *leakWorld) map[string]any
	shows map[string]bool
}

func (p leakPath) showsTo(org, role string) bool {
	return p.shows[org] && (!strings.HasPrefix(strings.TrimSpace(p.query), "mutation") || role != "VIEWER")
}

var leakPaths = []leakPath{
	{"node", `query($id: ID!) { node(id: $id) { id ... on Member { displayName ageBand contact { email phone } guardianConsent { relationship } } } }`,
		func(w *leakWorld) map[string]any { return map[string]any{"id": w.member} },
		map[string]bool{"creator": true, "organizer": true, "coordinator": true}},
	{"nodes", `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Member { displayName contact { email phone } }
		... on Registration { status member { displayName contact { email } } } } }`,
		func(w *leakWorld) map[string]any {
			return map[string]any{"ids": []string{w.member, w.registration, w.member}}
		},
		map[string]bool{"creator": true, "organizer": true, "coordinator": true}},
	{"event registrations", `query($e: ID!) { event(id: $e) { title registrationCounts { confirmed { value label } }
		registrations { totalCount nodes { status member { displayName contact { email phone } } } } } }`,
		func(w *leakWorld) map[string]any { return map[string]any{"e": w.event} },
		map[string]bool{"organizer": true}},
	{"events list of registrations", `{ events(first: 10) { nodes { registrations(status: [CONFIRMED, WAITLISTED, CANCELLED]) {
		nodes { member { displayName contact { email } } } } } } }`,
		nil, map[string]bool{"organizer": true}},
	{"network members", `{ youthNetwork(slug: "asean-youth") { name memberCount { value suppressed label }
		members { totalCount nodes { displayName contact { email phone } guardianConsent { method } } } } }`,
		nil, map[string]bool{"coordinator": true}},
	{"networks list of members", `{ youthNetworks(first: 10) { nodes { members(first: 5) { nodes { displayName contact { email phone } } } } } }`,
		nil, map[string]bool{"coordinator": true}},
	{"registration payload", `mutation($e: ID!, $m: ID!) { m: registerForEvent(input: {event: $e, member: $m}) {
		registration { member { displayName contact { email } } } userErrors { field message code } } }`,
		func(w *leakWorld) map[string]any { return map[string]any{"e": w.event, "m": w.member} }, nil},
	{"join payload", `mutation($m: ID!, $n: ID!) { m: joinNetwork(input: {member: $m, network: $n}) {
		member { displayName contact { email } } userErrors { field message code } } }`,
		func(w *leakWorld) map[string]any { return map[string]any{"m": w.member, "n": w.network} }, nil},
	{"attendance payload", `mutation($id: ID!) { m: recordAttendance(input: {id: $id, attended: false}) {
		registration { member { displayName contact { email } } } userErrors { field message code } } }`,
		func(w *leakWorld) map[string]any { return map[string]any{"id": w.registration} }, map[string]bool{"organizer": true}},
	{"consent payload", `mutation($m: ID!, $g: String!) { m: recordGuardianConsent(input: {member: $m, guardianName: $g,
		relationship: PARENT, method: DIGITAL, givenAt: "2012-11-20T10:00:00+06:30"}) {
		member { displayName contact { email } guardianConsent { method } } userErrors { field message code } } }`,
		func(w *leakWorld) map[string]any { return map[string]any{"m": w.member, "g": "Another Guardian"} },
		map[string]bool{"creator": true}},
	{"bad member input", `mutation($in: CreateMemberInput!) { m: createMember(input: $in) { member { id displayName } userErrors { field message code } } }`,
		func(w *leakWorld) map[string]any {
			return map[string]any{"in": map[string]any{"displayName": leakName + strings.Repeat(" x", 50), "ageBand": "AGE_18_24",
				"email": leakName + " <" + leakEmail + ">", "phone": leakPhone + " ext " + leakName, "country": leakName}}
		}, nil},
	{"bad IDs", `mutation($m: ID!, $n: ID!) { m: joinNetwork(input: {member: $m, network: $n}) { userErrors { message } } }`,
		func(w *leakWorld) map[string]any { return map[string]any{"m": leakName, "n": leakEmail} }, nil},
	{"bad consent input", `mutation($m: ID!, $g: String!) { m: recordGuardianConsent(input: {member: $m, guardianName: $g,
		relationship: PARENT, method: WRITTEN, givenAt: "2999-01-01T00:00:00Z"}) { member { id } userErrors { field message code } } }`,
		func(w *leakWorld) map[string]any {
			return map[string]any{"m": w.member, "g": leakGuardian + strings.Repeat(" y", 60)}
		}, nil},
	{"audit log", `{ auditLog(first: 100) { nodes { action entityType entityId before after } } }`, nil, nil},
}

// TestMemberDataDoesNotLeak sends every path that can reach the member's data as every
// kind of caller. Only the keys of the organization that recorded the member, and of the
// organizer and coordinator it shared the member with, may see the name and contact details, each read of them adds a row to the access log, and no answer to anyone else,
// no log line and no table other than the member's own ever holds them.
func TestMemberDataDoesNotLeak(t *testing.T) {
	t.Parallel()
	w := newLeakWorld(t)
	for _, p := range leakPaths {
		t.Run(p.name, func(t *testing.T) {
			var vars map[string]any
			if p.vars != nil {
				vars = p.vars(w)
			}
			for _, r := range leakRoles {
				org, role := r[0], r[1]
				reason := leakReasons[org]
				before, beforeAll := w.accessRows(t, org, role, reason), w.accessRows(t, org, role, "")
				body := w.post(t, org, role, p.query, vars)
				got, gotAll := w.accessRows(t, org, role, reason)-before, w.accessRows(t, org, role, "")-beforeAll
				if p.showsTo(org, role) {
					if !strings.Contains(body, leakName) || !strings.Contains(body, leakEmail) {
						t.Errorf("%s %s does not see the member: %s", org, role, body)
					}
					if got != 1 || gotAll != 1 {
						t.Errorf("%s %s read the member; %d rows with reason %s added to the access log (%d in all), want 1",
							org, role, got, reason, gotAll)
					}
					continue
				}
				if l := leaked(body); len(l) > 0 {
					t.Errorf("%s %s sees %q: %s", org, role, l, body)
				}
				// A lookup answers null, as for a member that does not exist.
				if nulls := map[string]string{"node": `"node":null`, "nodes": `"nodes":[null,null,null]`}[p.name]; nulls != "" && !strings.Contains(body, nulls) {
					t.Errorf("%s %s reaches the member or its registration: %s", org, role, body)
				}
				if gotAll != 0 {
					t.Errorf("%s %s: %d access log rows for a caller who saw nothing", org, role, gotAll)
				}
			}
		})
	}
	// The audit log is reached and holds the member's writes, without their data.
	if body := w.post(t, "creator", "ADMIN", `{ auditLog(first: 100) { nodes { action } } }`, nil); !strings.Contains(body, "createMember") ||
		!strings.Contains(body, "recordGuardianConsent") {
		t.Errorf("the creator's admin does not see its member writes in the audit log: %s", body)
	}
	// Outsiders are told why, not shown what.
	for _, r := range [][2]string{{"anonymous", ""}, {"other", "ADMIN"}, {"creator", "ADMIN"}} {
		body := w.post(t, r[0], r[1], `query($e: ID!) { event(id: $e) { registrations { nodes { id } } } }`, map[string]any{"e": w.event})
		want := "FORBIDDEN"
		if r[0] == "anonymous" {
			want = "UNAUTHENTICATED"
		}
		if !strings.Contains(body, want) {
			t.Errorf("%s %s listing registrations: %s, want %s", r[0], r[1], body, want)
		}
		var counts struct {
			Data struct {
				YouthNetwork struct {
					MemberCount struct {
						Value      *int
						Suppressed bool
						Label      string
					}
				}
			}
		}
		body = w.post(t, r[0], r[1], `{ youthNetwork(slug: "asean-youth") { memberCount { value suppressed label } } }`, nil)
		if err := json.Unmarshal([]byte(body), &counts); err != nil {
			t.Fatal(err)
		}
		if mc := counts.Data.YouthNetwork.MemberCount; mc.Value != nil || !mc.Suppressed || mc.Label != "fewer than 5" {
			t.Errorf("%s %s sees the member count %+v, want it suppressed", r[0], r[1], mc)
		}
	}
	// The coordinator sees the exact count.
	if body := w.post(t, "coordinator", "VIEWER", `{ youthNetwork(slug: "asean-youth") { memberCount { value label } } }`, nil); !strings.Contains(body, `"value":1`) {
		t.Errorf("the coordinator's member count: %s", body)
	}

	// No log line holds the data, though the log saw every request.
	log := w.log.String()
	if !strings.Contains(log, `"msg":"request"`) {
		t.Fatalf("the log saw no requests: %q", log)
	}
	if l := leaked(log); len(l) > 0 {
		t.Errorf("the log holds %q", l)
	}
	// No table but the member's own holds the data: not the audit log, the access log or
	// the idempotency records.
	for table, rows := range dbtest.Snapshot(t, w.url) {
		if table == "members" || table == "guardian_consents" {
			continue
		}
		if l := leaked(rows); len(l) > 0 {
			t.Errorf("table %s holds %q", table, l)
		}
	}

	// After erasure no path shows the old data to anyone, and no table holds it.
	memberOK(t, w.as("creator", "EDITOR"), eraseMutation, map[string]any{"m": w.member}, nil)
	for _, p := range leakPaths {
		var vars map[string]any
		if p.vars != nil {
			vars = p.vars(w)
		}
		for _, org := range []string{"creator", "organizer", "coordinator"} {
			if l := leaked(w.post(t, org, "ADMIN", p.query, vars)); len(l) > 0 && p.name != "bad member input" && p.name != "bad IDs" && p.name != "bad consent input" {
				t.Errorf("after erasure, %s sees %q through %s", org, l, p.name)
			}
		}
	}
	for table, rows := range dbtest.Snapshot(t, w.url) {
		if l := leaked(rows); len(l) > 0 {
			t.Errorf("after erasure, table %s holds %q", table, l)
		}
	}
	if l := leaked(w.log.String()); len(l) > 0 {
		t.Errorf("the log holds %q", l)
	}
}
