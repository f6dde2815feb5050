// Package playground serves a GraphiQL page for exploring the GraphQL API.
//
// Every script and stylesheet the page loads is embedded in the binary (see
// assets/README.md for where they come from), because the playground is used
// in field offices that have no internet access, so a CDN is not an option.
package playground

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"path"
	"strings"
	"time"
)

// files holds the vendored GraphiQL and React browser builds plus the page's
// own template, script, stylesheet and icon, so the playground needs nothing
// but this binary.
//
//go:embed page.html page.js page.css favicon.svg assets/*.js assets/*.css
var files embed.FS

// assetDir is where assets are served, relative to the page. The page links
// to "playground/<hash>/<name>"; the hash changes with the content, which is
// what makes it safe to let browsers cache those responses forever.
const assetDir = "playground/"

// contentSecurityPolicy only lets the page load code and styles from this
// server; GraphiQL 3 needs neither 'unsafe-inline' nor 'unsafe-eval', and the
// page has no inline code. Fonts and icons are data: URIs inside
// graphiql.min.css. In CSP
// level 3 'self' in connect-src also covers ws:// and wss:// to the same host,
// which the page's subscriptions use (page.js); unlike a host name taken from the request, it
// stays right behind a reverse proxy that rewrites the Host header.
const contentSecurityPolicy = "default-src 'none'; " +
	"script-src 'self'; " +
	"style-src 'self'; " +
	"font-src 'self' data:; " +
	"img-src 'self' data:; " +
	"connect-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// asset is one embedded file as served under assetDir.
type asset struct {
	body      []byte
	hash      string // hex SHA-256 of body, used as the ETag
	immutable bool   // true when the URL carries the hash
}

// handler serves the page, rendered once, and the assets it links to.
type handler struct {
	page   asset
	assets map[string]asset // keyed by the path below assetDir
}

// Handler returns the GraphiQL playground, titled title, sending queries to
// endpoint (which may be relative to the page, such as "/query").
//
// It is meant to be mounted as the catch-all route, because besides the page
// at "/" it serves the assets the page needs under "/playground/":
//
//	mux.Handle("/", playground.Handler("Campaign partner API", "/query"))
//
// Any other path gets 404. The page links to its assets by relative URLs, so
// it also works below a prefix, e.g. with http.StripPrefix("/graphiql", ...)
// mounted at "/graphiql/".
//
// Handler panics if the embedded files are inconsistent, which is a build
// mistake rather than something a caller could handle.
func Handler(title, endpoint string) http.Handler {
	h := &handler{assets: make(map[string]asset)}
	urls := make(map[string]string) // file name -> URL relative to the page

	entries, err := files.ReadDir("assets")
	if err != nil {
		panic(err)
	}
	names := []string{"page.js", "page.css", "favicon.svg"}
	for _, e := range entries {
		names = append(names, "assets/"+e.Name())
	}
	for _, name := range names {
		body, err := files.ReadFile(name)
		if err != nil {
			panic(err)
		}
		a := newAsset(body)
		base := path.Base(name)
		// The unhashed name is handy for curl and bookmarks; it is
		// revalidated on every use instead of cached forever.
		h.assets[base] = a
		hashed := a.hash[:12] + "/" + base
		a.immutable = true
		h.assets[hashed] = a
		urls[base] = assetDir + hashed
	}

	tmpl, err := template.New("page.html").Funcs(template.FuncMap{
		"asset": func(name string) (string, error) {
			u, ok := urls[name]
			if !ok {
				return "", fmt.Errorf("playground: page.html links to %q, which is not embedded", name)
			}
			return u, nil
		},
	}).ParseFS(files, "page.html")
	if err != nil {
		panic(err)
	}
	var page bytes.Buffer
	data := struct{ Title, Endpoint string }{title, endpoint}
	if err := tmpl.Execute(&page, data); err != nil {
		panic(err)
	}
	h.page = newAsset(page.Bytes())
	return h
}

// newAsset hashes body so it can be revalidated by ETag.
func newAsset(body []byte) asset {
	sum := sha256.Sum256(body)
	return asset{body: body, hash: hex.EncodeToString(sum[:])}
}

// ServeHTTP serves the page at "/", assets below "/playground/", and 404
// for anything else.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")

	if r.URL.Path == "/" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", contentSecurityPolicy)
		serve(w, r, "page.html", h.page)
		return
	}
	name, ok := strings.CutPrefix(r.URL.Path, "/"+assetDir)
	a, found := h.assets[name]
	if !ok || !found {
		http.NotFound(w, r)
		return
	}
	serve(w, r, name, a)
}

// serve writes a with caching headers that match its URL. http.ServeContent
// sets Content-Type from the extension of name (.js, .css, .svg) unless it is
// already set, and answers If-None-Match and Range requests.
func serve(w http.ResponseWriter, r *http.Request, name string, a asset) {
	if a.immutable {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Set("ETag", `"`+a.hash+`"`)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.body))
}
