package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strconv"

	"campaigns/internal/problem"
	"campaigns/internal/reqid"
)

// Listener wraps l so that the requests net/http refuses before any handler runs get the
// API's JSON error body with a code, as every other refusal does. net/http answers a
// request it cannot parse (a control character in a header, a malformed request line, no
// Host, headers over MaxHeaderBytes, an unknown transfer coding, an Expect it does not
// know) itself, with a line of plain text, and http.Server has no hook for it (asked for in
// golang/go#25116, closed without one; its ErrorLog sees none of these). What it writes is
// recognisable: one write of a status line followed by exactly Content-Type: text/plain
// and Connection: close (an answer of a handler has a Date, and its headers in another
// order), so the connection rewrites that one write. Each refusal is logged with the
// request id it gives.
func Listener(l net.Listener, log *slog.Logger) net.Listener {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &listener{Listener: l, log: log}
}

type listener struct {
	net.Listener
	log *slog.Logger
}

func (l *listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &conn{Conn: c, log: l.log}, nil
}

// conn is a server connection whose net/http refusals are rewritten.
type conn struct {
	net.Conn
	log *slog.Logger
}

// netHTTPRefusal is the whole of what net/http writes, in one write, for a request it
// refuses unread (server.go's errorHeaders): the status line, which may carry a reason
// after the status text, the two headers, and the status again as the body (or, for 501,
// "Unsupported transfer encoding"). netHTTP417 is its answer to an Expect header other
// than 100-continue, which goes out through its response writer instead, with no body.
// Both must match a write whole: a handler's body is flushed to the connection in pieces
// that may begin anywhere, even with bytes a caller chose, but a piece never ends as these
// do (an answer in JSON holds no raw line break; an export ends its last line itself).
var (
	netHTTPRefusal = regexp.MustCompile(`\AHTTP/1\.1 ([45]\d\d) ([^\r\n]*)\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n([^\r\n]*)\z`)
	netHTTP417     = regexp.MustCompile(`\AHTTP/1\.1 417 Expectation Failed\r\nConnection: close\r\nDate: [^\r\n]*\r\nContent-Length: 0\r\n\r\n\z`)
)

// refusal returns the status and reason of b when b is the whole of a refusal net/http
// writes itself.
func refusal(b []byte) (status int, reason string, ok bool) {
	if len(b) < 13 || !bytes.HasPrefix(b, []byte("HTTP/1.1 ")) || (b[9] != '4' && b[9] != '5') {
		return 0, "", false
	}
	if netHTTP417.Match(b) {
		return http.StatusExpectationFailed, "Expectation Failed", true
	}
	m := netHTTPRefusal.FindSubmatch(b)
	if m == nil {
		return 0, "", false
	}
	status, _ = strconv.Atoi(string(m[1]))
	reason = string(m[2])
	if body := string(m[3]); body != string(m[1])+" "+reason && (status != http.StatusNotImplemented || body != "Unsupported transfer encoding") {
		return 0, "", false
	}
	return status, reason, true
}

func (c *conn) Write(b []byte) (int, error) {
	status, reason, ok := refusal(b)
	if !ok {
		return c.Conn.Write(b)
	}
	id := reqid.New()
	code, msg := refusalOf(status, reason)
	c.log.Info("request refused before it was read", "request_id", id, "status", status, "code", code, "reason", reason, "remote", c.RemoteAddr().String())
	body, _ := json.Marshal(problem.Body(id, problem.New(code, "%s", msg), nil))
	answer := fmt.Sprintf("HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n%s: %s\r\n\r\n%s",
		status, http.StatusText(status), len(body), reqid.Header, id, body)
	if _, err := c.Conn.Write([]byte(answer)); err != nil {
		return 0, err
	}
	return len(b), nil // net/http wrote what it meant to
}

// CloseWrite half-closes the connection, as net/http does before it closes one after a
// refusal, so that the client reads the answer before the connection goes.
func (c *conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// refusalOf returns the code and message of a refusal net/http made with status, whose
// status line said reason (its status text, and after it sometimes what was wrong).
func refusalOf(status int, reason string) (code problem.Code, msg string) {
	switch status {
	case http.StatusRequestHeaderFieldsTooLarge:
		return problem.HeadersTooLarge, "the request's headers are larger than this server reads; send fewer or shorter headers"
	case http.StatusNotImplemented:
		return problem.BadRequest, "the request's Transfer-Encoding is not one this server reads; send the body with a Content-Length, or chunked"
	case http.StatusExpectationFailed:
		return problem.BadRequest, "the Expect header asks for something this server does not do; it understands only 100-continue"
	case http.StatusHTTPVersionNotSupported:
		return problem.BadRequest, "this server speaks HTTP/1.0 and HTTP/1.1; the request names another version"
	}
	if _, detail, ok := bytes.Cut([]byte(reason), []byte(": ")); ok {
		return problem.BadRequest, "the request is not valid HTTP: " + string(detail)
	}
	return problem.BadRequest, "the request is not valid HTTP: a header's name or value holds a character HTTP does not allow (a control character, such as a byte below 0x20 other than tab, or DEL), or the request line or a header is malformed"
}
