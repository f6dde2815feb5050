package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/relay"
)

// The co-host tests use a hidWorld: A organizes, B, C and a fourth organization D are
// invited to host A's events.

const (
	chCreate = `mutation($in: CreateEventInput!) { createEvent(input: $in) { event { id coHosts { slug } } userErrors { field code message } } }`
	chInvite = `mutation($e: ID!, $o: ID!, $edit: Boolean) { m: inviteCoHost(input: {event: $e, organization: $o, canEdit: $edit}) {
		invitation { status canEdit organization { slug } invitedBy { slug } } userErrors { field code message } } }`
	chWithdraw = `mutation($e: ID!, $o: ID!) { m: withdrawCoHostInvitation(input: {event: $e, organization: $o}) {
		invitation { status answeredAt } userErrors { field code message } } }`
	chAccept  = `mutation($e: ID!) { m: acceptCoHost(input: {event: $e}) { invitation { status event { id title } } userErrors { field code message } } }`
	chDecline = `mutation($e: ID!) { m: declineCoHost(input: {event: $e}) { invitation { status event { id } } userErrors { field code message } } }`
	chEvent   = `query($e: ID!) { node(id: $e) { ... on Event { id coHosts { slug } } } }`
	chEvents  = `{ events(first: 100) { nodes { id coHosts { slug } } } }`
	chPending = `{ viewer { coHostInvitations { status canEdit event { id title } organization { slug } invitedBy { slug } } } }`
	chSent    = `{ viewer { sentCoHostInvitations { status organization { slug } event { id } } } }`
	chUpdate  = `mutation($e: ID!, $v: Int!) { m: updateEvent(input: {id: $e, expectedVersion: $v, title: "Renamed by a co-host"}) { event { title } userErrors { code } } }`
	chSearch  = `query($q: String!) { search(query: $q, first: 50) { nodes { ... on Event { id } } } }`
)

// chInvitation is an invitation as the tests read it.
type chInvitation struct {
	Status       string
	CanEdit      bool
	AnsweredAt   *string
	Event        *struct{ ID, Title string }
	Organization struct{ Slug string }
	InvitedBy    struct{ Slug string }
}

type chPayload struct {
	M struct {
		Invitation *chInvitation
		UserErrors []struct {
			Field         []string
			Code, Message string
		}
	}
}

// chMutate sends a co-host mutation and decodes its payload, failing on a top-level error.
func chMutate(t *testing.T, w *hidWorld, key, query string, vars map[string]any) chPayload {
	t.Helper()
	var p chPayload
	w.c.As(key).Query(t, query, vars).MustData(t, &p)
	return p
}

// chHosts returns the co-hosts of an event as key sees it through node, and whether it
// sees the event at all.
func chHosts(t *testing.T, w *hidWorld, key, event string) ([]string, bool) {
	t.Helper()
	var got struct {
		Node *struct{ CoHosts []struct{ Slug string } }
	}
	w.c.As(key).Query(t, chEvent, map[string]any{"e": event}).MustData(t, &got)
	if got.Node == nil {
		return nil, false
	}
	slugs := []string{}
	for _, h := range got.Node.CoHosts {
		slugs = append(slugs, h.Slug)
	}
	return slugs, true
}

// chSees reports whether key finds the event in the events list, the events export and search.
func chSees(t *testing.T, w *hidWorld, key, event, title string) (list, export, search bool) {
	t.Helper()
	var l struct {
		Events struct{ Nodes []struct{ ID string } }
	}
	w.c.As(key).Query(t, chEvents, nil).MustData(t, &l)
	list = slices.ContainsFunc(l.Events.Nodes, func(n struct{ ID string }) bool { return n.ID == event })
	req := httptest.NewRequest(http.MethodGet, "/export/events.jsonl", nil)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	rec := httptest.NewRecorder()
	w.c.Handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("export: %d %s", rec.Code, rec.Body)
	}
	export = strings.Contains(rec.Body.String(), title)
	var s struct {
		Search struct{ Nodes []struct{ ID string } }
	}
	w.c.As(key).Query(t, chSearch, map[string]any{"q": title}).MustData(t, &s)
	search = slices.ContainsFunc(s.Search.Nodes, func(n struct{ ID string }) bool { return n.ID == event })
	return list, export, search
}

