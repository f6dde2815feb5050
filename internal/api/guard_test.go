package api_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"campaigns/internal/api"
	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/limits"

	"campaigns/internal/testenv"
)

// TestMalformedRequestsGetACode sends requests that are not GraphQL requests at all: each
// gets an error with BAD_REQUEST and the request id, a 4xx status, and never the body back.
func TestMalformedRequestsGetACode(t *testing.T) {
	t.Parallel()
	c := apitest.New(dbtest.New(t))
	get := func(q string) *http.Request { return httptest.NewRequest(http.MethodGet, "/query?"+q, nil) }
	post := func(ct, body string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(body))
		r.Header.Set("Content-Type", ct)
		return r
	}
	for _, tc := range []struct {
		name   string
		req    *http.Request
		status int
	}{
		{"body not JSON", post("application/json", `{"query": "secret-member-name`), http.StatusBadRequest},
		{"query not a string", post("application/json", `{"query": 5}`), http.StatusBadRequest},
		{"variables not an object", post("application/json", `{"query": "{ campaigns { totalCount } }", "variables": "x"}`), http.StatusBadRequest},
		{"text/plain body", post("text/plain", `{"query": "{ campaigns { totalCount } }"}`), http.StatusUnsupportedMediaType},
		{"form body", post("application/x-www-form-urlencoded", `query=x`), http.StatusUnsupportedMediaType},
		{"no content type", post("", `{"query": "{ campaigns { totalCount } }"}`), http.StatusUnsupportedMediaType},
		{"PUT", httptest.NewRequest(http.MethodPut, "/query", strings.NewReader(`{}`)), http.StatusMethodNotAllowed},
		{"GET without query", get(""), http.StatusBadRequest},
		{"GET with variables not JSON", get("query=" + url.QueryEscape("{ campaigns { totalCount } }") + "&variables=%7Bx"), http.StatusBadRequest},
		{"Idempotency-Key not UTF-8", withHeader(post("application/json", `{"query": "mutation { __typename }"}`), "Idempotency-Key", "key-\xff"), http.StatusBadRequest},
		{"Idempotency-Key with a control character", withHeader(post("application/json", `{"query": "mutation { __typename }"}`), "Idempotency-Key", "key-\u0085"), http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			c.Handler.ServeHTTP(rec, tc.req)
			if rec.Code != tc.status {
				t.Errorf("status %d, want %d", rec.Code, tc.status)
			}
			var res struct {
				Errors []struct {
					Message    string
					Extensions map[string]any
				}
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || len(res.Errors) == 0 {
				t.Fatalf("not a GraphQL error response: %v\n%s", err, rec.Body.String())
			}
			e := res.Errors[0]
			if e.Extensions["code"] != "BAD_REQUEST" {
				t.Errorf("code %v, want BAD_REQUEST (message %q)", e.Extensions["code"], e.Message)
			}
			if id := rec.Header().Get("X-Request-Id"); id == "" || e.Extensions["requestId"] != id {
				t.Errorf("requestId %v, header %q", e.Extensions["requestId"], id)
			}
			if strings.Contains(rec.Body.String(), "secret-member-name") {
				t.Errorf("the response repeats the body: %s", rec.Body.String())
			}
		})
	}
}

// TestOversizedBodyIsAnsweredToClientsThatSendFirst is a client that writes its whole
// request before it reads anything, as Python's urllib and many mobile HTTP stacks do,
// sending a body twice MAX_BODY_BYTES: it must read 413 with BODY_TOO_LARGE, not a broken
// pipe or a reset. Once with Content-Length, once chunked (whose size the server learns
// only by reading).
func TestOversizedBodyIsAnsweredToClientsThatSendFirst(t *testing.T) {
	t.Parallel()
	const limit = 512 << 10
	srv := httptest.NewServer(api.New(dbtest.New(t), api.Options{Limits: limits.Config{MaxBodyBytes: limit}}))
	t.Cleanup(srv.Close)
	body := `{"query": "{ campaigns { totalCount } }", "variables": {"pad": "` + strings.Repeat("x", 2*limit) + `"}}`
	for _, chunked := range []bool{false, true} {
		t.Run(fmt.Sprintf("chunked=%t", chunked), func(t *testing.T) {
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(30 * time.Second)) // the bound on a hang
			var req bytes.Buffer
			fmt.Fprintf(&req, "POST /query HTTP/1.1\r\nHost: api.test\r\nContent-Type: application/json\r\n")
			if chunked {
				req.WriteString("Transfer-Encoding: chunked\r\n\r\n")
				for rest := body; rest != ""; {
					n := min(len(rest), 8192)
					fmt.Fprintf(&req, "%x\r\n%s\r\n", n, rest[:n])
					rest = rest[n:]
				}
				req.WriteString("0\r\n\r\n")
			} else {
				fmt.Fprintf(&req, "Content-Length: %d\r\n\r\n%s", len(body), body)
			}
			// The whole request first, then the answer. It goes out in pieces, as over a real
			// network, so that sending takes longer than the moment the server waits between
			// answering and closing (net/http's rstAvoidanceDelay, 500 ms): a loopback
			// connection's buffers would otherwise take the whole body at once.
			for p := req.Bytes(); len(p) > 0; {
				n := min(len(p), 4<<10)
				if _, err := conn.Write(p[:n]); err != nil {
					t.Fatalf("writing the request, %d bytes before its end: %v (the server stopped reading and reset the connection)", len(p), err)
				}
				p = p[n:]
				time.Sleep(10 * time.Millisecond)
			}
			res, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("reading the answer: %v", err)
			}
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			if err != nil {
				t.Fatalf("reading the answer's body: %v", err)
			}
			if res.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("status %d, want 413: %s", res.StatusCode, b)
			}
			checkTooLarge(t, b)
		})
	}
	// Python's urllib itself, which the issue names, where the machine has Python.
	t.Run("urllib", func(t *testing.T) {
		python := testenv.Tool(t, "python3", "apt-get install python3")
		const script = `
import sys, urllib.request, urllib.error
req = urllib.request.Request(sys.argv[1], data=sys.stdin.buffer.read(), headers={"Content-Type": "application/json"})
try:
    urllib.request.urlopen(req, timeout=30)
    print("200")
except urllib.error.HTTPError as e:
    print(e.code)
    sys.stdout.write(e.read().decode())
`
		cmd := exec.Command(python, "-c", script, srv.URL+"/query")
		cmd.Stdin = strings.NewReader(body)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("urllib: %v\n%s", err, out)
		}
		status, b, _ := strings.Cut(string(out), "\n")
		if status != "413" {
			t.Errorf("urllib read status %s, want 413: %s", status, b)
		}
		checkTooLarge(t, []byte(b))
	})
}

func checkTooLarge(t *testing.T, b []byte) {
	t.Helper()
	var answer struct {
		Errors []struct{ Extensions map[string]any }
	}
	if err := json.Unmarshal(b, &answer); err != nil || len(answer.Errors) == 0 || answer.Errors[0].Extensions["code"] != api.CodeBodyTooLarge {
		t.Errorf("answer %s (%v), want an error with code %s", b, err, api.CodeBodyTooLarge)
	}
}
