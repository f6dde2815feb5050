package api_test

import (
	"bufio"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"campaigns/internal/api"
	"campaigns/internal/dbtest"
)

// rawExchange writes raw to addr as it is and reads one answer.
func rawExchange(t *testing.T, addr, raw string) (*http.Response, []byte) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("reading the answer's body: %v", err)
	}
	return res, b
}

// TestRequestsNetHTTPRefusesGetOurErrorBody sends requests that net/http refuses before any
// handler runs, a control character in a header first among them: each answer must be our
// JSON error body with a code and the request id of its X-Request-Id header, with
// net/http's status, and the server's log must name that id.
func TestRequestsNetHTTPRefusesGetOurErrorBody(t *testing.T) {
	t.Parallel()
	var log syncBuffer
	srv := httptest.NewUnstartedServer(api.New(dbtest.New(t), api.Options{}))
	srv.Listener = api.Listener(srv.Listener, slog.New(slog.NewJSONHandler(&log, nil)))
	srv.Config.MaxHeaderBytes = 8 << 10
	srv.Start()
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	const q = `{"query":"{ campaigns { totalCount } }"}`
	post := func(headers string) string {
		return "POST /query HTTP/1.1\r\nHost: api.test\r\nContent-Type: application/json\r\n" + headers +
			"Content-Length: " + itoa(len(q)) + "\r\n\r\n" + q
	}
	for _, tc := range []struct {
		name, raw string
		status    int
		code      string
	}{
		{"Authorization with \\x01", post("Authorization: Bearer abc\x01def\r\n"), 400, "BAD_REQUEST"},
		{"Accept-Language with \\x01", post("Accept-Language: en\x01\r\n"), 400, "BAD_REQUEST"},
		{"Accept-Language with DEL", post("Accept-Language: en\x7f\r\n"), 400, "BAD_REQUEST"},
		{"a NUL in a header", post("X-Client: a\x00b\r\n"), 400, "BAD_REQUEST"},
		{"a control character in a header's name", post("X-Cli\x01ent: a\r\n"), 400, "BAD_REQUEST"},
		{"a CR alone in a header", post("X-Client: a\rb\r\n"), 400, "BAD_REQUEST"},
		{"a control character in the URL", "GET /query?query=\x01 HTTP/1.1\r\nHost: api.test\r\n\r\n", 400, "BAD_REQUEST"},
		{"no Host", "GET /query?query=%7B__typename%7D HTTP/1.1\r\n\r\n", 400, "BAD_REQUEST"},
		{"two Content-Lengths", post("Content-Length: 3\r\n"), 400, "BAD_REQUEST"},
		{"an unknown transfer coding", "POST /query HTTP/1.1\r\nHost: api.test\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "BAD_REQUEST"},
		{"an Expect other than 100-continue", post("Expect: something\r\n"), 417, "BAD_REQUEST"},
		{"headers over MaxHeaderBytes", post("X-Padding: " + strings.Repeat("a", 16<<10) + "\r\n"), 431, api.CodeHeadersTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, b := rawExchange(t, addr, tc.raw)
			if res.StatusCode != tc.status || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
				t.Errorf("status %d, Content-Type %q, want %d and JSON: %s", res.StatusCode, res.Header.Get("Content-Type"), tc.status, b)
			}
			var answer struct {
				Errors []struct {
					Message    string
					Extensions map[string]any
				}
			}
			if err := json.Unmarshal(b, &answer); err != nil || len(answer.Errors) != 1 {
				t.Fatalf("not our error body: %v: %s", err, b)
			}
			e := answer.Errors[0]
			id := res.Header.Get("X-Request-Id")
			if e.Extensions["code"] != tc.code || e.Extensions["requestId"] != id || id == "" || !strings.Contains(e.Message, " ") {
				t.Errorf("error %+v, X-Request-Id %q; want code %s and the header's id", e, id, tc.code)
			}
			if !strings.Contains(log.String(), `"request_id":"`+id+`"`) {
				t.Errorf("the log does not name request %s:\n%s", id, log.String())
			}
		})
	}

	// A refused request after a valid one on the same connection (pipelined, in one write):
	// the first is answered by the API, the second refused in JSON.
	t.Run("a refusal after an answer", func(t *testing.T) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.WriteString(c, post("")+post("Accept-Language: en\x01\r\n")); err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(c)
		for i, want := range []struct {
			status int
			has    string
		}{{200, `"totalCount"`}, {400, `"BAD_REQUEST"`}} {
			res, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("answer %d: %v", i, err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != want.status || !strings.Contains(string(b), want.has) {
				t.Errorf("answer %d: %d %s, want %d with %s", i, res.StatusCode, b, want.status, want.has)
			}
		}
	})

	// What net/http lets through is answered by the API as before, on the same connection.
	t.Run("a valid request and a second on the same connection", func(t *testing.T) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		br := bufio.NewReader(c)
		for i := range 2 {
			if _, err := io.WriteString(c, post("Accept-Language: en\r\n")); err != nil {
				t.Fatal(err)
			}
			res, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("request %d: %v", i, err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || !strings.Contains(string(b), `"totalCount"`) {
				t.Errorf("request %d: status %d: %s", i, res.StatusCode, b)
			}
		}
	})
}

// TestListenerLeavesHandlersAnswersAlone: a handler's own plain-text answer, even one that
// closes the connection, goes out as the handler wrote it.
func TestListenerLeavesHandlersAnswersAlone(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		http.Error(w, "400 Bad Request", http.StatusBadRequest)
	}))
	srv.Listener = api.Listener(srv.Listener, nil)
	srv.Start()
	t.Cleanup(srv.Close)
	res, b := rawExchange(t, srv.Listener.Addr().String(), "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	if res.StatusCode != 400 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") || strings.TrimSpace(string(b)) != "400 Bad Request" {
		t.Errorf("the handler's answer was changed: %d %q %s", res.StatusCode, res.Header.Get("Content-Type"), b)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestRoutesRefuseInJSON: a path the API does not serve, and a method a route does not
// take, are refused with our JSON error body too, not net/http's line of text, with the
// playground on and off.
func TestRoutesRefuseInJSON(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	for _, playground := range []bool{false, true} {
		h := api.New(st, api.Options{Playground: playground})
		for _, tc := range []struct {
			method, path string
			status       int
			code         string
		}{
			{http.MethodGet, "/no-such-path", http.StatusNotFound, "NOT_FOUND"},
			{http.MethodGet, "/playground-assets/none.js", http.StatusNotFound, "NOT_FOUND"},
			{http.MethodPost, "/healthz", http.StatusMethodNotAllowed, api.CodeMethodNotAllowed},
			{http.MethodDelete, "/readyz", http.StatusMethodNotAllowed, api.CodeMethodNotAllowed},
		} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
			var answer struct {
				Errors []struct{ Extensions map[string]any }
			}
			err := json.Unmarshal(rec.Body.Bytes(), &answer)
			if rec.Code != tc.status || err != nil || len(answer.Errors) != 1 || answer.Errors[0].Extensions["code"] != tc.code ||
				answer.Errors[0].Extensions["requestId"] != rec.Header().Get("X-Request-Id") {
				t.Errorf("playground %t, %s %s: %d %q %s; want %d with code %s", playground, tc.method, tc.path,
					rec.Code, rec.Header().Get("Content-Type"), rec.Body.String(), tc.status, tc.code)
			}
			if tc.status == http.StatusMethodNotAllowed && rec.Header().Get("Allow") == "" {
				t.Errorf("%s %s: 405 without Allow", tc.method, tc.path)
			}
		}
	}
}
