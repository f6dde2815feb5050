package graph

import (
	"context"
	"fmt"

	"campaigns/graph/model"
	"campaigns/internal/loader"
	"campaigns/internal/problem"
	"campaigns/internal/relay"
	"campaigns/internal/store"
	"campaigns/models"
)

// images returns a record's images of one role, in their order.
func images(ctx context.Context, rec models.Illustrated, role string) ([]*models.Image, error) {
	all, err := loader.For(ctx).Images(ctx, rec)
	if err != nil {
		return nil, err
	}
	out := make([]*models.Image, 0, len(all))
	for _, img := range all {
		if img.Role == role {
			out = append(out, img)
		}
	}
	return out, nil
}

// logo returns an organization's logo, or nil when it has none.
func logo(ctx context.Context, o *models.Organization) (*models.Image, error) {
	logos, err := images(ctx, o, models.ImageRoleLogo)
	if len(logos) == 0 || err != nil {
		return nil, err
	}
	return logos[0], nil
}

// imageAlt returns an image's alt text in the caller's languages, falling back along them to
// the original, as every other text does.
func imageAlt(ctx context.Context, img *models.Image, arg *string) (string, error) {
	if len(img.AltTexts) == 0 || len(img.AltLanguages) != len(img.AltTexts) {
		return "", fmt.Errorf("image %d has no alt text", img.ID)
	}
	p, err := preferences(ctx, arg)
	if err != nil {
		return "", err
	}
	return img.AltTexts[p.Choose(img.AltLanguages[0], img.AltLanguages[1:])+1], nil
}

// illustratedKinds maps the global ID types of records with images to their kinds.
var illustratedKinds = map[string]string{
	relay.TypeCampaign: store.ImagesOfCampaign, relay.TypeEvent: store.ImagesOfEvent, relay.TypeOrganization: store.ImagesOfOrganization,
}

func imageInput(in *model.ImageInput) store.ImageInput {
	out := store.ImageInput{URL: in.URL, Width: in.Width, Height: in.Height, Credit: in.Credit, License: in.License, LicenseURL: in.LicenseURL}
	for _, a := range in.Alt {
		out.Alt = append(out.Alt, store.AltInput{Language: a.Language, Text: a.Text})
	}
	return out
}

func (r *Resolver) setImages(ctx context.Context, in model.SetImagesInput) (*model.SetImagesPayload, error) {
	gid, err := relay.Decode(in.Record)
	if err != nil {
		return nil, err
	}
	kind, ok := illustratedKinds[gid.Type]
	if !ok {
		return nil, problem.Wrap(store.ErrInvalid, "record: a %s has no images; give a campaign, event or organization", gid.Type)
	}
	id, err := relay.DecodeInt(gid.Type, in.Record)
	if err != nil {
		return nil, err
	}
	change := store.ImagesInput{Kind: kind, ID: id}
	if imgs, set := in.Images.ValueOK(); set {
		change.ImagesSet = true
		for _, img := range imgs {
			change.Images = append(change.Images, imageInput(img))
		}
	}
	if l, set := in.Logo.ValueOK(); set {
		change.Logo.Set = true
		if l != nil {
			v := imageInput(l)
			change.Logo.Value = &v
		}
	}
	written, errs, err := r.write(ctx, "setImages", in, in.IdempotencyKey, func(tx *store.Tx) (string, error) { return tx.SetImages(change) })
	if err != nil {
		return nil, err
	}
	p := &model.SetImagesPayload{UserErrors: errs, ClientMutationID: in.ClientMutationID}
	if written == "" {
		return p, nil
	}
	n, err := r.node(ctx, written)
	if err != nil {
		return nil, err
	}
	p.Record, _ = n.(models.Illustrated)
	return p, nil
}
