package store

import (
	"context"
	"fmt"

	"campaigns/internal/page"
	"campaigns/models"
)

// ListAuditLog names the audit log in its cursors.
const ListAuditLog = "auditLog"

// AuditOrder is the audit log's one ordering, newest first. The IDs of audit entries grow
// with every write, so they order the log as it was written without ties.
var AuditOrder = Order{Field: "ID", Desc: true}

var auditList = listSpec{
	name: ListAuditLog,
	from: "audit_log a",
	cols: "a.*",
	tie:  sortKey{expr: "a.id", cast: "bigint", kind: kindInt},
	orders: map[string]sortKey{
		"ID": {expr: "a.id", cast: "bigint", kind: kindInt},
	},
}

// AuditFilter narrows an organization's audit log; zero fields do not narrow.
type AuditFilter struct {
	// EntityID is the global ID of the record written.
	EntityID string
	// Actions are the operations, such as updateCampaign; an entry matches any of them.
	Actions []string
}

// conds keeps the log to one organization's writes, so that one partner never reads what
// another did, and applies the filter.
func (f AuditFilter) conds(orgID int64) []cond {
	cs := []cond{{"a.organization_id = ?", []any{orgID}}}
	if f.EntityID != "" {
		cs = append(cs, cond{"a.entity_id = ?", []any{f.EntityID}})
	}
	if f.Actions != nil {
		cs = append(cs, cond{"a.action = ANY(?::text[])", []any{models.StringList(f.Actions)}})
	}
	return cs
}

// AuditLog returns a page of the writes made by an organization's keys, newest first.
func (s *Store) AuditLog(ctx context.Context, orgID int64, f AuditFilter, req page.Request) (page.Page[*models.AuditEntry], error) {
	p, err := listPage[models.AuditEntry](ctx, s.db, auditList, f.conds(orgID), AuditOrder, req)
	if err != nil {
		return p, fmt.Errorf("audit log of organization %d: %w", orgID, err)
	}
	return p, nil
}

// CountAuditLog counts the entries of an organization's audit log that match f.
func (s *Store) CountAuditLog(ctx context.Context, orgID int64, f AuditFilter) (int, error) {
	n, err := listCount(ctx, s.db, auditList, f.conds(orgID), 0)
	if err != nil {
		return 0, fmt.Errorf("count audit log of organization %d: %w", orgID, err)
	}
	return n, nil
}

// AuditEntriesByID returns the audit entries with the given IDs.
func (s *Store) AuditEntriesByID(ctx context.Context, ids []int64) (map[int64]*models.AuditEntry, error) {
	return byIDs(ctx, s.db, "audit_log", ids, func(a *models.AuditEntry) int64 { return a.ID })
}
