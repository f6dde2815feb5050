package api

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"campaigns/internal/problem"
)

// post is gqlgen's POST transport (transport.POST, whose Supports it keeps), changed where
// the GraphQL over HTTP specification (graphql-http's audit holds the server to it, see
// TestGraphQLHTTPAudit) or speed asks for it:
//   - it writes the executor's data as it is: gqlgen's writer passes the whole answer through
//     json.Marshal, which validates and copies the data, JSON the executor has just written,
//     once more: 8% of the server's CPU on the nested campaign list (BENCHMARKS.md);
//   - a body without a query (and without a persisted query's hash) is no GraphQL request:
//     400 BAD_REQUEST, whatever the client accepts;
//   - a request that never ran (a document that does not parse or validate, variables of
//     the wrong type, a limit) answers with no data member, as the GraphQL specification
//     says of request errors, and with 200 in application/json or 400 in
//     application/graphql-response+json (see operationStatus).
//
// The content type is negotiated from Accept as transport.POST does.
type post struct{ transport.POST }

const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// Do runs one POSTed operation.
func (post) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	contentType := responseType(r.Header.Get("Accept"))
	w.Header().Add("Content-Type", contentType)
	start := graphql.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		writeRequestError(w, exec.DispatchError(ctx, gqlerror.List{badRequest("the request body could not be read")}))
		return
	}
	var params graphql.RawParams
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&params); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		writeRequestError(w, exec.DispatchError(ctx, gqlerror.List{badRequest(
			"the body is not a GraphQL request: want a JSON object with a query string, and variables and extensions as objects (%v)", err)}))
		return
	}
	if params.Query == "" && !hasQuery(body, params.Extensions) {
		w.WriteHeader(http.StatusBadRequest)
		writeRequestError(w, exec.DispatchError(ctx, gqlerror.List{badRequest(
			`the body has no query: send {"query": "{ campaigns { totalCount } }"}, or a persisted query's hash in extensions.persistedQuery`)}))
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	rc, opErr := exec.CreateOperationContext(ctx, &params)
	if opErr != nil {
		w.WriteHeader(operationStatus(contentType, opErr))
		writeRequestError(w, exec.DispatchError(graphql.WithOperationContext(ctx, rc), opErr))
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	resp := responses(ctx)
	cacheHeaders(w, r, resp) // for a POST only a key's answer gets one: private, no-store
	writeResponse(w, resp)
}

// get is gqlgen's GET transport with the statuses and the answer of post: a request that
// never ran answers 200 in application/json and 400 in application/graphql-response+json,
// with no data member. Its anonymous answers carry an ETag, and a request that names the
// current one in If-None-Match gets 304 Not Modified (httpcache.go). The guard has already
// refused a GET without a query or hash, with parameters that are not UTF-8, and variables
// or extensions that are not JSON objects.
type get struct{ transport.GET }

// Do runs one query sent with GET.
func (get) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	contentType := responseType(r.Header.Get("Accept"))
	w.Header().Add("Content-Type", contentType)
	start := graphql.Now()
	query := r.URL.Query()
	params := graphql.RawParams{Query: query.Get("query"), OperationName: query.Get("operationName"), Headers: r.Header}
	for name, dst := range map[string]*map[string]any{"variables": &params.Variables, "extensions": &params.Extensions} {
		v := query.Get(name)
		if v == "" {
			continue
		}
		dec := json.NewDecoder(strings.NewReader(v))
		dec.UseNumber()
		if err := dec.Decode(dst); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			writeRequestError(w, exec.DispatchError(ctx, gqlerror.List{badRequest("the %s parameter must be a JSON object", name)}))
			return
		}
	}
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	rc, opErr := exec.CreateOperationContext(ctx, &params)
	if opErr != nil {
		cacheHeaders(w, r, nil)
		w.WriteHeader(operationStatus(contentType, opErr))
		writeRequestError(w, exec.DispatchError(graphql.WithOperationContext(ctx, rc), opErr))
		return
	}
	if op := rc.Doc.Operations.ForName(rc.OperationName); op == nil || op.Operation != ast.Query {
		// The shield refuses this first, with 405 and Allow; this is the transport's own net.
		w.Header().Set("Allow", http.MethodPost)
		w.WriteHeader(http.StatusMethodNotAllowed)
		writeRequestError(w, exec.DispatchError(ctx, gqlerror.List{coded(problem.MethodNotAllowed, "GET is for queries only; send a mutation with POST")}))
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	resp := responses(ctx)
	if cacheHeaders(w, r, resp) {
		notModified(w)
		return
	}
	writeResponse(w, resp)
}

