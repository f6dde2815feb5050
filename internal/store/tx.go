package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"campaigns/internal/auth"
	"campaigns/internal/problem"
	"campaigns/internal/validate"
	"campaigns/models"
)

// Errors of writes.
var (
	// ErrConflict is an update made against a version that is no longer current.
	ErrConflict error = problem.New(problem.Conflict, "conflict")
	// ErrIdempotencyKeyReused is an idempotency key sent again with a different request.
	ErrIdempotencyKeyReused error = problem.New(problem.IdempotencyKeyReused, "idempotency key reused")
)

// IdempotencyTTL is how long a mutation's first result is kept for retries.
const IdempotencyTTL = 48 * time.Hour

// Tx is one write transaction, on behalf of a caller. Every write of the API runs in one,
// so that its rows, its audit entry and its idempotency record commit together or not at all.
type Tx struct {
	db        *gorm.DB
	ctx       context.Context
	caller    auth.Caller
	requestID string
}

// Caller returns who is writing.
func (t *Tx) Caller() auth.Caller { return t.caller }

// Request is what a write is, for idempotency: the operation and its input.
type Request struct {
	Operation string
	Input     any
	// Key is the client's idempotency key; empty for none.
	Key string
}

func (r Request) hash() ([]byte, error) {
	b, err := json.Marshal(struct {
		Op    string
		Input any
	}{r.Operation, r.Input})
	if err != nil {
		return nil, fmt.Errorf("hash %s input: %w", r.Operation, err)
	}
	h := sha256.Sum256(b)
	return h[:], nil
}

// Write runs fn in one transaction for caller and returns the global ID of what it wrote.
// With an idempotency key, the first successful run records the result under the key; a
// retry of the same request returns it without running fn (replayed is true), and the same
// key with a different request gets ErrIdempotencyKeyReused. A run that fails, including
// one refused with validate.Problems, writes nothing and records nothing.
func (s *Store) Write(ctx context.Context, caller auth.Caller, requestID string, req Request, fn func(*Tx) (string, error)) (id string, replayed bool, err error) {
	if caller.Anonymous() {
		return "", false, fmt.Errorf("%s: %w", req.Operation, problem.Wrap(auth.ErrUnauthenticated, "send an API key as Authorization: Bearer <key>"))
	}
	hash, err := req.hash()
	if err != nil {
		return "", false, err
	}
	err = s.db.WithContext(ctx).Transaction(func(db *gorm.DB) error {
		t := &Tx{db: db, ctx: ctx, caller: caller, requestID: requestID}
		if req.Key != "" {
			prior, found, err := t.claimKey(req, hash)
			if err != nil {
				return err
			}
			if found {
				id, replayed = prior, true
				return nil
			}
		}
		if id, err = fn(t); err != nil {
			return err
		}
		if req.Key != "" {
			result, _ := json.Marshal(map[string]string{"id": id})
			return translate(db.Model(&models.IdempotencyKey{}).
				Where("api_key_id = ? AND key = ?", caller.KeyID, req.Key).
				Update("result", models.JSON(result)).Error)
		}
		return nil
	})
	if err != nil {
		var problems validate.Problems
		if errors.As(err, &problems) {
			return "", false, problems
		}
		return "", false, fmt.Errorf("%s: %w", req.Operation, translate(err))
	}
	s.noteWrite(ctx)
	return id, replayed, nil
}

// claimKey records the idempotency key for this request, or finds the result of an earlier
// one. A concurrent request with the same key waits on the key's row until the first commits
// or rolls back, so the key is never run twice.
func (t *Tx) claimKey(req Request, hash []byte) (string, bool, error) {
	res := t.db.Clauses(clause.OnConflict{DoNothing: true}).Create(&models.IdempotencyKey{
		APIKeyID: t.caller.KeyID, Key: req.Key, Operation: req.Operation, RequestHash: hash,
		Result: models.JSON(`{}`), CreatedAt: time.Now(),
	})
	if res.Error != nil {
		return "", false, translate(res.Error)
	}
	if res.RowsAffected == 1 {
		return "", false, nil
	}
	var prior models.IdempotencyKey
	if err := t.db.Where("api_key_id = ? AND key = ?", t.caller.KeyID, req.Key).Take(&prior).Error; err != nil {
		return "", false, translate(err)
	}
	if prior.Operation != req.Operation || !bytes.Equal(prior.RequestHash, hash) {
		return "", false, problem.Wrap(ErrIdempotencyKeyReused, "the key %q was first sent with a different %s request", truncate(req.Key), prior.Operation)
	}
	var result struct{ ID string }
	if err := json.Unmarshal(prior.Result, &result); err != nil || result.ID == "" {
		return "", false, fmt.Errorf("idempotency key %q has no result", truncate(req.Key))
	}
	return result.ID, true, nil
}

// Audit records a write: the entity's type and global ID, and its state before and after
// (nil for none). Callers pass member records without their personal data.
func (t *Tx) Audit(action, entityType, entityID string, before, after any) error {
	entry := &models.AuditEntry{
		At: time.Now(), APIKeyID: &t.caller.KeyID, OrganizationID: &t.caller.OrgID,
		Action: action, EntityType: entityType, EntityID: entityID,
	}
	var err error
	if entry.Before, err = marshalState(before); err != nil {
		return err
	}
	if entry.After, err = marshalState(after); err != nil {
		return err
	}
	if t.requestID != "" {
		entry.RequestID = &t.requestID
	}
	return translate(t.db.Create(entry).Error)
}

func marshalState(v any) (models.JSON, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit state: %w", err)
	}
	return b, nil
}

// insert inserts records in the transaction.
func (t *Tx) insert(records ...any) error {
	for _, r := range records {
		if err := t.db.Create(r).Error; err != nil {
			return fmt.Errorf("insert %T: %w", r, translate(err))
		}
	}
	return nil
}

// lockRow loads the row of table with primary key id and locks it until the transaction ends,
// so that a version check and the update that follows it cannot interleave with another.
func lockRow[T any](t *Tx, table string, id int64) (*T, error) {
	var v T
	err := t.db.Table(table).Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", id).Take(&v).Error
	if err != nil {
		return nil, fmt.Errorf("%s %d: %w", table, id, translate(err))
	}
	return &v, nil
}

// checkVersion refuses a change made against an older version, and an expected version no
// record can have (versions start at 1) as the client's mistake rather than a conflict.
func checkVersion(kind string, current, expected int32) error {
	if expected < 1 {
		return problem.Wrap(ErrInvalid, "expectedVersion must be at least 1, the version of a new %s; got %d", kind, expected)
	}
	if current != expected {
		return problem.Wrap(ErrConflict, "the %s is at version %d, not %d; read it again and reapply the change", kind, current, expected)
	}
	return nil
}

// uniqueViolation reports whether err is a unique-constraint violation, such as a taken slug.
func uniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" || errors.Is(err, gorm.ErrDuplicatedKey)
}

// PurgeIdempotencyKeys deletes keys older than IdempotencyTTL and returns how many.
func (s *Store) PurgeIdempotencyKeys(ctx context.Context) (int64, error) {
	res := s.db.WithContext(ctx).Where("created_at < ?", time.Now().Add(-IdempotencyTTL)).Delete(&models.IdempotencyKey{})
	if res.Error != nil {
		return 0, fmt.Errorf("purge idempotency keys: %w", translate(res.Error))
	}
	return res.RowsAffected, nil
}
