package auth

import "fmt"

// CanEdit reports whether the caller may change a record owned by the organization owner
// (nil for a record nobody owns, such as seed data), given whether the caller's organization
// has been granted the right to edit it as a co-host or partner.
func CanEdit(c Caller, owner *int64, granted bool) bool {
	return c.AtLeast(RoleEditor) && ((owner != nil && *owner == c.OrgID) || granted)
}

// RequireEdit is CanEdit as an error naming what was refused.
func RequireEdit(c Caller, what string, owner *int64, granted bool) error {
	if c.Anonymous() {
		return fmt.Errorf("%w: send an API key to change a %s", ErrUnauthenticated, what)
	}
	if !CanEdit(c, owner, granted) {
		if !c.AtLeast(RoleEditor) {
			return fmt.Errorf("%w: a %s key cannot change a %s; an editor or admin key can", ErrForbidden, c.Role, what)
		}
		return fmt.Errorf("%w: the %s belongs to another organization", ErrForbidden, what)
	}
	return nil
}

// RequireRole refuses a caller below role.
func RequireRole(c Caller, role, action string) error {
	if c.Anonymous() {
		return fmt.Errorf("%w: send an API key to %s", ErrUnauthenticated, action)
	}
	if !c.AtLeast(role) {
		return fmt.Errorf("%w: a %s key cannot %s", ErrForbidden, c.Role, action)
	}
	return nil
}

// SeesOrganizationRecords reports whether the caller may read the drafts and partner-only
// records of an organization: any key of that organization may.
func SeesOrganizationRecords(c Caller, orgIDs ...int64) bool {
	if c.Anonymous() {
		return false
	}
	for _, id := range orgIDs {
		if id == c.OrgID {
			return true
		}
	}
	return false
}
