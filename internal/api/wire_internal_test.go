package api

import "testing"

// TestRefusalMatchesOnlyWholeRefusals: only a write that is the whole of a refusal net/http
// makes itself is rewritten, never a piece of a handler's answer that merely begins like one.
func TestRefusalMatchesOnlyWholeRefusals(t *testing.T) {
	const head = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
	for _, tc := range []struct {
		write  string
		status int
	}{
		{head + "400 Bad Request", 400},
		{"HTTP/1.1 400 Bad Request: missing required Host header\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request: missing required Host header", 400},
		{"HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n431 Request Header Fields Too Large", 431},
		{"HTTP/1.1 501 Not Implemented\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nUnsupported transfer encoding", 501},
		{"HTTP/1.1 417 Expectation Failed\r\nConnection: close\r\nDate: Sun, 06 Dec 2026 02:46:37 GMT\r\nContent-Length: 0\r\n\r\n", 417},
		// Pieces of answers that begin like a refusal, as a caller's data in an export might.
		{head + "400 Bad Request,another field\n", 0},
		{head + "400 Bad Request\r\nHTTP/1.1 200 OK", 0},
		{head + "something else", 0},
		{"HTTP/1.1 417 Expectation Failed\r\n", 0},
		{"HTTP/1.1 417 Expectation Failed\r\nConnection: close\r\nDate: x\r\nContent-Length: 0\r\n\r\nmore", 0},
		{"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n200 OK", 0},
		{"HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nDate: x\r\n\r\n400 Bad Request", 0},
		{"", 0},
	} {
		status, _, ok := refusal([]byte(tc.write))
		if status != tc.status || ok != (tc.status != 0) {
			t.Errorf("%q: status %d, %t; want %d", tc.write, status, ok, tc.status)
		}
	}
}
