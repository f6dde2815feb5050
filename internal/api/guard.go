package api

import (
	"encoding/json"
	"mime"
	"net/http"

	"campaigns/internal/reqid"
)

// CodeBadRequest answers a request that is not a GraphQL request at all: a wrong method or
// content type, or variables that are not JSON.
const CodeBadRequest = "BAD_REQUEST"

// guard refuses what gqlgen's transports would refuse without an error code, so that every
// bad request gets a GraphQL error with extensions.code and the request id.
func guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost:
			mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mt != "application/json" {
				refuse(w, r, http.StatusUnsupportedMediaType, "a POST body must be JSON, sent with Content-Type: application/json")
				return
			}
		case http.MethodGet:
			q := r.URL.Query()
			if q.Get("query") == "" {
				refuse(w, r, http.StatusBadRequest, "a GET request needs a query parameter, e.g. /query?query={campaigns{totalCount}}")
				return
			}
			for _, p := range []string{"variables", "extensions"} {
				if v := q.Get(p); v != "" && !isJSONObject(v) {
					refuse(w, r, http.StatusBadRequest, "the "+p+" parameter must be a JSON object")
					return
				}
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

func isJSONObject(s string) bool {
	var v map[string]any
	return json.Unmarshal([]byte(s), &v) == nil
}

// refuse writes a GraphQL error response with a status.
func refuse(w http.ResponseWriter, r *http.Request, status int, msg string) {
	writeJSON(w, status, map[string]any{"errors": []map[string]any{{
		"message":    msg,
		"extensions": map[string]any{"code": CodeBadRequest, "requestId": reqid.From(r.Context())},
	}}})
}
