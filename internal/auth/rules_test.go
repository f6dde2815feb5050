package auth

import (
	"errors"
	"strings"
	"testing"
)

func TestWithArticle(t *testing.T) {
	for noun, want := range map[string]string{
		"event": "an event", "admin": "an admin", "editor": "an editor", "indicator": "an indicator",
		"campaign": "a campaign", "viewer": "a viewer", "platform": "a platform", "youth network": "a youth network",
		"API key": "an API key", "user": "a user", "implementer": "an implementer", "media partner": "a media partner",
	} {
		if got := WithArticle(noun); got != want {
			t.Errorf("WithArticle(%q) = %q, want %q", noun, got, want)
		}
	}
}

// TestRefusalsReadAsSentences checks the words of the role and edit refusals: the article
// fits the word after it, roles are words rather than enum values, and the caller is told
// which key would do.
func TestRefusalsReadAsSentences(t *testing.T) {
	admin := Caller{KeyID: 1, OrgID: 1, Role: RoleAdmin}
	viewer := Caller{KeyID: 2, OrgID: 1, Role: RoleViewer}
	editor := Caller{KeyID: 3, OrgID: 2, Role: RoleEditor}
	owner := int64(1)
	tests := []struct {
		name string
		err  error
		want string
		is   error
	}{
		{"an admin below platform", RequireRole(admin, RolePlatform, "create an organization"),
			"forbidden: an admin key cannot create an organization; use a platform key", ErrForbidden},
		{"a viewer below editor", RequireRole(viewer, RoleEditor, "create an event"),
			"forbidden: a viewer key cannot create an event; use an editor or admin key", ErrForbidden},
		{"an editor below admin", RequireRole(editor, RoleAdmin, "revoke API keys"),
			"forbidden: an editor key cannot revoke API keys; use an admin key", ErrForbidden},
		{"anonymous", RequireRole(Caller{}, RoleEditor, "create an event"),
			"unauthenticated: send an API key to create an event", ErrUnauthenticated},
		{"a viewer editing", RequireEdit(viewer, "event", &owner, false),
			"forbidden: a viewer key cannot change an event; use an editor or admin key", ErrForbidden},
		{"anonymous editing", RequireEdit(Caller{}, "event", &owner, false),
			"unauthenticated: send an API key to change an event", ErrUnauthenticated},
		{"another organization editing", RequireEdit(editor, "youth network", &owner, false),
			"forbidden: your organization can read this youth network but has no right to change it", ErrForbidden},
	}
	for _, tt := range tests {
		if tt.err == nil || tt.err.Error() != tt.want || !errors.Is(tt.err, tt.is) {
			t.Errorf("%s: %v, want %q", tt.name, tt.err, tt.want)
		}
		if strings.Contains(tt.err.Error(), " a "+RoleAdmin) || strings.Contains(tt.err.Error(), "a event") {
			t.Errorf("%s: %q", tt.name, tt.err)
		}
	}
	if err := RequireEdit(editor, "event", &owner, true); err != nil {
		t.Errorf("a granted editor: %v", err)
	}
}
