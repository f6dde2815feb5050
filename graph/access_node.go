package graph

import (
	"context"

	"campaigns/internal/auth"
	"campaigns/internal/loader"
	"campaigns/models"
)

// apiKeyNode answers node(id) for an API key: only the admins of its organization see it.
func (r *Resolver) apiKeyNode(ctx context.Context, id int64) (models.Node, error) {
	k, err := missingIsNil(loader.For(ctx).APIKey(ctx, id))
	if k == nil || err != nil || !adminOf(ctx, k.OrganizationID) {
		return nil, err
	}
	return k, nil
}

// auditEntryNode answers node(id) for an audit entry: only the admins of the organization
// that wrote it see it, as in auditLog.
func (r *Resolver) auditEntryNode(ctx context.Context, id int64) (models.Node, error) {
	entries, err := loader.For(ctx).Direct().AuditEntriesByID(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	e := entries[id]
	if e == nil || e.OrganizationID == nil || !adminOf(ctx, *e.OrganizationID) {
		return nil, nil
	}
	return e, nil
}

// adminOf reports whether the caller is an admin of the organization.
func adminOf(ctx context.Context, orgID int64) bool {
	c := auth.FromContext(ctx)
	return c.AtLeast(auth.RoleAdmin) && c.OrgID == orgID
}
