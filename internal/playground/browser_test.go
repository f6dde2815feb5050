package playground_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"campaigns/internal/api"
	"campaigns/internal/apitest"
	"campaigns/internal/config"
	"campaigns/internal/dbtest"
	"campaigns/internal/realtime"
	"campaigns/internal/store"

	"campaigns/internal/testenv"
)

// browserPath is where Debian's chromium package puts the browser; scripts/install-browser.sh
// installs it, and CI runs that script before the tests.
const browserPath = "/usr/bin/chromium"

// TestPlaygroundInBrowser tries the playground as a person would, in a real headless
// Chromium against the real handler and a seeded database, with no internet: the page loads
// with no console error and fetches nothing from anywhere but this server, a query typed into
// the editor runs with the Run button, and its result shows in the result pane; then, with
// an API key typed into the Headers tab, a subscription typed into the editor runs over the
// page's websocket, and each of two changes made through the API while it runs shows in the
// result pane. Screenshots of both results go to
// $ARTEFACTS_DIR (a temporary directory when unset).
func TestPlaygroundInBrowser(t *testing.T) {
	requireBrowser(t)
	s := serveSeeded(t)
	p := openPlayground(t, s.URL)

	p.runOperation(t, `{ campaign(slug: "mtv-exit-southeast-asia") { name events(first: 1) { totalCount } } }`,
		`"name": "MTV EXIT in Southeast Asia"`)
	p.screenshot(t, "playground-query.png")

	// A subscription to one seeded event, shared with partners only, so that the page must
	// send the API key typed into the Headers tab for the subscription to see it; then
	// changes to it by an editor of its organizer.
	ev := s.firstEvent(t)
	key := apitest.Key(t, s.st, ev.Organizer.Slug, "EDITOR")
	editor := &apitest.Client{Handler: s.Config.Handler, Key: key}
	s.updateEvent(t, editor, map[string]any{"id": ev.ID, "expectedVersion": ev.Version, "visibility": "PARTNERS"})
	p.typeHeaders(t, fmt.Sprintf(`{"Authorization": "Bearer %s"}`, key))
	p.typeOperation(t, fmt.Sprintf(`subscription { eventChanged(event: "%s") { op eventId event { title } } }`, ev.ID))
	p.pressRun(t)
	// The changes must come after the server holds the subscription, or nobody hears them.
	s.awaitSubscriptions(t, 1)
	// Two changes, each awaited in the result pane: a subscription delivers both, where a
	// plain POST of the operation (what GraphiQL falls back to when it has no websocket, and
	// which the server answers with the first event alone) would show only the first.
	for i, where := range []string{"moved indoors", "moved to the town hall"} {
		renamed := fmt.Sprintf("%s (%s)", ev.Title, where)
		s.updateEvent(t, editor, map[string]any{"id": ev.ID, "expectedVersion": ev.Version + 1 + i, "title": renamed})
		p.waitForResult(t, fmt.Sprintf(`"title": %q`, renamed))
	}
	p.waitForResult(t, `"op": "UPDATED"`)
	if ws := p.websockets(); len(ws) != 1 || ws[0] != "ws://"+p.host+"/query" {
		t.Errorf("the page opened websockets %q, want one to ws://%s/query", ws, p.host)
	}
	p.screenshot(t, "playground-subscription.png")

	// Console errors, exceptions and requests to other hosts fail the test when it ends
	// (see openPlayground).
}

// requireBrowser skips the test when there is no browser, which is the only reason to skip
// it, and fails it instead when REQUIRE_BROWSER is set (as CI sets it).
func requireBrowser(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(browserPath); err != nil {
		if os.Getenv("REQUIRE_BROWSER") != "" {
			t.Fatalf("REQUIRE_BROWSER is set but there is no browser at %s: %v", browserPath, err)
		}
		testenv.Needs(t, fmt.Sprintf("a browser at %s (run scripts/install-browser.sh; REQUIRE_BROWSER=1 also makes this a failure)", browserPath), false)
	}
}

// server is the project's handler on a loopback port, with what the test needs to reach
// behind it.
type server struct {
	*httptest.Server
	st     *store.Store
	broker *realtime.Broker
}

