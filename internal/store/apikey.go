package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"campaigns/internal/auth"
	"campaigns/internal/page"
	"campaigns/internal/problem"
	"campaigns/internal/relay"
	"campaigns/internal/validate"
	"campaigns/models"
)

// Caller finds the live key with the given hash and returns who it acts for. It records the
// key's use at most once a minute, in the same statement, so that an API key's last use is
// known without a write on every request.
func (s *Store) Caller(ctx context.Context, hash []byte) (auth.Caller, error) {
	var k models.APIKey
	err := s.db.WithContext(ctx).Raw(`
		WITH k AS (SELECT * FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL),
		touch AS (
			UPDATE api_keys SET last_used_at = now()
			WHERE id = (SELECT id FROM k) AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
		)
		SELECT * FROM k`, hash).Scan(&k).Error
	if err != nil {
		return auth.Caller{}, fmt.Errorf("api key: %w", translate(err))
	}
	if k.ID == 0 {
		return auth.Caller{}, auth.ErrUnauthenticated
	}
	return auth.Caller{KeyID: k.ID, OrgID: k.OrganizationID, Role: k.Role, Prefix: k.Prefix}, nil
}

// LiveKey is what the key guard keeps of a key that is not revoked: the prefix it is shown
// by and the hash of its secret.
type LiveKey struct {
	Prefix string
	Hash   []byte
}

