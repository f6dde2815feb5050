package realtime

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"campaigns/internal/store"
)

// tokenVersion changes whenever the meaning of a position changes, so that an old app's
// token is refused with a clear error rather than misread.
const tokenVersion = 1

type token struct {
	V   int    `json:"v"`
	XID uint64 `json:"x,string"`
	Seq int64  `json:"s"`
}

// EncodeToken returns the opaque sync token of pos: versioned JSON with a checksum, so that
// a token a client edited or truncated is refused instead of skipping changes.
func EncodeToken(pos store.Position) string {
	b, _ := json.Marshal(token{V: tokenVersion, XID: pos.XID, Seq: pos.Seq}) // cannot fail
	sum := sha256.Sum256(append([]byte("campaigns sync token\x00"), b...))
	return base64.RawURLEncoding.EncodeToString(append(b, sum[:8]...))
}

// DecodeToken returns the position of a token made by EncodeToken; the empty token is the
// start of the log.
func DecodeToken(s string) (store.Position, error) {
	if s == "" {
		return store.Position{}, nil
	}
	bad := fmt.Errorf("%w: the sync token is not one this API issued; sync again without `since` to start over", store.ErrInvalid)
	if len(s) > 256 {
		return store.Position{}, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) < 9 {
		return store.Position{}, bad
	}
	b, sum := raw[:len(raw)-8], raw[len(raw)-8:]
	want := sha256.Sum256(append([]byte("campaigns sync token\x00"), b...))
	if !bytes.Equal(sum, want[:8]) {
		return store.Position{}, bad
	}
	var t token
	if err := json.Unmarshal(b, &t); err != nil || t.Seq < 0 {
		return store.Position{}, bad
	}
	if t.V != tokenVersion {
		return store.Position{}, fmt.Errorf("%w: the sync token is of an older version; sync again without `since` to start over", store.ErrInvalid)
	}
	return store.Position{XID: t.XID, Seq: t.Seq}, nil
}