// serveSeeded serves the project's own handler, configured as `go run .` configures it (the
// playground and introspection on, the default limits, subscriptions fed by a broker that
// listens to the database), over a seeded test database, on a loopback port.
func serveSeeded(t *testing.T) *server {
	t.Helper()
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	st := dbtest.Seeded(t)
	b := realtime.New(st, realtime.Options{Buffer: cfg.Realtime.Buffer, PerKey: cfg.Realtime.PerKey})
	ctx, stopListening := context.WithCancel(context.Background())
	listening := make(chan struct{})
	go func() { b.Run(ctx); close(listening) }()
	select {
	case <-b.Listening():
	case <-time.After(time.Minute):
		t.Fatal("the broker does not listen to the database")
	}
	streams := new(api.Streams)
	srv := httptest.NewServer(api.New(st, api.Options{
		Playground: cfg.Playground, Introspection: cfg.Introspection, Limits: cfg.Limits,
		Broker: b, Streams: streams, KeepAlive: cfg.Realtime.KeepAlive,
	}))
	// As the server shuts down: end the websockets, which httptest.Server.Close would wait
	// for, then stop listening.
	t.Cleanup(func() {
		b.Shutdown()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := streams.Close(ctx); err != nil {
			t.Errorf("close the streams: %v", err)
		}
		srv.Close()
		stopListening()
		<-listening
	})
	return &server{Server: srv, st: st, broker: b}
}

// seededEvent is an event of the seed data, as its organizer's editor needs it to change it.
type seededEvent struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Version   int    `json:"version"`
	Organizer struct {
		Slug string `json:"slug"`
	} `json:"organizer"`
}

// firstEvent reads the first public event of the seeded campaign through the API.
func (s *server) firstEvent(t *testing.T) seededEvent {
	t.Helper()
	var out struct {
		Campaign struct {
			Events struct {
				Nodes []seededEvent `json:"nodes"`
			} `json:"events"`
		} `json:"campaign"`
	}
	c := &apitest.Client{Handler: s.Config.Handler}
	c.Query(t, `{ campaign(slug: "mtv-exit-southeast-asia") { events(first: 1) { nodes { id title version organizer { slug } } } } }`, nil).MustData(t, &out)
	if len(out.Campaign.Events.Nodes) == 0 {
		t.Fatal("the seeded campaign has no event")
	}
	return out.Campaign.Events.Nodes[0]
}

// updateEvent changes an event through the API as editor; input is UpdateEventInput.
func (s *server) updateEvent(t *testing.T, editor *apitest.Client, input map[string]any) {
	t.Helper()
	var out struct {
		UpdateEvent struct {
			UserErrors []struct{ Code, Message string } `json:"userErrors"`
		} `json:"updateEvent"`
	}
	editor.Query(t, `mutation($input: UpdateEventInput!) { updateEvent(input: $input) { userErrors { code message } } }`,
		map[string]any{"input": input}).MustData(t, &out)
	if len(out.UpdateEvent.UserErrors) > 0 {
		t.Fatalf("updateEvent %v: %+v", input, out.UpdateEvent.UserErrors)
	}
}

