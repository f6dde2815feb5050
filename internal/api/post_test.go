package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestWriteResponseWritesWhatJSONMarshalWould checks the answer writer against the
// json.Marshal that gqlgen's own POST transport uses: the same bytes for every shape of
// answer, data copied as the executor wrote it.
func TestWriteResponseWritesWhatJSONMarshalWould(t *testing.T) {
	yes := true
	coded := &gqlerror.Error{Message: "no", Path: ast.Path{ast.PathName("event")}, Extensions: map[string]any{"code": "BAD_USER_INPUT"}}
	for name, resp := range map[string]*graphql.Response{
		"nil":                 nil,
		"data":                {Data: json.RawMessage(`{"a":[1,2,{"b":"c"}]}`)},
		"no data":             {},
		"errors and data":     {Errors: gqlerror.List{coded}, Data: json.RawMessage(`{"event":null}`)},
		"errors only":         {Errors: gqlerror.List{coded}},
		"extensions":          {Data: json.RawMessage(`{}`), Extensions: map[string]any{"sqlStatements": 4, "cost": map[string]any{"points": 12}}},
		"errors, extensions":  {Errors: gqlerror.List{coded}, Extensions: map[string]any{"rateLimit": 3}},
		"incremental payload": {Data: json.RawMessage(`{"x":1}`), Label: "l", Path: ast.Path{ast.PathName("a")}, HasNext: &yes},
	} {
		t.Run(name, func(t *testing.T) {
			var got bytes.Buffer
			writeResponse(&got, resp)
			want, err := json.Marshal(resp)
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != string(want) {
				t.Errorf("wrote\n%s\nwant\n%s", got.String(), want)
			}
		})
	}
}

// TestPostNegotiatesAsGqlgenDoes checks the media type and the status of a request that
// cannot become an operation, for each Accept a client sends.
func TestPostNegotiatesAsGqlgenDoes(t *testing.T) {
	protocol := gqlerror.List{{Message: "no query", Extensions: map[string]any{"code": "GRAPHQL_PARSE_FAILED"}}}
	for _, tc := range []struct {
		accept, media string
		status        int
	}{
		{"", mediaJSON, http.StatusUnprocessableEntity},
		{"*/*", mediaJSON, http.StatusUnprocessableEntity},
		{"application/*", mediaJSON, http.StatusUnprocessableEntity},
		{"application/json", mediaJSON, http.StatusUnprocessableEntity},
		{"application/graphql-response+json", mediaGraphQLResponse, http.StatusBadRequest},
		{"application/graphql-response+json;charset=utf-8, application/json;q=0.9", mediaGraphQLResponse, http.StatusBadRequest},
		{"text/html, application/json", mediaJSON, http.StatusUnprocessableEntity},
		{"text/html", mediaGraphQLResponse, http.StatusBadRequest},
	} {
		media := responseType(tc.accept)
		if media != tc.media {
			t.Errorf("Accept %q: %s, want %s", tc.accept, media, tc.media)
		}
		if got := operationStatus(media, protocol); got != tc.status {
			t.Errorf("Accept %q: status %d, want %d", tc.accept, got, tc.status)
		}
	}
	if got := operationStatus(mediaJSON, gqlerror.List{{Message: "over budget"}}); got != http.StatusOK {
		t.Errorf("an error that is not the protocol's: status %d, want 200", got)
	}
}
