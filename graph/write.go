package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"campaigns/graph/model"
	"campaigns/internal/auth"
	"campaigns/internal/loader"
	"campaigns/internal/problem"
	"campaigns/internal/reqid"
	"campaigns/internal/scalar"
	"campaigns/internal/store"
	"campaigns/internal/validate"
	"campaigns/models"
)

// IdempotencyHeader carries the idempotency key of a mutation sent over HTTP.
const IdempotencyHeader = "Idempotency-Key"

// write runs a mutation's store work for the caller in one audited, idempotent transaction,
// and returns the global ID it wrote. An input the store refuses comes back as user errors
// with a nil error; access and conflict errors come back as errors for the presenter.
func (r *Resolver) write(ctx context.Context, op string, input any, inputKey *string, fn func(*store.Tx) (string, error)) (string, []*model.UserError, error) {
	key, err := idempotencyKey(ctx, inputKey)
	if err != nil {
		return "", nil, err
	}
	canonical, err := withoutEnvelope(input)
	if err != nil {
		return "", nil, err
	}
	id, _, err := r.Store.Write(ctx, auth.FromContext(ctx), reqid.From(ctx), store.Request{Operation: op, Input: canonical, Key: key}, fn)
	if problems, ok := err.(validate.Problems); ok {
		return "", userErrors(problems), nil
	}
	if err != nil {
		return "", nil, err
	}
	loader.For(ctx).Reset()
	return id, []*model.UserError{}, nil
}

// idempotencyKey takes the key from the input or the Idempotency-Key header; both may be
// given only if they agree.
func idempotencyKey(ctx context.Context, inputKey *string) (string, error) {
	var header string
	if graphql.HasOperationContext(ctx) {
		header = graphql.GetOperationContext(ctx).Headers.Get(IdempotencyHeader)
	}
	switch {
	case inputKey != nil && header != "" && *inputKey != header:
		return "", problem.Wrap(store.ErrInvalid, "the idempotencyKey input and the Idempotency-Key header differ")
	case inputKey != nil:
		header = *inputKey
	}
	if len(header) > 255 {
		return "", problem.Wrap(store.ErrInvalid, "an idempotency key is at most 255 characters")
	}
	if err := scalar.Text(header); err != nil {
		// A header is bytes: the input's key was checked as a String already, this one not.
		return "", problem.Wrap(store.ErrInvalid, "the idempotency key %s", err)
	}
	return header, nil
}

// withoutEnvelope returns the input without the fields that do not change what a mutation
// does, so that a retry that differs only in them is the same request.
func withoutEnvelope(input any) (map[string]any, error) {
	b, err := json.Marshal(input)
	if err != nil {
		return nil, fmt.Errorf("marshal input: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("unmarshal input: %w", err)
	}
	delete(m, "idempotencyKey")
	delete(m, "clientMutationId")
	dropUnset(reflect.ValueOf(input), m)
	return m, nil
}

// dropUnset removes the omittable fields the client left out, which JSON would show as
// null: a field left out and a field set to null are different requests.
func dropUnset(v reflect.Value, m map[string]any) {
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return
	}
	for i := range v.NumField() {
		f := v.Field(i)
		set, ok := f.Interface().(interface{ IsSet() bool })
		if !ok || set.IsSet() {
			continue
		}
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		delete(m, name)
	}
}

// nodeID hands a store write's record to r.write as the global ID it wants:
// func(tx *store.Tx) (string, error) { return nodeID(tx.UpdateCampaign(...)) }.
func nodeID[T models.Node](v T, err error) (string, error) {
	if err != nil {
		return "", err
	}
	return v.GlobalID(), nil
}

func userErrors(problems validate.Problems) []*model.UserError {
	out := make([]*model.UserError, len(problems))
	for i, p := range problems {
		out[i] = &model.UserError{Field: p.Field, Message: p.Message, Code: p.Code}
	}
	return out
}