// awaitSubscriptions waits until the broker holds n subscriptions.
func (s *server) awaitSubscriptions(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for s.broker.Count() != n {
		if time.Now().After(deadline) {
			t.Fatalf("the server holds %d subscriptions after a minute, want %d (did the playground open a websocket?)", s.broker.Count(), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// playground is one browser tab showing the playground.
type playground struct {
	ctx  context.Context
	host string // the server's host:port; the page may fetch from nowhere else

	mu            sync.Mutex
	problems      []string // console errors, exceptions and requests to other hosts
	websocketURLs []string // the URLs of the websockets the page opened
}

// openPlayground starts Chromium and opens the page at base, waiting until GraphiQL has
// drawn its editors and loaded the schema (the documentation explorer needs it).
func openPlayground(t *testing.T, base string) *playground {
	t.Helper()
	requireBrowser(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	// The flags keep Chromium from reaching for Google's services: on a machine without
	// internet each attempt is an error, and the test must prove the page needs none.
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(browserPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		// A container's /dev/shm is often 64 MB, too small for a page this size.
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	// Deadlines against a hung browser, not a measure of speed: a shared CI machine at a load
	// of 25 took 70 s for the whole test.
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	t.Cleanup(cancel)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(ctx)
	t.Cleanup(cancelTab)

	p := &playground{ctx: ctx, host: u.Host}
	if err := chromedp.Listen(ctx, p.listen); err != nil {
		t.Fatalf("start %s: %v", browserPath, err)
	}
	// Runs before the cancels above (cleanups run last first), also after a step failed:
	// report every problem the browser showed, and keep what a failure looked like.
	t.Cleanup(func() {
		p.checkNoProblems(t)
		if t.Failed() {
			p.screenshot(t, "playground-failed.png")
		}
	})
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(base+"/"))
	if err != nil {
		t.Fatalf("open the playground at %s: %v", base, err)
	}
	if res.Status != 200 {
		t.Fatalf("GET %s/ answered %d", base, res.Status)
	}
	err = chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`.graphiql-query-editor .CodeMirror`)),
		chromedp.WaitVisible(chromedp.CSS(`.graphiql-execute-button`)),
	)
	if err != nil {
		t.Fatalf("wait for GraphiQL's editor and Run button: %v", err)
	}
	if title, err := chromedp.Run(ctx, chromedp.Title()); err != nil || title != "Campaign partner API" {
		t.Errorf("page title %q (%v), want %q", title, err, "Campaign partner API")
	}
	p.waitFor(t, "the schema to load (the Docs button enabled)",
		`!!document.querySelector('button[aria-label="Show Documentation Explorer"]:not([disabled])')`)
	return p
}

// listen records what a person would see as a problem in the browser's developer tools.
func (p *playground) listen(ev any) {
	var problem string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				args = append(args, strings.Trim(string(a.Value), `"`)+a.Description)
			}
			problem = "console." + string(ev.Type) + ": " + strings.Join(args, " ")
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		problem = fmt.Sprintf("uncaught exception: %s at %s:%d", d.Text, d.URL, d.LineNumber+1)
		if d.Exception != nil {
			problem += ": " + d.Exception.Description
		}
	case *cdplog.EventEntryAdded:
		if ev.Entry.Level == cdplog.EntryLevelError {
			problem = fmt.Sprintf("browser log (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
		}
	case *network.EventWebSocketCreated:
		p.mu.Lock()
		p.websocketURLs = append(p.websocketURLs, ev.URL)
		p.mu.Unlock()
		if u, err := url.Parse(ev.URL); err == nil && u.Host != p.host {
			problem = "websocket to another host: " + ev.URL
		}
	case *network.EventRequestWillBeSent:
		if u, err := url.Parse(ev.Request.URL); err == nil && u.Scheme != "data" && u.Host != p.host {
			problem = "request to another host: " + ev.Request.URL
		}
	}
	if problem != "" {
		p.mu.Lock()
		p.problems = append(p.problems, problem)
		p.mu.Unlock()
	}
}

// websockets returns the URLs of the websockets the page has opened so far.
func (p *playground) websockets() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.websocketURLs...)
}

// checkNoProblems fails the test for every console error, exception and foreign request
// seen so far; openPlayground makes it run when the test ends.
func (p *playground) checkNoProblems(t *testing.T) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, problem := range p.problems {
		t.Error(problem)
	}
}

// runOperation types op into the editor, presses Run and waits until the result pane
// shows want: what a person does with a query or a mutation.
func (p *playground) runOperation(t *testing.T, op, want string) {
	t.Helper()
	p.typeOperation(t, op)
	p.pressRun(t)
	p.waitForResult(t, want)
}

// typeOperation replaces the editor's text with op, typed key by key as a person types it
// (the editor closes brackets and quotes itself, and typing the closing one steps over it),
// then presses Prettify, as a person tidies a one-line query, so a screenshot shows it whole.
func (p *playground) typeOperation(t *testing.T, op string) {
	t.Helper()
	const editor = `.graphiql-query-editor .CodeMirror textarea`
	err := chromedp.Do(p.ctx,
		chromedp.Click(chromedp.CSS(`.graphiql-query-editor .CodeMirror-lines`)),
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.KeyEvent("\b"),
		chromedp.SendKeys(chromedp.CSS(editor), op),
	)
	if err != nil {
		t.Fatalf("type the operation: %v", err)
	}
	typed, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](
		`document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue()`))
	if err != nil {
		t.Fatalf("read the editor: %v", err)
	}
	if typed != op {
		t.Fatalf("the editor holds %q after typing, want %q", typed, op)
	}
	if err := chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(`button[aria-label^="Prettify query"]`))); err != nil {
		t.Fatalf("press Prettify: %v", err)
	}
	// GraphiQL parses the editor's text 100 ms after the last change and decides by that
	// parse whether Run sends a subscription over the websocket or anything else by POST;
	// a person pausing before Run never sees it, a test pressing Run at once would.
	p.waitFor(t, "GraphiQL to parse the operation", `(() => {
		const cm = document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror;
		return cm.documentAST?.loc?.source?.body === cm.getValue();
	})()`)
}

