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

// TestPostNegotiatesAsGqlgenDoes checks the media type, as gqlgen negotiates it, and the
// status of a request that cannot become an operation, for each Accept a client sends: 200
// in application/json and 400 in application/graphql-response+json, as the GraphQL over
// HTTP specification asks; 400 in both for a request that is no GraphQL request.
func TestPostNegotiatesAsGqlgenDoes(t *testing.T) {
	parse := gqlerror.List{{Message: "no query", Extensions: map[string]any{"code": "GRAPHQL_PARSE_FAILED"}}}
	for _, tc := range []struct {
		accept, media string
		status        int
	}{
		{"", mediaJSON, http.StatusOK},
		{"*/*", mediaJSON, http.StatusOK},
		{"application/*", mediaJSON, http.StatusOK},
		{"application/json", mediaJSON, http.StatusOK},
		{"application/graphql-response+json", mediaGraphQLResponse, http.StatusBadRequest},
		{"application/graphql-response+json;charset=utf-8, application/json;q=0.9", mediaGraphQLResponse, http.StatusBadRequest},
		{"text/html, application/json", mediaJSON, http.StatusOK},
		{"text/html", mediaGraphQLResponse, http.StatusBadRequest},
	} {
		media := responseType(tc.accept)
		if media != tc.media {
			t.Errorf("Accept %q: %s, want %s", tc.accept, media, tc.media)
		}
		if got := operationStatus(media, parse); got != tc.status {
			t.Errorf("Accept %q: status %d, want %d", tc.accept, got, tc.status)
		}
	}
	bad := gqlerror.List{badRequest("malformed persisted query")}
	for _, media := range []string{mediaJSON, mediaGraphQLResponse} {
		if got := operationStatus(media, bad); got != http.StatusBadRequest {
			t.Errorf("%s: a request that is no GraphQL request: status %d, want 400", media, got)
		}
	}
}

// TestWriteRequestErrorHasNoData: the answer to a request that never ran keeps its errors
// and extensions and has no data member at all.
func TestWriteRequestErrorHasNoData(t *testing.T) {
	coded := &gqlerror.Error{Message: "no", Extensions: map[string]any{"code": "GRAPHQL_PARSE_FAILED"}}
	for _, tc := range []struct {
		resp *graphql.Response
		want string
	}{
		{&graphql.Response{Errors: gqlerror.List{coded}}, `{"errors":[{"message":"no","extensions":{"code":"GRAPHQL_PARSE_FAILED"}}]}`},
		{&graphql.Response{Errors: gqlerror.List{coded}, Extensions: map[string]any{"rateLimit": 3}},
			`{"errors":[{"message":"no","extensions":{"code":"GRAPHQL_PARSE_FAILED"}}],"extensions":{"rateLimit":3}}`},
	} {
		var got bytes.Buffer
		writeRequestError(&got, tc.resp)
		if got.String() != tc.want {
			t.Errorf("wrote\n%s\nwant\n%s", got.String(), tc.want)
		}
	}
}
