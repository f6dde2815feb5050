package models_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"campaigns/internal/lang"
	"campaigns/internal/problem"
	"campaigns/models"
)

// TestTextPicksItsLanguageAsWritten holds models.Text to what the resolvers it replaces
// answered: the original text with no localizer at all when the caller reads the original
// language first or names none; the localizer, with the field and the caller's languages,
// otherwise; the field's argument over the request's header; and a bad argument refused at
// once with BAD_USER_INPUT, before anything is written.
func TestTextPicksItsLanguageAsWritten(t *testing.T) {
	t.Parallel()
	summary := "Concert \"live\""
	e := &models.Event{ID: 7, Title: "Concert", Summary: &summary, OriginalLanguage: "en"}
	km, en := ptr("km"), ptr("en, km;q=0.5")

	var asked []string
	localizer := func(_ context.Context, rec models.Translatable, field string, p lang.Prefs) (string, error) {
		if rec != models.Translatable(e) {
			t.Errorf("localizer asked for %v, want the event", rec)
		}
		asked = append(asked, field+" "+p[0].String())
		return "ការប្រគុំតន្ត្រី", nil
	}
	header := func(s string) context.Context {
		p, err := lang.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return lang.With(context.Background(), p)
	}
	withLocalizer := func(ctx context.Context) context.Context { return models.WithLocalizer(ctx, localizer) }

	for _, tc := range []struct {
		name     string
		ctx      context.Context
		language *string
		want     string
		asked    string
	}{
		{"no preference, no localizer needed", context.Background(), nil, "Concert", ""},
		{"the original first, no localizer needed", header("en, km"), nil, "Concert", ""},
		{"the argument names the original first", header("km"), en, "Concert", ""},
		{"another language from the header", withLocalizer(header("km")), nil, "ការប្រគុំតន្ត្រី", "TITLE km"},
		{"another language from the argument", withLocalizer(context.Background()), km, "ការប្រគុំតន្ត្រី", "TITLE km"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			asked = nil
			text, err := e.TitleIn(tc.language)
			if err != nil {
				t.Fatal(err)
			}
			got, err := text.Localize(tc.ctx)
			if err != nil || got != tc.want {
				t.Errorf("Localize = %q, %v; want %q", got, err, tc.want)
			}
			if want := tc.asked; (want == "") != (len(asked) == 0) || (want != "" && asked[0] != want) {
				t.Errorf("localizer asked %v, want %q", asked, want)
			}
		})
	}

	t.Run("written as a JSON string", func(t *testing.T) {
		text, err := e.SummaryIn(nil)
		if err != nil || text == nil {
			t.Fatalf("SummaryIn = %v, %v", text, err)
		}
		var buf bytes.Buffer
		if err := text.MarshalGQLContext(context.Background(), &buf); err != nil {
			t.Fatal(err)
		}
		if got, want := buf.String(), `"Concert \"live\""`; got != want {
			t.Errorf("wrote %s, want %s", got, want)
		}
	})

	t.Run("a text the record lacks is null", func(t *testing.T) {
		if text, err := e.DescriptionIn(km); text != nil || err != nil {
			t.Errorf("DescriptionIn = %v, %v; want nil, nil", text, err)
		}
	})

	t.Run("a bad argument is the caller's error", func(t *testing.T) {
		_, err := e.TitleIn(ptr("not a language;;"))
		p, ok := problem.As(err)
		if !ok || p.Code != problem.BadUserInput {
			t.Fatalf("TitleIn(bad) = %v, want BAD_USER_INPUT", err)
		}
		if got, want := problem.Message(err), "language: invalid language: "; !strings.HasPrefix(got, want) {
			t.Errorf("message %q, want it to start %q", got, want)
		}
	})

	t.Run("no localizer is a wiring mistake, not a wrong language", func(t *testing.T) {
		text, err := e.TitleIn(km)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := text.Localize(context.Background()); err == nil {
			t.Errorf("Localize without a localizer = %q, %v; want an error", got, err)
		}
	})
}

func ptr(s string) *string { return &s }