// typeHeaders opens the Headers tab below the editor and types headers (JSON) into it, as
// a person sets an API key.
func (p *playground) typeHeaders(t *testing.T, headers string) {
	t.Helper()
	const editor = `section.graphiql-editor-tool[aria-label="Headers"] .graphiql-editor:not(.hidden) .CodeMirror`
	err := chromedp.Do(p.ctx,
		chromedp.Click(chromedp.CSS(`button[data-name="headers"]`)),
		chromedp.WaitVisible(chromedp.CSS(editor)),
		chromedp.Click(chromedp.CSS(editor+` .CodeMirror-lines`)),
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.KeyEvent("\b"),
		chromedp.SendKeys(chromedp.CSS(editor+` textarea`), headers),
	)
	if err != nil {
		t.Fatalf("type the headers: %v", err)
	}
	typed, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](
		fmt.Sprintf(`document.querySelector(%q).CodeMirror.getValue()`, editor)))
	if err != nil {
		t.Fatalf("read the headers editor: %v", err)
	}
	if typed != headers {
		t.Fatalf("the headers editor holds %q after typing, want %q", typed, headers)
	}
}

// pressRun presses the Run button. For a subscription, the result pane fills later, as
// events arrive: cause one, then waitForResult.
func (p *playground) pressRun(t *testing.T) {
	t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(`.graphiql-execute-button`))); err != nil {
		t.Fatalf("press Run: %v", err)
	}
}

// waitForResult waits until the text in the result pane contains want.
func (p *playground) waitForResult(t *testing.T, want string) {
	t.Helper()
	p.waitFor(t, fmt.Sprintf("the result pane to show %s", want), fmt.Sprintf(
		`(document.querySelector('.graphiql-response .CodeMirror-code')?.innerText ?? '').replace(/\u00a0/g, ' ').includes(%q)`, want))
}

// waitFor polls a JavaScript condition until it holds, failing with what the result pane
// shows when it has not held for a minute.
func (p *playground) waitFor(t *testing.T, what, condition string) {
	t.Helper()
	deadline := time.After(time.Minute)
	for {
		ok, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](condition))
		if err != nil {
			t.Fatalf("wait for %s: %v", what, err)
		}
		if ok {
			return
		}
		select {
		case <-deadline:
			shown, _ := chromedp.Run(context.WithoutCancel(p.ctx), chromedp.Evaluate[string](
				`document.querySelector('.graphiql-response')?.innerText ?? '(no result pane)'`))
			t.Fatalf("gave up waiting for %s; the result pane shows: %s", what, shown)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// screenshot saves the whole page as name in artefactsDir.
func (p *playground) screenshot(t *testing.T, name string) {
	t.Helper()
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(artefactsDir(t), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Errorf("save screenshot: %v", err)
		return
	}
	t.Logf("screenshot: %s", path)
}

var (
	artefactsOnce sync.Once
	artefacts     string
	artefactsErr  error
)

// artefactsDir is $ARTEFACTS_DIR (CI sets it and keeps what lands there), or a temporary
// directory that outlives the test so a person can look at the screenshot.
func artefactsDir(t *testing.T) string {
	t.Helper()
	artefactsOnce.Do(func() {
		artefacts = os.Getenv("ARTEFACTS_DIR")
		if artefacts == "" {
			artefacts, artefactsErr = os.MkdirTemp("", "campaigns-artefacts-")
			return
		}
		artefactsErr = os.MkdirAll(artefacts, 0o755)
	})
	if artefactsErr != nil {
		t.Fatalf("artefacts directory: %v", artefactsErr)
	}
	return artefacts
}
