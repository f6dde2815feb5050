package playground

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"regexp"
	"strings"
	"testing"
)

// get sends a GET for target to h and returns the response with its body read.
func get(t *testing.T, h http.Handler, target string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	res := rec.Result()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}

func TestPage(t *testing.T) {
	h := Handler("Campaign partner API", "/query")
	res, body := get(t, h, "/")

	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET / = %d, want 200", res.StatusCode)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type = %q, want text/html", ct)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("Cache-Control = %q, want no-cache", cc)
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "style-src 'self'", "connect-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy = %q, want it to contain %q", csp, want)
		}
	}
	for _, want := range []string{"<title>Campaign partner API</title>", `data-endpoint="/query"`} {
		if !strings.Contains(body, want) {
			t.Errorf("page does not contain %q", want)
		}
	}
	if m := regexp.MustCompile(`https?://[^\s"'<>]*`).FindAllString(body, -1); len(m) > 0 {
		t.Errorf("page refers to remote URLs %q; everything must be served locally", m)
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, "<style") {
		t.Error("page has inline script or style, which the Content-Security-Policy blocks")
	}
}

func TestPageAssetsAreServed(t *testing.T) {
	h := Handler("Campaign partner API", "/query")
	_, body := get(t, h, "/")

	page, _ := url.Parse("http://example.test/")
	refs := regexp.MustCompile(`<(?:script|link)\b[^>]*\b(?:src|href)="([^"]*)"`).FindAllStringSubmatch(body, -1)
	if len(refs) < 6 {
		t.Fatalf("page links to %d scripts and stylesheets, want at least 6 (React, ReactDOM, GraphiQL, its CSS, page.js, favicon)", len(refs))
	}
	for _, ref := range refs {
		u, err := page.Parse(ref[1])
		if err != nil {
			t.Fatal(err)
		}
		if u.Host != page.Host {
			t.Errorf("%q is not served by this handler", ref[1])
			continue
		}
		res, asset := get(t, h, u.Path)
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", u.Path, res.StatusCode)
			continue
		}
		wantType := map[string]string{".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}[path.Ext(u.Path)]
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, wantType) {
			t.Errorf("GET %s: Content-Type = %q, want %s", u.Path, ct, wantType)
		}
		if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("GET %s: Cache-Control = %q, want it cached for good", u.Path, cc)
		}
		if wantType == "" {
			t.Errorf("GET %s: unexpected kind of asset", u.Path)
		}
		if len(asset) < 100 {
			t.Errorf("GET %s: %d bytes, want the real file", u.Path, len(asset))
		}
	}
}

func TestUnhashedAssetIsRevalidated(t *testing.T) {
	h := Handler("t", "/query")
	res, body := get(t, h, "/playground/graphiql.min.js")
	if res.StatusCode != http.StatusOK || len(body) < 100_000 {
		t.Fatalf("GET /playground/graphiql.min.js = %d with %d bytes, want 200 with the bundle", res.StatusCode, len(body))
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("Cache-Control = %q, want no-cache for a URL without a content hash", cc)
	}

	req := httptest.NewRequest(http.MethodGet, "/playground/graphiql.min.js", nil)
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("GET with If-None-Match: %d, want 304", rec.Code)
	}
}

func TestUnknownPathIsNotFound(t *testing.T) {
	h := Handler("t", "/query")
	for _, p := range []string{
		"/index.html",
		"/favicon.ico",
		"/query",
		"/playground/",
		"/playground/nope.js",
		"/playground/000000000000/graphiql.min.js",
		"/playground/page.html",
		"/playground/LICENSE-react",
		"/playground/../page.html",
	} {
		if res, _ := get(t, h, p); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, res.StatusCode)
		}
	}
}

func TestTitleAndEndpointAreEscaped(t *testing.T) {
	_, body := get(t, Handler(`</title><script>alert(1)</script>`, `/q"><script>alert(2)</script>`), "/")
	if strings.Contains(body, "<script>alert") {
		t.Fatalf("title or endpoint reached the page unescaped:\n%s", body)
	}
	for _, want := range []string{
		"<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>",
		`data-endpoint="/q&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page does not contain %q", want)
		}
	}
}

func TestOnlyGetAndHead(t *testing.T) {
	rec := httptest.NewRecorder()
	Handler("t", "/query").ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST / = %d, want 405", rec.Code)
	}
}

func TestUnderPrefix(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/graphiql/", http.StripPrefix("/graphiql", Handler("t", "/query")))
	_, body := get(t, mux, "/graphiql/")

	src := regexp.MustCompile(`<script src="([^"]*graphiql\.min\.js)"`).FindStringSubmatch(body)
	if src == nil {
		t.Fatal("page has no graphiql.min.js script")
	}
	if res, _ := get(t, mux, "/graphiql/"+src[1]); res.StatusCode != http.StatusOK {
		t.Errorf("GET /graphiql/%s = %d, want 200", src[1], res.StatusCode)
	}
}
