package models

import (
	"context"
	"errors"
	"io"

	"github.com/99designs/gqlgen/graphql"

	"campaigns/internal/lang"
	"campaigns/internal/problem"
)

// Text is one of a record's texts as a field with a language argument answers it
// (Event.title, Campaign.name…). The field is bound to a method without a context, which
// gqlgen runs inline: a resolver would cost a goroutine, a field context and a recover per
// item only to pick a language (issue 16). The language is picked as the text is written
// into the answer, where the request's context is at hand: the original text at once when
// the caller reads the record's original language first (or has no preference, the usual
// case), else the translation the caller prefers, through the request's Localizer.
type Text struct {
	rec      Translatable
	field    string // the translations' name of the field: TITLE, NAME, SUMMARY…
	original string // the record's original language
	text     string // the record's own text
	prefs    lang.Prefs
	own      bool // prefs are the field's language argument rather than the request's
}

// errInvalid is the store's ErrInvalid as a client reads it: the same code and words.
var errInvalid error = problem.New(problem.BadUserInput, "invalid input")

// newText is the text of rec's field, to be read in the languages of the field's language
// argument when given, else in those of the request.
func newText(rec Translatable, field, original, text string, language *string) (Text, error) {
	t := Text{rec: rec, field: field, original: original, text: text}
	if language != nil {
		p, err := lang.Parse(*language)
		if err != nil {
			return Text{}, problem.Wrap(errInvalid, "language: %v", err)
		}
		t.prefs, t.own = p, true
	}
	return t, nil
}

// optionalText is newText for a text a record may lack: nil when it does.
func optionalText(rec Translatable, field, original string, text *string, language *string) (*Text, error) {
	if text == nil {
		return nil, nil
	}
	t, err := newText(rec, field, original, *text, language)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// Localizer reads one text of a record in the languages of prefs, falling back along them
// to the original text; graph provides it for every operation (WithLocalizer).
type Localizer func(ctx context.Context, rec Translatable, field string, prefs lang.Prefs) (string, error)

type localizerKey struct{}

// WithLocalizer returns a context whose texts are localized by l.
func WithLocalizer(ctx context.Context, l Localizer) context.Context {
	return context.WithValue(ctx, localizerKey{}, l)
}

// errNoLocalizer is a wiring mistake: an operation run without graph's AroundOperations.
var errNoLocalizer = errors.New("models: no Localizer in context; is the resolver's AroundOperations installed?")

// Localize returns the text in the languages its field asks for.
func (t Text) Localize(ctx context.Context) (string, error) {
	p := t.prefs
	if !t.own {
		p = lang.FromContext(ctx)
	}
	if p.Prefers(t.original) {
		return t.text, nil
	}
	l, ok := ctx.Value(localizerKey{}).(Localizer)
	if !ok {
		return "", errNoLocalizer
	}
	return l(ctx, t.rec, t.field, p)
}

// MarshalGQLContext writes the text in the caller's language.
func (t Text) MarshalGQLContext(ctx context.Context, w io.Writer) error {
	s, err := t.Localize(ctx)
	if err != nil {
		return err
	}
	graphql.MarshalString(s).MarshalGQL(w)
	return nil
}

// UnmarshalGQLContext refuses: a Text is never an input.
func (t *Text) UnmarshalGQLContext(context.Context, any) error {
	return errors.New("a localized text is not an input")
}

// The texts of the translatable records, as their fields with a language argument answer
// them (gqlgen.yml binds the fields to these methods).

// TitleIn is Event.title.
func (e *Event) TitleIn(language *string) (Text, error) {
	return newText(e, "TITLE", e.OriginalLanguage, e.Title, language)
}

// SummaryIn is Event.summary.
func (e *Event) SummaryIn(language *string) (*Text, error) {
	return optionalText(e, "SUMMARY", e.OriginalLanguage, e.Summary, language)
}

// DescriptionIn is Event.description.
func (e *Event) DescriptionIn(language *string) (*Text, error) {
	return optionalText(e, "DESCRIPTION", e.OriginalLanguage, e.Description, language)
}

// NameIn is Campaign.name.
func (c *Campaign) NameIn(language *string) (Text, error) {
	return newText(c, "NAME", c.OriginalLanguage, c.Name, language)
}

// SummaryIn is Campaign.summary.
func (c *Campaign) SummaryIn(language *string) (*Text, error) {
	return optionalText(c, "SUMMARY", c.OriginalLanguage, c.Summary, language)
}

// DescriptionIn is Campaign.description.
func (c *Campaign) DescriptionIn(language *string) (*Text, error) {
	return optionalText(c, "DESCRIPTION", c.OriginalLanguage, c.Description, language)
}

// NameIn is YouthNetwork.name.
func (n *YouthNetwork) NameIn(language *string) (Text, error) {
	return newText(n, "NAME", n.OriginalLanguage, n.Name, language)
}

// DescriptionIn is YouthNetwork.description.
func (n *YouthNetwork) DescriptionIn(language *string) (*Text, error) {
	return optionalText(n, "DESCRIPTION", n.OriginalLanguage, n.Description, language)
}

// NameIn is Indicator.name.
func (i *Indicator) NameIn(language *string) (Text, error) {
	return newText(i, "NAME", i.OriginalLanguage, i.Name, language)
}

// DescriptionIn is Indicator.description.
func (i *Indicator) DescriptionIn(language *string) (*Text, error) {
	return optionalText(i, "DESCRIPTION", i.OriginalLanguage, i.Description, language)
}
