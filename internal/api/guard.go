package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"campaigns/graph"
	"campaigns/internal/persisted"
	"campaigns/internal/problem"
	"campaigns/internal/reqid"
)

// guard refuses what gqlgen's transports would refuse without an error code, or not at
// all, so that every bad request gets a GraphQL error with extensions.code and the request
// id. It is also the defence against cross-site request forgery: a browser sends a
// cross-origin POST without asking first only with a text/plain, form or multipart body,
// and all of those are refused here, as is any other method than GET (which runs queries
// only) and POST.
func guard(maxBody int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// net/http refuses control characters below 0x20 and DEL in headers itself (see
		// Listener); bytes from 0x80 up reach us. The idempotency key is stored as text, and
		// PostgreSQL would answer a key that is not UTF-8 in its own words.
		if k := r.Header.Get(graph.IdempotencyHeader); k != "" && !plainText(k) {
			refuse(w, r, http.StatusBadRequest, "the Idempotency-Key header must be UTF-8 text without control characters, such as a UUID")
			return
		}
		switch r.Method {
		case http.MethodPost:
			mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mt != "application/json" {
				refuse(w, r, http.StatusUnsupportedMediaType, "a POST body must be JSON, sent with Content-Type: application/json")
				return
			}
			if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
				refuse(w, r, http.StatusUnsupportedMediaType, "a POST body must be UTF-8")
				return
			}
			body, ok := readBody(w, r, maxBody)
			if !ok {
				return
			}
			if !utf8.Valid(body) {
				refuse(w, r, http.StatusBadRequest, "the body is not valid UTF-8")
				return
			}
			if !json.Valid(body) {
				refuse(w, r, http.StatusBadRequest, "the body is not valid JSON")
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		case http.MethodGet:
			q := r.URL.Query()
			for _, vs := range q {
				for _, v := range vs {
					if !utf8.ValidString(v) {
						refuse(w, r, http.StatusBadRequest, "the URL's parameters are not valid UTF-8")
						return
					}
				}
			}
			for _, p := range []string{"variables", "extensions"} {
				if v := q.Get(p); v != "" && !isJSONObject(v) {
					refuse(w, r, http.StatusBadRequest, "the "+p+" parameter must be a JSON object")
					return
				}
			}
			if q.Get("query") == "" && !sendsHash(q.Get("extensions")) {
				refuse(w, r, http.StatusBadRequest, "a GET request needs a query parameter, e.g. /query?query={campaigns{totalCount}}, or the sha256Hash of a persisted query in extensions")
				return
			}
		case http.MethodOptions:
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			refuse(w, r, http.StatusMethodNotAllowed, "use POST, or GET for queries")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// readBody reads at most maxBody bytes of the body, answering 413 past that and 400 when
// the body cannot be read.
func readBody(w http.ResponseWriter, r *http.Request, maxBody int64) ([]byte, bool) {
	if r.ContentLength > maxBody {
		tooLarge(w, r, maxBody)
		return nil, false
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		refuse(w, r, http.StatusBadRequest, "the body could not be read")
		return nil, false
	}
	if int64(len(body)) > maxBody {
		tooLarge(w, r, maxBody)
		return nil, false
	}
	return body, true
}

// What the server reads, at most, of a body it refused as too large before it closes the
// connection: enough for a client that sent a few times the limit by mistake, too little
// to be worth sending on purpose.
const (
	drainBytes = 8 << 20
	drainTime  = 10 * time.Second
)

// tooLarge answers 413 BODY_TOO_LARGE and closes the connection. Many clients (Python's
// urllib, many mobile HTTP stacks) send the whole body before they read anything: if the
// server closed the connection with their body still arriving, the kernel would answer
// the rest with a reset, and they would see a broken pipe instead of the answer. So the
// answer goes out first, then the rest of the body is read and thrown away, within
// drainBytes and drainTime, and only then does the connection close. A body announced
// larger than drainBytes is not worth reading; a client that asked to be told before it
// sends (Expect: 100-continue) sends nothing more once it has the answer.
func tooLarge(w http.ResponseWriter, r *http.Request, maxBody int64) {
	drain := r.ContentLength <= drainBytes && !strings.EqualFold(r.Header.Get("Expect"), "100-continue")
	rc := http.NewResponseController(w)
	// HTTP/1 reads no more of a body once the answer has begun, unless told to.
	if drain && rc.EnableFullDuplex() != nil {
		drain = false
	}
	w.Header().Set("Connection", "close")
	refuseCode(w, r, http.StatusRequestEntityTooLarge, problem.BodyTooLarge,
		fmt.Sprintf("the body is larger than the %d bytes this server reads; send a smaller one (MAX_BODY_BYTES)", maxBody))
	if !drain {
		return
	}
	_ = rc.Flush()
	_ = rc.SetReadDeadline(time.Now().Add(drainTime))
	_, _ = io.CopyN(io.Discard, r.Body, drainBytes)
}

// plainText reports whether s is UTF-8 without control characters.
func plainText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, unicode.IsControl)
}

func isJSONObject(s string) bool {
	var v map[string]any
	return json.Unmarshal([]byte(s), &v) == nil
}

// sendsHash reports whether a GET's extensions name a persisted query.
func sendsHash(extensions string) bool {
	var v map[string]any
	return json.Unmarshal([]byte(extensions), &v) == nil && persisted.RequestedHash(v) != ""
}

// refuse answers a request that is not a GraphQL request at all (a wrong method or content
// type, a body that is not UTF-8 JSON, variables that are not JSON) with BAD_REQUEST.
func refuse(w http.ResponseWriter, r *http.Request, status int, msg string) {
	refuseCode(w, r, status, problem.BadRequest, msg)
}

// refuseCode answers with a status and an error body of code, msg and the request id.
func refuseCode(w http.ResponseWriter, r *http.Request, status int, code problem.Code, msg string) {
	problem.Write(w, status, reqid.From(r.Context()), problem.New(code, "%s", msg))
}
