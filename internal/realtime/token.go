package realtime

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math"

	"campaigns/internal/problem"
	"campaigns/internal/store"
)

// tokenVersion changes whenever the meaning of a position changes, so that an old app's
// token is refused with a clear error rather than misread.
const tokenVersion = 1

// token is a sync position and, while the changes of its client's first sync are being
// read, the transaction ID below which they lie (Snap; see store.SyncQuery.Snapshot). Snap
// was added without a new version: a token without it is a token past its first sync, and
// a server that does not know it reads the position alone, which only costs tombstones.
// Filter was added the same way: a token without it is one of a sync without a filter,
// which every token was before filters existed.
type token struct {
	V      int    `json:"v"`
	XID    uint64 `json:"x,string"`
	Seq    int64  `json:"s"`
	Snap   uint64 `json:"n,string,omitempty"`
	Filter string `json:"f,omitempty"`
}

// Token is what a sync token holds.
type Token struct {
	Pos store.Position
	// Snapshot is the transaction ID below which changes belong to the client's first
	// sync; zero when past it.
	Snapshot uint64
	// Filter is the fingerprint of the filter the token was issued with (FilterPrint);
	// empty for a sync without one. A position means something only in its filter's
	// changes: a token used with another filter would skip or repeat changes, so it is
	// refused.
	Filter string
}

// FilterPrint returns the fingerprint of a sync filter given in its canonical form (IDs
// and codes, not slugs or aliases, in a fixed order), or "" for the canonical form of no
// filter. It is short and says nothing of the filter, so that tokens stay opaque.
func FilterPrint(canonical string) string {
	if canonical == "" {
		return ""
	}
	sum := sha256.Sum256([]byte("campaigns sync filter\x00" + canonical))
	return base64.RawURLEncoding.EncodeToString(sum[:9])
}

// CheckFilter refuses a token issued for another filter than the one whose fingerprint is
// print.
func (t Token) CheckFilter(print string) error {
	if t.Filter != print {
		return problem.Wrap(store.ErrInvalid, "the sync token was issued for another filter; sync with the filter it came with, or sync again without `since` to start over")
	}
	return nil
}

// EncodeToken returns the opaque sync token of pos: versioned JSON with a checksum, so that
// a token a client edited or truncated is refused instead of skipping changes.
func EncodeToken(pos store.Position) string {
	return Token{Pos: pos}.Encode()
}

// Encode returns the opaque sync token of t; the snapshot is left out once no change of it
// can come after the position.
func (t Token) Encode() string {
	snap := t.Snapshot
	if snap == 0 || !t.Pos.Before(store.Position{XID: snap - 1, Seq: math.MaxInt64}) {
		snap = 0
	}
	b, _ := json.Marshal(token{V: tokenVersion, XID: t.Pos.XID, Seq: t.Pos.Seq, Snap: snap, Filter: t.Filter}) // cannot fail
	sum := sha256.Sum256(append([]byte("campaigns sync token\x00"), b...))
	return base64.RawURLEncoding.EncodeToString(append(b, sum[:8]...))
}

// DecodeToken returns the position of a token made by EncodeToken; the empty token is the
// start of the log.
func DecodeToken(s string) (store.Position, error) {
	t, err := ParseToken(s)
	return t.Pos, err
}

// ParseToken returns what a token made by Encode holds; the empty token is the start of
// the log.
func ParseToken(s string) (Token, error) {
	if s == "" {
		return Token{}, nil
	}
	bad := problem.Wrap(store.ErrInvalid, "the sync token is not one this API issued; sync again without `since` to start over")
	if len(s) > 256 {
		return Token{}, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) < 9 {
		return Token{}, bad
	}
	b, sum := raw[:len(raw)-8], raw[len(raw)-8:]
	want := sha256.Sum256(append([]byte("campaigns sync token\x00"), b...))
	if !bytes.Equal(sum, want[:8]) {
		return Token{}, bad
	}
	var t token
	if err := json.Unmarshal(b, &t); err != nil || t.Seq < 0 {
		return Token{}, bad
	}
	if t.V != tokenVersion {
		return Token{}, problem.Wrap(store.ErrInvalid, "the sync token is of an older version; sync again without `since` to start over")
	}
	return Token{Pos: store.Position{XID: t.XID, Seq: t.Seq}, Snapshot: t.Snap, Filter: t.Filter}, nil
}
