package api

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// post is gqlgen's POST transport (transport.POST, whose Supports it keeps) with one
// change: it writes the executor's data as it is. gqlgen's writer passes the whole answer
// through json.Marshal, which validates and copies the data, JSON the executor has just
// written, once more: 8% of the server's CPU on the nested campaign list (BENCHMARKS.md).
// Everything else follows transport.POST: the content type negotiated from Accept, the
// status of a request that cannot become an operation, the errors of an unreadable body.
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
		writeResponse(w, exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf("could not read request body: %+v", err)}))
		return
	}
	var params graphql.RawParams
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&params); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		writeResponse(w, exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf("json request body could not be decoded: %+v body:%s", err, body)}))
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	rc, opErr := exec.CreateOperationContext(ctx, &params)
	if opErr != nil {
		w.WriteHeader(operationStatus(contentType, opErr))
		writeResponse(w, exec.DispatchError(graphql.WithOperationContext(ctx, rc), opErr))
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	writeResponse(w, responses(ctx))
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

// operationStatus is the status of a request that could not become an operation: a
// protocol error is 422 in application/json and 400 in application/graphql-response+json,
// as the GraphQL over HTTP draft asks; anything else is 200.
func operationStatus(contentType string, errs gqlerror.List) int {
	if errcode.GetErrorKind(errs) != errcode.KindProtocol {
		return http.StatusOK
	}
	if contentType == mediaGraphQLResponse {
		return http.StatusBadRequest
	}
	return http.StatusUnprocessableEntity
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

// writeMarshalled writes resp through json.Marshal, as transport.POST does.
func writeMarshalled(w io.Writer, resp *graphql.Response) {
	b, err := json.Marshal(resp)
	if err != nil {
		b = []byte(`{"errors":[{"message":"the answer could not be written","extensions":{"code":"INTERNAL_SERVER_ERROR"}}],"data":null}`)
	}
	_, _ = w.Write(b)
}
