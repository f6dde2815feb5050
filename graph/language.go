package graph

import (
	"context"
	"fmt"

	"campaigns/graph/model"
	"campaigns/internal/lang"
	"campaigns/internal/loader"
	"campaigns/internal/problem"
	"campaigns/internal/relay"
	"campaigns/internal/store"
	"campaigns/models"
)

// translatableTexts is what localizing needs of a record: its kind and ID as translations
// name them, its original language, and its own texts by field.
func translatableTexts(rec models.Translatable) (id int64, original string, texts map[string]*string) {
	switch v := rec.(type) {
	case *models.Campaign:
		return v.ID, v.OriginalLanguage, map[string]*string{"NAME": &v.Name, "SUMMARY": v.Summary, "DESCRIPTION": v.Description}
	case *models.Event:
		return v.ID, v.OriginalLanguage, map[string]*string{"TITLE": &v.Title, "SUMMARY": v.Summary, "DESCRIPTION": v.Description}
	case *models.YouthNetwork:
		return v.ID, v.OriginalLanguage, map[string]*string{"NAME": &v.Name, "DESCRIPTION": v.Description}
	case *models.Indicator:
		return v.ID, v.OriginalLanguage, map[string]*string{"NAME": &v.Name, "DESCRIPTION": v.Description}
	}
	panic(fmt.Sprintf("graph: %T is not translatable", rec))
}

// textOf is one of a record's own texts by field, as translatableTexts gives it, without
// building the map: the title of every listed event goes through it.
func textOf(rec models.Translatable, field string) *string {
	switch v := rec.(type) {
	case *models.Campaign:
		switch field {
		case "NAME":
			return &v.Name
		case "SUMMARY":
			return v.Summary
		case "DESCRIPTION":
			return v.Description
		}
	case *models.Event:
		switch field {
		case "TITLE":
			return &v.Title
		case "SUMMARY":
			return v.Summary
		case "DESCRIPTION":
			return v.Description
		}
	default:
		_, _, texts := translatableTexts(rec)
		return texts[field]
	}
	return nil
}

// identity is a record's ID and original language, as translatableTexts gives them.
func identity(rec models.Translatable) (int64, string) {
	switch v := rec.(type) {
	case *models.Campaign:
		return v.ID, v.OriginalLanguage
	case *models.Event:
		return v.ID, v.OriginalLanguage
	}
	id, original, _ := translatableTexts(rec)
	return id, original
}

// preferences returns the languages the caller reads a field in: the field's language
// argument if given, else those of the request's Accept-Language header.
func preferences(ctx context.Context, arg *string) (lang.Prefs, error) {
	if arg == nil {
		return lang.FromContext(ctx), nil
	}
	p, err := lang.Parse(*arg)
	if err != nil {
		return nil, problem.Wrap(store.ErrInvalid, "language: %v", err)
	}
	return p, nil
}

// localize returns one text of a record in the caller's languages, falling back along them
// to the original; nil when the record has no such text. A caller with no preference, or
// whose first preference is the original language, costs no statement at all.
func localize(ctx context.Context, rec models.Translatable, field string, arg *string) (*model.LocalizedText, error) {
	source := textOf(rec, field)
	if source == nil {
		return nil, nil
	}
	p, err := preferences(ctx, arg)
	if err != nil {
		return nil, err
	}
	return localizeIn(ctx, rec, field, *source, p)
}

// localizeIn is localize of the text source in the languages p.
func localizeIn(ctx context.Context, rec models.Translatable, field, source string, p lang.Prefs) (*model.LocalizedText, error) {
	id, original := identity(rec)
	out := &model.LocalizedText{Text: source, Language: original, Original: true}
	if p.Prefers(original) {
		return out, nil
	}
	all, err := loader.For(ctx).Translations(ctx, rec.TranslationKind(), id)
	if err != nil {
		return nil, err
	}
	var found []*models.Translation
	var langs []string
	for _, t := range all {
		if t.Field == field && t.Language != original {
			found = append(found, t)
			langs = append(langs, t.Language)
		}
	}
	i := p.Choose(original, langs)
	if i < 0 {
		return out, nil
	}
	t := found[i]
	return &model.LocalizedText{Text: t.Text, Language: t.Language, Stale: t.SourceMD5 != models.TextDigest(source), Origin: &t.Origin}, nil
}

