package graph

import (
	"context"

	"campaigns/graph/model"
	"campaigns/internal/auth"
	"campaigns/internal/loader"
	"campaigns/internal/page"
	"campaigns/internal/relay"
	"campaigns/internal/store"
	"campaigns/models"
)

// viewer says who is calling: the key's organization, role and the key itself, or nil for
// an anonymous caller, who is nobody in particular.
func (r *Resolver) viewer(ctx context.Context) (*model.Viewer, error) {
	c := auth.FromContext(ctx)
	if c.Anonymous() {
		return nil, nil
	}
	l := loader.For(ctx)
	k, err := l.APIKey(ctx, c.KeyID)
	if err != nil {
		return nil, err
	}
	org, err := l.Organization(ctx, c.OrgID)
	if err != nil {
		return nil, err
	}
	return &model.Viewer{Organization: org, Role: c.Role, APIKey: k}, nil
}

// apiKeys lists the keys of the caller's organization. Only admins see them: a key's name
// and last use tell who works with the API and how, which is the organization's business.
func (r *Resolver) apiKeys(ctx context.Context, args page.Args) (*model.APIKeyConnection, error) {
	c := auth.FromContext(ctx)
	if err := auth.RequireRole(c, auth.RoleAdmin, "list API keys"); err != nil {
		return nil, err
	}
	req, err := args.Validate(store.APIKeyOrder.Token(store.ListAPIKeys))
	if err != nil {
		return nil, err
	}
	p, err := loader.For(ctx).Direct().APIKeys(ctx, c.OrgID, req)
	if err != nil {
		return nil, err
	}
	return model.NewConnection(p, func(ctx context.Context) (int, error) { return loader.For(ctx).Direct().CountAPIKeys(ctx, c.OrgID) }), nil
}

// auditLog lists the writes of the caller's organization, newest first; admins only. The
// organization is always the caller's own, whatever the filter says, so no partner reads
// what another did.
func (r *Resolver) auditLog(ctx context.Context, args page.Args, in *model.AuditLogFilter) (*model.AuditEntryConnection, error) {
	c := auth.FromContext(ctx)
	if err := auth.RequireRole(c, auth.RoleAdmin, "read the audit log"); err != nil {
		return nil, err
	}
	var f store.AuditFilter
	if in != nil {
		if in.Entity != nil {
			// Refuse what is not a global ID at all, rather than answer that nothing matched.
			if _, err := relay.Decode(*in.Entity); err != nil {
				return nil, err
			}
			f.EntityID = *in.Entity
		}
		f.Actions = in.Action
	}
	req, err := args.Validate(store.AuditOrder.Token(store.ListAuditLog))
	if err != nil {
		return nil, err
	}
	p, err := loader.For(ctx).Direct().AuditLog(ctx, c.OrgID, f, req)
	if err != nil {
		return nil, err
	}
	return model.NewConnection(p, func(ctx context.Context) (int, error) { return loader.For(ctx).Direct().CountAuditLog(ctx, c.OrgID, f) }), nil
}

// auditKeyPrefix names the key that made a write by its prefix. The keys of a page of
// entries are loaded together, so a page costs one statement however many entries it has.
func auditKeyPrefix(ctx context.Context, e *models.AuditEntry) (*string, error) {
	if e.APIKeyID == nil {
		return nil, nil
	}
	k, err := missingIsNil(loader.For(ctx).APIKey(ctx, *e.APIKeyID))
	if k == nil || err != nil {
		return nil, err
	}
	return &k.Prefix, nil
}

// apiKeyPayload loads the key a write returned, as the payload shows it.
func apiKeyPayload(ctx context.Context, id string, errs []*model.UserError, clientID *string) (*model.APIKeyPayload, error) {
	p := &model.APIKeyPayload{UserErrors: errs, ClientMutationID: clientID}
	if id == "" {
		return p, nil
	}
	k, err := relay.DecodeInt(relay.TypeAPIKey, id)
	if err != nil {
		return nil, err
	}
	p.APIKey, err = loader.For(ctx).APIKey(ctx, k)
	return p, err
}

// createAPIKey creates a key for the caller's organization and answers with its secret;
// admins only, and only a platform key may create a platform key.
//
// A retry with the same idempotency key writes nothing and answers with the key the first
// attempt created, but with a null secret: only the secret's hash is kept, and the
// idempotency record holds the key's ID alone, so the secret cannot be shown a second time.
// A client that lost the first answer should revoke that key and create another.
func (r *Resolver) createAPIKey(ctx context.Context, in model.CreateAPIKeyInput) (*model.CreateAPIKeyPayload, error) {
	var secret *string
	id, errs, err := r.write(ctx, "createApiKey", in, in.IdempotencyKey, func(tx *store.Tx) (string, error) {
		k, err := tx.CreateAPIKey(in.Role, in.Name)
		if err != nil {
			return "", err
		}
		secret = &k.Secret
		return k.Key.GlobalID(), nil
	})
	if err != nil {
		return nil, err
	}
	p, err := apiKeyPayload(ctx, id, errs, in.ClientMutationID)
	if err != nil {
		return nil, err
	}
	return &model.CreateAPIKeyPayload{APIKey: p.APIKey, Secret: secret, UserErrors: p.UserErrors, ClientMutationID: p.ClientMutationID}, nil
}

// revokeAPIKey revokes a key of the caller's organization; it stops working with the next
// request. Revoking a revoked key changes nothing and answers with the key as it is.
func (r *Resolver) revokeAPIKey(ctx context.Context, in model.RevokeAPIKeyInput) (*model.APIKeyPayload, error) {
	k, err := relay.DecodeInt(relay.TypeAPIKey, in.ID)
	if err != nil {
		return nil, err
	}
	id, errs, err := r.write(ctx, "revokeApiKey", in, in.IdempotencyKey, func(tx *store.Tx) (string, error) { return nodeID(tx.RevokeAPIKey(k)) })
	if err != nil {
		return nil, err
	}
	return apiKeyPayload(ctx, id, errs, in.ClientMutationID)
}