// LiveKeys returns every key that is not revoked, for the key guard's copy of them
// (internal/api/keyguard.go): with it, an address that has sent too many refused keys has
// each further key checked in memory rather than by a statement per guess.
func (s *Store) LiveKeys(ctx context.Context) ([]LiveKey, error) {
	var keys []LiveKey
	err := queryRows(ctx, s.db, `SELECT prefix, key_hash FROM api_keys WHERE revoked_at IS NULL`, nil, func(r rowScanner) error {
		var k LiveKey
		if err := r.Scan(&k.Prefix, &k.Hash); err != nil {
			return err
		}
		keys = append(keys, k)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("live api keys: %w", translate(err))
	}
	return keys, nil
}

// NewAPIKey is a key as created: the record, and its secret, which is shown once.
type NewAPIKey struct {
	Key    *models.APIKey
	Secret string
}

// CreateAPIKey creates a key for the organization with the given slug; the command line uses
// it to make an organization's first key, outside any caller.
func (s *Store) CreateAPIKey(ctx context.Context, orgSlug, role string, name *string) (NewAPIKey, error) {
	if !auth.ValidRole(role) {
		return NewAPIKey{}, problem.Wrap(ErrInvalid, "role must be VIEWER, EDITOR, ADMIN or PLATFORM")
	}
	org, err := s.OrganizationBySlug(ctx, orgSlug)
	if errors.Is(err, ErrNotFound) {
		return NewAPIKey{}, problem.Wrap(ErrInvalid, "no organization has the slug %q", orgSlug)
	}
	if err != nil {
		return NewAPIKey{}, err
	}
	secret, hash, prefix := auth.NewKey()
	k := &models.APIKey{OrganizationID: org.ID, Role: role, Name: name, KeyHash: hash, Prefix: prefix, CreatedAt: time.Now()}
	if err := s.db.WithContext(ctx).Create(k).Error; err != nil {
		return NewAPIKey{}, fmt.Errorf("create api key for %s: %w", orgSlug, translate(err))
	}
	return NewAPIKey{Key: k, Secret: secret}, nil
}

// CreateAPIKey creates a key for the caller's organization, in a write.
func (t *Tx) CreateAPIKey(role string, name *string) (NewAPIKey, error) {
	c := t.caller
	if err := auth.RequireRole(c, auth.RoleAdmin, "create API keys"); err != nil {
		return NewAPIKey{}, err
	}
	var problems validate.Problems
	if role == auth.RolePlatform && c.Role != auth.RolePlatform {
		problems.Add("role", validate.Invalid, "only a platform key can create a platform key")
	}
	if !auth.ValidRole(role) {
		problems.Add("role", validate.Invalid, "role must be VIEWER, EDITOR, ADMIN or PLATFORM")
	}
	problems.OptionalText("name", name, 200)
	if err := problems.Err(); err != nil {
		return NewAPIKey{}, err
	}
	secret, hash, prefix := auth.NewKey()
	k := &models.APIKey{OrganizationID: c.OrgID, Role: role, Name: name, KeyHash: hash, Prefix: prefix, CreatedAt: time.Now()}
	if err := t.insert(k); err != nil {
		return NewAPIKey{}, err
	}
	if err := t.Audit("createApiKey", relay.TypeAPIKey, k.GlobalID(), nil, k); err != nil {
		return NewAPIKey{}, err
	}
	return NewAPIKey{Key: k, Secret: secret}, nil
}

// RevokeAPIKey revokes a key of the caller's organization. A platform key gets no exception:
// it manages organizations and countries, not other organizations' keys, which their own
// admins (or the command line) revoke.
func (t *Tx) RevokeAPIKey(id int64) (*models.APIKey, error) {
	if err := auth.RequireRole(t.caller, auth.RoleAdmin, "revoke API keys"); err != nil {
		return nil, err
	}
	// Another organization's key is answered as a key that does not exist: its admins, and
	// nobody else, may know of it.
	k, err := lockReadable[models.APIKey](t, apiKeyRead, id, forUpdate)
	if err != nil {
		return nil, err
	}
	before := *k
	if k.RevokedAt == nil {
		now := time.Now()
		k.RevokedAt = &now
		if err := translate(t.db.Model(k).Update("revoked_at", now).Error); err != nil {
			return nil, err
		}
	}
	return k, t.Audit("revokeApiKey", relay.TypeAPIKey, k.GlobalID(), before, k)
}

// RevokeAPIKeyByPrefix revokes the live key whose prefix is given, for the command line.
func (s *Store) RevokeAPIKeyByPrefix(ctx context.Context, prefix string) (*models.APIKey, error) {
	var k models.APIKey
	res := s.db.WithContext(ctx).Raw(`UPDATE api_keys SET revoked_at = now() WHERE prefix = ? AND revoked_at IS NULL RETURNING *`, prefix).Scan(&k)
	if res.Error != nil {
		return nil, fmt.Errorf("revoke api key %s: %w", prefix, translate(res.Error))
	}
	if k.ID == 0 {
		return nil, fmt.Errorf("api key %s: %w", prefix, ErrNotFound)
	}
	return &k, nil
}

// APIKeysOf returns the keys of an organization, or of every organization for orgSlug "".
func (s *Store) APIKeysOf(ctx context.Context, orgSlug string) ([]*models.APIKey, error) {
	q := s.db.WithContext(ctx).Table("api_keys k").Select("k.*").Order("k.id")
	if orgSlug != "" {
		q = q.Joins("JOIN organizations o ON o.id = k.organization_id").Where("o.slug = ?", orgSlug)
	}
	var keys []*models.APIKey
	if err := q.Find(&keys).Error; err != nil {
		return nil, fmt.Errorf("api keys of %q: %w", orgSlug, translate(err))
	}
	return keys, nil
}

// ListAPIKeys names the list of an organization's keys in its cursors.
const ListAPIKeys = "apiKeys"

// APIKeyOrder is the one ordering of an organization's keys: oldest first.
var APIKeyOrder = Order{Field: "CREATED_AT"}

var apiKeyList = listSpec{
	name: ListAPIKeys,
	from: "api_keys k",
	cols: "k.*",
	tie:  sortKey{expr: "k.id", cast: "bigint", kind: kindInt},
	orders: map[string]sortKey{
		"CREATED_AT": {expr: "k.created_at", cast: "timestamptz", kind: kindTime},
	},
}

// APIKeys returns a page of an organization's keys, oldest first.
func (s *Store) APIKeys(ctx context.Context, orgID int64, req page.Request) (page.Page[*models.APIKey], error) {
	p, err := listPage[models.APIKey](ctx, s.db, apiKeyList, []cond{{"k.organization_id = ?", []any{orgID}}}, APIKeyOrder, req)
	if err != nil {
		return p, fmt.Errorf("api keys of organization %d: %w", orgID, err)
	}
	return p, nil
}

// CountAPIKeys counts an organization's keys.
func (s *Store) CountAPIKeys(ctx context.Context, orgID int64) (int, error) {
	n, err := listCount(ctx, s.db, apiKeyList, []cond{{"k.organization_id = ?", []any{orgID}}}, 0)
	if err != nil {
		return 0, fmt.Errorf("count api keys of organization %d: %w", orgID, err)
	}
	return n, nil
}

// APIKeysByID returns the keys with the given IDs.
func (s *Store) APIKeysByID(ctx context.Context, ids []int64) (map[int64]*models.APIKey, error) {
	return byIDs(ctx, s.db, "api_keys", ids, func(k *models.APIKey) int64 { return k.ID })
}