// hasQuery reports whether a body whose query decoded empty holds one all the same: a
// query member that is the empty string (a document that does not parse), or a persisted
// query in its extensions, which the persisted-query extension reads (and refuses, when
// it is malformed, with a message of its own). Only such bodies pay for the second decode.
func hasQuery(body []byte, extensions map[string]any) bool {
	if _, ok := extensions["persistedQuery"]; ok {
		return true
	}
	var probe struct {
		Query *string `json:"query"`
	}
	return json.Unmarshal(body, &probe) == nil && probe.Query != nil
}

// badRequest is the error of a request that is not a GraphQL request at all.
func badRequest(format string, args ...any) *gqlerror.Error {
	return problem.New(problem.BadRequest, format, args...).GraphQL()
}

// responseType picks the answer's media type from Accept as transport.POST does: the
// first of application/json and application/graphql-response+json asked for, JSON for
// no preference or a wildcard, the GraphQL one for anything else.
func responseType(accept string) string {
	if accept == "" {
		return mediaJSON
	}
	for part := range strings.SplitSeq(accept, ",") {
		mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mediaType {
		case "*/*", "application/*", mediaJSON:
			return mediaJSON
		case mediaGraphQLResponse:
			return mediaGraphQLResponse
		}
	}
	return mediaGraphQLResponse
}

// operationStatus is the status of a request that could not become an operation, as the
// GraphQL over HTTP specification asks: in application/json 200, the status of every
// well-formed request, so that a client that predates the specification finds the errors
// where it looks for them; in application/graphql-response+json 400, since the answer has
// no data. A request that is not a GraphQL request at all (BAD_REQUEST, such as a malformed
// persisted-query extension) is 400 in both. Refusals with a status of their own (429 with
// Retry-After, 405 with Allow) replace this one on the way out (see exchange).
func operationStatus(contentType string, errs gqlerror.List) int {
	for _, err := range errs {
		if code, _ := err.Extensions["code"].(string); code == string(problem.BadRequest) {
			return http.StatusBadRequest
		}
	}
	if contentType == mediaGraphQLResponse {
		return http.StatusBadRequest
	}
	return http.StatusOK
}

// writeRequestError writes the answer to a request that never ran: its errors and
// extensions and no data member, which the GraphQL specification keeps for requests that
// began to execute ("If an error was raised before execution begins, the data entry
// should not be present").
func writeRequestError(w io.Writer, resp *graphql.Response) {
	if resp == nil {
		resp = &graphql.Response{}
	}
	b, err := json.Marshal(struct {
		Errors     gqlerror.List  `json:"errors"`
		Extensions map[string]any `json:"extensions,omitempty"`
	}{resp.Errors, resp.Extensions})
	if err != nil {
		b, _ = json.Marshal(problem.Body("", unwritable, nil))
	}
	_, _ = w.Write(b)
}

// writeResponse writes resp as json.Marshal would, in the same order of members, but
// copies data unchanged: the executor wrote it, so it is valid JSON already. An
// incremental payload (label, path, hasNext) goes through json.Marshal whole.
func writeResponse(w io.Writer, resp *graphql.Response) {
	if resp == nil || resp.Label != "" || resp.Path != nil || resp.HasNext != nil {
		writeMarshalled(w, resp)
		return
	}
	var head bytes.Buffer
	head.WriteByte('{')
	if len(resp.Errors) > 0 {
		b, err := json.Marshal(resp.Errors)
		if err != nil {
			writeMarshalled(w, resp)
			return
		}
		head.WriteString(`"errors":`)
		head.Write(b)
		head.WriteByte(',')
	}
	head.WriteString(`"data":`)
	var tail []byte
	if len(resp.Extensions) > 0 {
		b, err := json.Marshal(resp.Extensions)
		if err != nil {
			writeMarshalled(w, resp)
			return
		}
		tail = append(append([]byte(`,"extensions":`), b...), '}')
	} else {
		tail = []byte{'}'}
	}
	_, _ = w.Write(head.Bytes())
	if len(resp.Data) == 0 {
		_, _ = io.WriteString(w, "null")
	} else {
		_, _ = w.Write(resp.Data)
	}
	_, _ = w.Write(tail)
}

// unwritable is the error that replaces an answer json.Marshal could not write.
var unwritable = problem.New(problem.Internal, "the answer could not be written")

// writeMarshalled writes resp through json.Marshal, as transport.POST does.
func writeMarshalled(w io.Writer, resp *graphql.Response) {
	b, err := json.Marshal(resp)
	if err != nil {
		b, _ = json.Marshal(problem.Body("", unwritable, map[string]any{"data": nil}))
	}
	_, _ = w.Write(b)
}