// localizeText is the models.Localizer of every operation (Instant): the text of the
// fields bound to models.Text (Event.title, Campaign.name…) where the caller's first
// language is not the record's original one.
func localizeText(ctx context.Context, rec models.Translatable, field string, p lang.Prefs) (string, error) {
	source := textOf(rec, field)
	if source == nil {
		return "", fmt.Errorf("graph: %T has no %s text", rec, field)
	}
	t, err := localizeIn(ctx, rec, field, *source, p)
	if err != nil {
		return "", err
	}
	return t.Text, nil
}

// localized is localize for the plain text fields, which return the text alone.
func localized(ctx context.Context, rec models.Translatable, field string, arg *string) (*string, error) {
	t, err := localize(ctx, rec, field, arg)
	if t == nil || err != nil {
		return nil, err
	}
	return &t.Text, nil
}

// required is localized for a text every record has.
func required(s *string, err error) (string, error) {
	if s == nil || err != nil {
		return "", err
	}
	return *s, nil
}

// translations lists a record's translations, each marked stale when the original it
// translates has changed (or is gone) since.
func translations(ctx context.Context, rec models.Translatable, language, field *string) ([]*models.Translation, error) {
	id, _, texts := translatableTexts(rec)
	want := ""
	if language != nil {
		var err error
		if want, err = lang.Canonical(*language); err != nil {
			return nil, problem.Wrap(store.ErrInvalid, "language: %v", err)
		}
	}
	all, err := loader.For(ctx).Translations(ctx, rec.TranslationKind(), id)
	if err != nil {
		return nil, err
	}
	out := make([]*models.Translation, 0, len(all))
	for _, t := range all {
		if (want != "" && t.Language != want) || (field != nil && t.Field != *field) {
			continue
		}
		c := *t
		source := texts[t.Field]
		c.Stale = source == nil || t.SourceMD5 != models.TextDigest(*source)
		out = append(out, &c)
	}
	return out, nil
}

// translatableKinds maps the global ID types of translatable records to their kinds.
var translatableKinds = map[string]string{
	relay.TypeCampaign: store.TranslateCampaign, relay.TypeEvent: store.TranslateEvent,
	relay.TypeYouthNetwork: store.TranslateNetwork, relay.TypeIndicator: store.TranslateIndicator,
}

func (r *Resolver) setTranslations(ctx context.Context, in model.SetTranslationsInput) (*model.SetTranslationsPayload, error) {
	gid, err := relay.Decode(in.Record)
	if err != nil {
		return nil, err
	}
	kind, ok := translatableKinds[gid.Type]
	if !ok {
		return nil, problem.Wrap(store.ErrInvalid, "record: a %s has no translations; give a campaign, event, youth network or indicator", gid.Type)
	}
	id, err := relay.DecodeInt(gid.Type, in.Record)
	if err != nil {
		return nil, err
	}
	change := store.TranslationsInput{Kind: kind, ID: id, OriginalLanguage: in.OriginalLanguage}
	for _, t := range in.Translations {
		change.Translations = append(change.Translations, store.TranslationInput{Field: t.Field, Language: t.Language, Text: t.Text})
	}
	written, errs, err := r.write(ctx, "setTranslations", in, in.IdempotencyKey, func(tx *store.Tx) (string, error) { return tx.SetTranslations(change) })
	if err != nil {
		return nil, err
	}
	p := &model.SetTranslationsPayload{UserErrors: errs, ClientMutationID: in.ClientMutationID}
	if written == "" {
		return p, nil
	}
	n, err := r.node(ctx, written)
	if err != nil {
		return nil, err
	}
	p.Record, _ = n.(models.Translatable)
	return p, nil
}
