package realtime

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"

	"campaigns/internal/store"
)

// tokenVersion changes whenever the meaning of a position changes, so that an old app's
// token is refused with a clear error rather than misread.
const tokenVersion = 1

// token is a sync position and, while the changes of its client's first sync are being
// read, the transaction ID below which they lie (Snap; see store.SyncQuery.Snapshot). Snap
// was added without a new version: a token without it is a token past its first sync, and
// a server that does not know it reads the position alone, which only costs tombstones.
type token struct {
	V    int    `json:"v"`
	XID  uint64 `json:"x,string"`
	Seq  int64  `json:"s"`
	Snap uint64 `json:"n,string,omitempty"`
}

// Token is what a sync token holds.
type Token struct {
	Pos store.Position
	// Snapshot is the transaction ID below which changes belong to the client's first
	// sync; zero when past it.
	Snapshot uint64
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
	b, _ := json.Marshal(token{V: tokenVersion, XID: t.Pos.XID, Seq: t.Pos.Seq, Snap: snap}) // cannot fail
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
	bad := fmt.Errorf("%w: the sync token is not one this API issued; sync again without `since` to start over", store.ErrInvalid)
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
		return Token{}, fmt.Errorf("%w: the sync token is of an older version; sync again without `since` to start over", store.ErrInvalid)
	}
	return Token{Pos: store.Position{XID: t.XID, Seq: t.Seq}, Snapshot: t.Snap}, nil
}
