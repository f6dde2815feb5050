// Package relay encodes and decodes the opaque global IDs of the Relay Global Object
// Identification spec. An ID names the entity's type as well as its key, so that `node(id:)`
// can route it and a resolver can refuse an ID of the wrong type.
package relay

import (
	"encoding/base64"
	"strconv"
	"strings"

	"campaigns/internal/problem"
)

// ErrInvalidID is returned for an ID that is not one this API issued, or one of another type.
var ErrInvalidID error = problem.New(problem.BadUserInput, "invalid ID")

// The entity types that have global IDs.
const (
	TypeAPIKey       = "ApiKey"
	TypeAuditEntry   = "AuditEntry"
	TypeCampaign     = "Campaign"
	TypeCountry      = "Country"
	TypeEvent        = "Event"
	TypeFunding      = "FundingCommitment"
	TypeIndicator    = "Indicator"
	TypeMember       = "Member"
	TypeOrganization = "Organization"
	TypeRegistration = "Registration"
	TypeResult       = "Result"
	TypeVenue        = "Venue"
	TypeYouthNetwork = "YouthNetwork"
)

// ID is a decoded global ID.
type ID struct {
	Type string
	Key  string
}

// Encode returns the global ID of the entity of type typ with key key. The encoding is
// base64url of "Type:key": opaque to clients, yet readable when debugging.
func Encode(typ, key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typ + ":" + key))
}

// EncodeInt is Encode for the numeric keys most tables have.
func EncodeInt(typ string, key int64) string {
	return Encode(typ, strconv.FormatInt(key, 10))
}

// Decode splits a global ID into its type and key.
func Decode(id string) (ID, error) {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(id, "="))
	if err != nil || len(id) > 200 {
		return ID{}, problem.Wrap(ErrInvalidID, "%q is not a global ID", truncate(id))
	}
	typ, key, ok := strings.Cut(string(raw), ":")
	if !ok || typ == "" || key == "" {
		return ID{}, problem.Wrap(ErrInvalidID, "%q is not a global ID", truncate(id))
	}
	return ID{Type: typ, Key: key}, nil
}

// DecodeInt decodes a global ID that must be of type typ with a numeric key.
func DecodeInt(typ, id string) (int64, error) {
	d, err := Decode(id)
	if err != nil {
		return 0, err
	}
	if d.Type != typ {
		return 0, problem.Wrap(ErrInvalidID, "%q is the ID of a %s, not of a %s", truncate(id), truncate(d.Type), typ)
	}
	n, err := strconv.ParseInt(d.Key, 10, 64)
	// Only the key as EncodeInt writes it: "01" or "+1" would be a second ID of entity 1,
	// which a client's cache would take for another entity.
	if err != nil || n <= 0 || strconv.FormatInt(n, 10) != d.Key {
		return 0, problem.Wrap(ErrInvalidID, "%q is not a global ID", truncate(id))
	}
	return n, nil
}

// truncate keeps error messages short whatever a client sends.
func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
