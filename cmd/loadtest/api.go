package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
)

// answer is the part of a GraphQL answer the harness reads.
type answer struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message string `json:"message"`
	} `json:"errors"`
	Extensions struct {
		SQLStatements *int64 `json:"sqlStatements"`
	} `json:"extensions"`
}

// apiDoer sends requests of kind to the API, each client's to its own instance of -url.
func (p *params) apiDoer(kind string) doer {
	return func(ctx context.Context, client int, r *rand.Rand) (int64, bool, error) {
		a, err := p.send(ctx, p.cfg.urls[target(client, len(p.cfg.urls))], p.draw(kind, r))
		if err != nil {
			return 0, false, err
		}
		if a.Extensions.SQLStatements == nil {
			return 0, false, nil
		}
		return *a.Extensions.SQLStatements, true, nil
	}
}

// send posts one request to the endpoint url and decodes the answer; an HTTP error or a
// GraphQL error is an error.
func (p *params) send(ctx context.Context, url string, q request) (*answer, error) {
	body, err := json.Marshal(map[string]any{"query": documents[q.kind], "variables": q.vars})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var a answer
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, fmt.Errorf("%s: status %d, not a GraphQL answer: %.200s", q.kind, resp.StatusCode, b)
	}
	if resp.StatusCode != http.StatusOK || len(a.Errors) > 0 {
		msg := ""
		if len(a.Errors) > 0 {
			msg = a.Errors[0].Message
		}
		return nil, fmt.Errorf("%s: status %d: %s", q.kind, resp.StatusCode, msg)
	}
	return &a, nil
}
