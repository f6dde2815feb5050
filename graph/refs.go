package graph

import (
	"context"
	"errors"
	"regexp"

	"campaigns/internal/auth"
	"campaigns/internal/loader"
	"campaigns/internal/problem"
	"campaigns/internal/relay"
	"campaigns/internal/store"
)

// slugLike is the form of a slug (validate.Slug). No global ID has it: an ID starts with
// the upper-case letter that its type's name begins with, so a filter's value is read as a
// slug exactly when it has this form.
var slugLike = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// maxSlug is the longest slug a record may have.
const maxSlug = 100

// The records a filter may name, by global ID or slug.
var (
	campaignRef     = recordRef{relay.TypeCampaign, store.SlugCampaign}
	organizationRef = recordRef{relay.TypeOrganization, store.SlugOrganization}
	networkRef      = recordRef{relay.TypeYouthNetwork, store.SlugNetwork}
)

// recordRef is a kind of record that a filter names by global ID or by slug, as the exports
// and the lookups (campaign(slug:)) take it: `events(filter: {campaign:
// "mtv-exit-southeast-asia"})` is the same filter as with the campaign's ID.
type recordRef struct {
	typ  string // the global ID's type
	kind string // the store's name of the slugs' kind
}

// key resolves the value of a filter to the record's key, 0 when none is given. An ID is
// decoded (one of another type is bad input, and one nobody has matches nothing, as
// before); a slug is looked up among the records the caller may read, and one that none of
// them has, a draft's included, is bad input in the same words, so that a filter tells
// nobody that a hidden record exists.
func (ref recordRef) key(ctx context.Context, v *string) (int64, error) {
	if v == nil {
		return 0, nil
	}
	if len(*v) > maxSlug || !slugLike.MatchString(*v) {
		return relay.DecodeInt(ref.typ, *v)
	}
	id, err := loader.For(ctx).IDBySlug(ctx, ref.kind, auth.FromContext(ctx).OrgID, *v)
	if errors.Is(err, store.ErrNotFound) {
		return 0, problem.Wrap(store.ErrInvalid, "no %s you can read has the slug %q", ref.kind, *v)
	}
	return id, err
}