// TestCoHostsMustAccept: an organization named as co-host is invited, not made a co-host.
// While the invitation is pending its name is on no answer, it reads nothing of a
// partner-only event and may edit nothing; it sees the invitation and accepts or declines;
// the organizer may withdraw. Each step is in the audit log of whoever took it.
func TestCoHostsMustAccept(t *testing.T) {
	t.Parallel()
	w := newHidWorld(t)
	w.keys["B's viewer"] = w.keysFor(t, "org-b", "VIEWER")
	w.keys["B's admin"] = w.keys[hidStrangerAdm]
	w.keys["C's admin"] = w.keysFor(t, "org-c", "ADMIN")
	w.keys["D's editor"] = w.keysFor(t, "org-d", "EDITOR")
	w.keys["A's admin"] = w.keys[hidOwnerAdmin]
	for _, k := range w.keys {
		w.c.As(k).Query(t, `{ __typename }`, nil)
	}
	orgD := w.orgID(t, "org-d")
	soon := time.Now().Add(40 * 24 * time.Hour).Truncate(time.Minute).UTC().Format(time.RFC3339)

	// A creates a partner-only event naming B as co-host, and a public one naming C.
	create := func(title, visibility, cohost string) string {
		var got struct {
			CreateEvent struct {
				Event *struct {
					ID      string
					CoHosts []struct{ Slug string }
				}
				UserErrors []struct{ Code, Message string }
			}
		}
		w.c.As(w.keys[hidOwner]).Query(t, chCreate, map[string]any{"in": map[string]any{
			"campaign": w.ids["publishedCampaign"], "title": title, "kind": "CONCERT", "status": "SCHEDULED", "visibility": visibility,
			"startsAt": soon, "timeZone": "Asia/Yangon", "coHosts": []string{cohost},
		}}).MustData(t, &got)
		if e := got.CreateEvent.Event; e == nil || len(got.CreateEvent.UserErrors) > 0 || len(e.CoHosts) != 0 {
			t.Fatalf("createEvent: %+v; want the event without co-hosts until they accept", got.CreateEvent)
		}
		return got.CreateEvent.Event.ID
	}
	private := create("Backstage rehearsal", "PARTNERS", w.ids["orgB"])
	public := create("Harbour concert", "PUBLIC", w.ids["orgC"])
	// B is also asked, by inviteCoHost, to co-host the public event with the right to edit it.
	if p := chMutate(t, w, w.keys[hidOwner], chInvite, map[string]any{"e": public, "o": w.ids["orgB"], "edit": true}); p.M.Invitation == nil ||
		p.M.Invitation.Status != "PENDING" || !p.M.Invitation.CanEdit || p.M.Invitation.InvitedBy.Slug != "org-a" {
		t.Fatalf("inviteCoHost: %+v", p.M)
	}
	// And D, whose invitation A withdraws below.
	chMutate(t, w, w.keys[hidOwner], chInvite, map[string]any{"e": private, "o": relayOrg(orgD)})

	t.Run("pending invitations show nowhere and grant nothing", func(t *testing.T) {
		for _, key := range []string{"", w.keys[hidStranger], w.keys[hidPartner], w.keys[hidOwner]} {
			if hosts, seen := chHosts(t, w, key, public); !seen || len(hosts) != 0 {
				t.Errorf("the public event's co-hosts as %q: %v (seen %v), want none", key, hosts, seen)
			}
		}
		if hosts, seen := chHosts(t, w, w.keys[hidOwner], private); !seen || len(hosts) != 0 {
			t.Errorf("the organizer sees co-hosts %v before any accepted", hosts)
		}
		if _, seen := chHosts(t, w, w.keys[hidStranger], private); seen {
			t.Error("an invited organization reads a partner-only event through node before it accepts")
		}
		if list, export, search := chSees(t, w, w.keys[hidStranger], private, "Backstage rehearsal"); list || export || search {
			t.Errorf("an invited organization finds the partner-only event: list %v, export %v, search %v", list, export, search)
		}
		// Invited with the right to edit, B may still not edit the public event; it cannot
		// even tell the partner-only one exists.
		if code := w.c.As(w.keys[hidStranger]).Query(t, chUpdate, map[string]any{"e": public, "v": 1}).ErrorCode(t); code != "FORBIDDEN" {
			t.Errorf("a pending co-host edits the public event: %s, want FORBIDDEN", code)
		}
		if code := w.c.As(w.keys[hidStranger]).Query(t, chUpdate, map[string]any{"e": private, "v": 1}).ErrorCode(t); code != "NOT_FOUND" {
			t.Errorf("a pending co-host edits the partner-only event: %s, want NOT_FOUND", code)
		}
	})

	t.Run("the invited see their pending invitations, the organizer what it sent", func(t *testing.T) {
		var got struct {
			Viewer struct{ CoHostInvitations []chInvitation }
		}
		w.c.As(w.keys["B's viewer"]).Query(t, chPending, nil).MustData(t, &got)
		titles := []string{}
		for _, inv := range got.Viewer.CoHostInvitations {
			if inv.Status != "PENDING" || inv.Event == nil || inv.Organization.Slug != "org-b" || inv.InvitedBy.Slug != "org-a" {
				t.Errorf("B's invitation %+v", inv)
				continue
			}
			titles = append(titles, inv.Event.Title)
		}
		slices.Sort(titles)
		if diff := cmp.Diff([]string{"Backstage rehearsal", "Harbour concert"}, titles); diff != "" {
			t.Errorf("B's pending invitations (-want +got):\n%s", diff)
		}
		var none struct {
			Viewer *struct{ CoHostInvitations []chInvitation }
		}
		w.c.Query(t, `{ viewer { coHostInvitations { status } } }`, nil).MustData(t, &none)
		if none.Viewer != nil {
			t.Errorf("an anonymous caller has a viewer: %+v", none.Viewer)
		}
		var sent struct {
			Viewer struct {
				SentCoHostInvitations []struct {
					Status       string
					Organization struct{ Slug string }
				}
			}
		}
		w.c.As(w.keys[hidOwner]).Query(t, chSent, nil).MustData(t, &sent)
		if n := len(sent.Viewer.SentCoHostInvitations); n != 5 { // B twice, C twice (one from the world), D
			t.Errorf("A sent %d invitations, want 5: %+v", n, sent.Viewer.SentCoHostInvitations)
		}
		w.c.As(w.keys[hidStranger]).Query(t, chSent, nil).MustData(t, &sent)
		if n := len(sent.Viewer.SentCoHostInvitations); n != 0 {
			t.Errorf("B sees %d invitations it did not send", n)
		}
	})

	t.Run("a viewer key cannot answer; an editor accepts", func(t *testing.T) {
		before := dbtest.Snapshot(t, w.url)
		res := w.c.As(w.keys["B's viewer"]).Query(t, chAccept, map[string]any{"e": private})
		if code := res.ErrorCode(t); code != "FORBIDDEN" || res.Errors[0].Message != "a viewer key cannot accept invitations to co-host events; use an editor or admin key" {
			t.Errorf("a viewer accepting: %s %q", code, res.Errors[0].Message)
		}
		if diff := cmp.Diff(before, dbtest.Snapshot(t, w.url)); diff != "" {
			t.Fatalf("refused, yet the database changed:\n%s", diff)
		}
		for _, e := range []string{private, public} {
			p := chMutate(t, w, w.keys[hidStranger], chAccept, map[string]any{"e": e})
			if p.M.Invitation == nil || p.M.Invitation.Status != "ACCEPTED" || p.M.Invitation.Event == nil || p.M.Invitation.Event.ID != e {
				t.Fatalf("acceptCoHost: %+v", p.M)
			}
		}
		for _, key := range []string{"", w.keys[hidPartner]} {
			if hosts, _ := chHosts(t, w, key, public); !slices.Equal(hosts, []string{"org-b"}) {
				t.Errorf("the public event's co-hosts as %q: %v, want org-b", key, hosts)
			}
		}
		if hosts, seen := chHosts(t, w, w.keys[hidStranger], private); !seen || !slices.Equal(hosts, []string{"org-b"}) {
			t.Errorf("B, now a co-host, sees the partner-only event %v with co-hosts %v", seen, hosts)
		}
		if list, export, search := chSees(t, w, w.keys[hidStranger], private, "Backstage rehearsal"); !list || !export || !search {
			t.Errorf("a co-host does not find its partner-only event: list %v, export %v, search %v", list, export, search)
		}
		// The right to edit came with the public event's invitation, not the other's.
		var updated struct {
			M struct{ Event *struct{ Title string } }
		}
		w.c.As(w.keys[hidStranger]).Query(t, chUpdate, map[string]any{"e": public, "v": 1}).MustData(t, &updated)
		if updated.M.Event == nil || updated.M.Event.Title != "Renamed by a co-host" {
			t.Errorf("a co-host granted the right to edit could not: %+v", updated.M)
		}
		if code := w.c.As(w.keys[hidStranger]).Query(t, chUpdate, map[string]any{"e": private, "v": 1}).ErrorCode(t); code != "FORBIDDEN" {
			t.Errorf("a co-host without the right to edit: %s, want FORBIDDEN", code)
		}
		// An answered invitation cannot be answered again.
		if code := w.c.As(w.keys[hidStranger]).Query(t, chDecline, map[string]any{"e": private}).ErrorCode(t); code != "NOT_FOUND" {
			t.Errorf("declining an accepted invitation: %s, want NOT_FOUND", code)
		}
	})

	t.Run("declined", func(t *testing.T) {
		p := chMutate(t, w, w.keys[hidPartner], chDecline, map[string]any{"e": public})
		if p.M.Invitation == nil || p.M.Invitation.Status != "DECLINED" {
			t.Fatalf("declineCoHost: %+v", p.M)
		}
		if hosts, _ := chHosts(t, w, "", public); slices.Contains(hosts, "org-c") {
			t.Errorf("C declined but co-hosts the event: %v", hosts)
		}
		// C's other invitation (from the world) is still pending.
		var got struct {
			Viewer struct{ CoHostInvitations []chInvitation }
		}
		w.c.As(w.keys[hidPartner]).Query(t, chPending, nil).MustData(t, &got)
		if len(got.Viewer.CoHostInvitations) != 1 || got.Viewer.CoHostInvitations[0].Event.ID != w.ids["hiddenEvent"] {
			t.Errorf("C's pending invitations: %+v", got.Viewer.CoHostInvitations)
		}
	})

	t.Run("withdrawn", func(t *testing.T) {
		// Only the organizer withdraws: B, a co-host now, may not.
		if code := w.c.As(w.keys[hidStranger]).Query(t, chWithdraw, map[string]any{"e": private, "o": relayOrg(orgD)}).ErrorCode(t); code != "FORBIDDEN" {
			t.Errorf("a co-host withdrawing: %s, want FORBIDDEN", code)
		}
		p := chMutate(t, w, w.keys[hidOwner], chWithdraw, map[string]any{"e": private, "o": relayOrg(orgD)})
		if p.M.Invitation == nil || p.M.Invitation.Status != "WITHDRAWN" || p.M.Invitation.AnsweredAt == nil {
			t.Fatalf("withdrawCoHostInvitation: %+v", p.M)
		}
		if code := w.c.As(w.keys["D's editor"]).Query(t, chAccept, map[string]any{"e": private}).ErrorCode(t); code != "NOT_FOUND" {
			t.Errorf("accepting a withdrawn invitation: %s, want NOT_FOUND", code)
		}
		again := chMutate(t, w, w.keys[hidOwner], chWithdraw, map[string]any{"e": private, "o": relayOrg(orgD)})
		if len(again.M.UserErrors) != 1 || again.M.UserErrors[0].Code != "NOT_FOUND" {
			t.Errorf("withdrawing twice: %+v", again.M)
		}
		// Invited again, D may accept.
		chMutate(t, w, w.keys[hidOwner], chInvite, map[string]any{"e": private, "o": relayOrg(orgD)})
		if p := chMutate(t, w, w.keys["D's editor"], chAccept, map[string]any{"e": private}); p.M.Invitation == nil || p.M.Invitation.Status != "ACCEPTED" {
			t.Errorf("accepting a second invitation: %+v", p.M)
		}
	})

	t.Run("refused invitations", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			org  string
			code string
		}{
			{"the organizer itself", w.ids["orgA"], "INVALID"},
			{"a co-host already", w.ids["orgB"], "TAKEN"},
			{"an unknown organization", hidUnknown(relay.TypeOrganization), "NOT_FOUND"},
		} {
			p := chMutate(t, w, w.keys[hidOwner], chInvite, map[string]any{"e": public, "o": tc.org})
			if len(p.M.UserErrors) != 1 || p.M.UserErrors[0].Code != tc.code || strings.Join(p.M.UserErrors[0].Field, ".") != "input.organization" {
				t.Errorf("inviting %s: %+v, want %s on input.organization", tc.name, p.M.UserErrors, tc.code)
			}
		}
	})

	t.Run("every step is audited by who took it", func(t *testing.T) {
		want := map[string][]string{
			"A's admin": {"createEvent", "inviteCoHost", "withdrawCoHostInvitation"},
			"B's admin": {"acceptCoHost", "updateEvent"},
			"C's admin": {"declineCoHost"},
		}
		for key, actions := range want {
			var got struct {
				AuditLog struct{ Nodes []struct{ Action string } }
			}
			w.c.As(w.keys[key]).Query(t, `{ auditLog(first: 100) { nodes { action } } }`, nil).MustData(t, &got)
			seen := map[string]bool{}
			for _, n := range got.AuditLog.Nodes {
				seen[n.Action] = true
			}
			for _, a := range actions {
				if !seen[a] {
					t.Errorf("%s's audit log lacks %s: %+v", key, a, got.AuditLog.Nodes)
				}
			}
		}
	})
}

// keysFor creates a key of role for the organization with slug, creating the organization
// if need be.
func (w *hidWorld) keysFor(t *testing.T, slug, role string) string {
	t.Helper()
	return apitest.Key(t, w.st, slug, role)
}

// orgID returns the ID of the organization with slug.
func (w *hidWorld) orgID(t *testing.T, slug string) int64 {
	t.Helper()
	o, err := w.st.OrganizationBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return o.ID
}

func relayOrg(id int64) string { return relay.EncodeInt(relay.TypeOrganization, id) }
