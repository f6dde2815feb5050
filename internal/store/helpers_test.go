package store_test

import (
	"context"
	"errors"
	"testing"

	"campaigns/internal/apitest"
	"campaigns/internal/auth"
	"campaigns/internal/store"
	"campaigns/internal/validate"
)

// callerOf returns a caller acting for the organization with the given slug (created if
// the database has none) through a new key of role, as the API would identify it.
func callerOf(t *testing.T, st *store.Store, orgSlug, role string) auth.Caller {
	t.Helper()
	c, err := st.Caller(context.Background(), auth.Hash(apitest.Key(t, st, orgSlug, role)))
	if err != nil {
		t.Fatalf("caller of %s: %v", orgSlug, err)
	}
	return c
}

// write runs fn as one write of caller, as a mutation would, and returns what fn returned.
func write[T any](t *testing.T, st *store.Store, c auth.Caller, fn func(*store.Tx) (T, error)) (T, error) {
	t.Helper()
	var out T
	_, _, err := st.Write(context.Background(), c, "", store.Request{Operation: t.Name()}, func(tx *store.Tx) (string, error) {
		var err error
		out, err = fn(tx)
		return "x", err
	})
	return out, err
}

// must is write for a fixture that has to succeed.
func must[T any](t *testing.T, st *store.Store, c auth.Caller, fn func(*store.Tx) (T, error)) T {
	t.Helper()
	v, err := write(t, st, c, fn)
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return v
}

// codes returns the user-error codes of err by field ("input.x": code), or nil when err is
// not validate.Problems.
func codes(err error) map[string]string {
	var p validate.Problems
	if !errors.As(err, &p) {
		return nil
	}
	out := make(map[string]string, len(p))
	for _, pr := range p {
		field := ""
		for i, f := range pr.Field {
			if i > 0 {
				field += "."
			}
			field += f
		}
		out[field] = pr.Code
	}
	return out
}

// wantErr checks err: nil when want is nil; otherwise errors.Is(err, want) for a sentinel,
// or the same user-error codes for validate.Problems given as a map.
func wantErr(t *testing.T, what string, err error, want any) {
	t.Helper()
	switch w := want.(type) {
	case nil:
		if err != nil {
			t.Errorf("%s: %v, want success", what, err)
		}
	case error:
		if !errors.Is(err, w) {
			t.Errorf("%s: %v, want %v", what, err, w)
		}
	case map[string]string:
		got := codes(err)
		if len(got) != len(w) {
			t.Errorf("%s: %v, want user errors %v", what, err, w)
			return
		}
		for f, c := range w {
			if got[f] != c {
				t.Errorf("%s: %v, want user errors %v", what, err, w)
				return
			}
		}
	default:
		t.Fatalf("wantErr: cannot want a %T", want)
	}
}
