package auth

import (
	"strings"

	"campaigns/internal/problem"
)

// CanEdit reports whether the caller may change a record owned by the organization owner
// (nil for a record nobody owns, such as seed data), given whether the caller's organization
// has been granted the right to edit it as a co-host or partner.
func CanEdit(c Caller, owner *int64, granted bool) bool {
	return c.AtLeast(RoleEditor) && ((owner != nil && *owner == c.OrgID) || granted)
}

// RequireEdit is CanEdit as an error naming what was refused. It is for a record the caller
// may read: one it may not read is answered as one that does not exist (the store's
// read rules), never with a refusal that would tell it is there.
func RequireEdit(c Caller, what string, owner *int64, granted bool) error {
	if c.Anonymous() {
		return problem.Wrap(ErrUnauthenticated, "send an API key to change %s", WithArticle(what))
	}
	if !CanEdit(c, owner, granted) {
		if !c.AtLeast(RoleEditor) {
			return problem.Wrap(ErrForbidden, "%s key cannot change %s; use %s", WithArticle(RoleName(c.Role)), WithArticle(what), keysFrom(RoleEditor))
		}
		return problem.Wrap(ErrForbidden, "your organization can read this %s but has no right to change it", what)
	}
	return nil
}

// RequireRole refuses a caller below role; action completes "cannot …", as in
// RequireRole(c, RoleEditor, "create an event").
func RequireRole(c Caller, role, action string) error {
	if c.Anonymous() {
		return problem.Wrap(ErrUnauthenticated, "send an API key to %s", action)
	}
	if !c.AtLeast(role) {
		return problem.Wrap(ErrForbidden, "%s key cannot %s; use %s", WithArticle(RoleName(c.Role)), action, keysFrom(role))
	}
	return nil
}

// RoleName is a role as a message says it: "viewer", "editor", "admin", "platform".
func RoleName(role string) string { return strings.ToLower(role) }

// keysFrom names the keys whose role is role or above, for a message that says which key to use.
func keysFrom(role string) string {
	switch role {
	case RoleViewer:
		return "any key of the organization"
	case RoleEditor:
		return "an editor or admin key"
	case RoleAdmin:
		return "an admin key"
	}
	return "a platform key"
}

// WithArticle puts "a" or "an" before a noun phrase, by how its first word sounds for the
// words our messages use: "an event", "an editor", "a youth network", "a user".
func WithArticle(noun string) string {
	lower := strings.ToLower(noun)
	for _, consonantSound := range []string{"one", "uni", "use", "eu"} {
		if strings.HasPrefix(lower, consonantSound) {
			return "a " + noun
		}
	}
	if lower != "" && strings.ContainsRune("aeiou", rune(lower[0])) {
		return "an " + noun
	}
	return "a " + noun
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
