package store

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"campaigns/internal/auth"
	"campaigns/internal/lang"
	"campaigns/internal/problem"
	"campaigns/internal/relay"
	"campaigns/internal/validate"
	"campaigns/models"
)

// maxTranslationsPerWrite bounds one write, so that one request cannot write without limit.
const maxTranslationsPerWrite = 50

// TranslationInput is one text of a record in one language; a nil Text removes it.
type TranslationInput struct {
	Field, Language string
	Text            *string
}

// TranslationsInput is a change to a record's translations and, optionally, to the language
// its own texts are in.
type TranslationsInput struct {
	Kind             string
	ID               int64
	OriginalLanguage *string
	Translations     []TranslationInput
}

// translatable is what a translation write needs of its record, locked for the write.
type translatable struct {
	kind, table, nodeType, globalID string
	id                              int64
	version                         *int32 // nil for indicators, which have no versions
	language                        string
	texts                           map[string]*string
}

// translationState is what an audit entry shows of a record's languages.
type translationState struct {
	OriginalLanguage string
	Translations     []models.Translation
}

// editableTranslatable locks a record for a change of its translations and checks that the
// caller may edit it: translating a record takes the same right as editing it.
func (t *Tx) editableTranslatable(kind string, id int64) (*translatable, error) {
	switch kind {
	case TranslateCampaign:
		c, err := t.editableCampaign(id)
		if err != nil {
			return nil, err
		}
		return &translatable{kind: kind, table: "campaigns", nodeType: relay.TypeCampaign, globalID: c.GlobalID(), id: c.ID,
			version: &c.Version, language: c.OriginalLanguage,
			texts: map[string]*string{"NAME": &c.Name, "SUMMARY": c.Summary, "DESCRIPTION": c.Description}}, nil
	case TranslateEvent:
		e, err := lockReadable[models.Event](t, eventRead, id, forUpdate)
		if err != nil {
			return nil, err
		}
		if err := t.canEditEvent(e); err != nil {
			return nil, err
		}
		return &translatable{kind: kind, table: "events", nodeType: relay.TypeEvent, globalID: e.GlobalID(), id: e.ID,
			version: &e.Version, language: e.OriginalLanguage,
			texts: map[string]*string{"TITLE": &e.Title, "SUMMARY": e.Summary, "DESCRIPTION": e.Description}}, nil
	case TranslateNetwork:
		n, err := lockReadable[models.YouthNetwork](t, networkRead, id, forUpdate)
		if err != nil {
			return nil, err
		}
		if err := t.canEditNetwork(n); err != nil {
			return nil, err
		}
		return &translatable{kind: kind, table: "youth_networks", nodeType: relay.TypeYouthNetwork, globalID: n.GlobalID(), id: n.ID,
			version: &n.Version, language: n.OriginalLanguage,
			texts: map[string]*string{"NAME": &n.Name, "DESCRIPTION": n.Description}}, nil
	case TranslateIndicator:
		// The campaign is locked before the indicator, in the order RecordIndicatorValues
		// locks them, so that the two writes cannot deadlock. An indicator the caller may
		// not read is answered as one that does not exist.
		var campaignID int64
		c := t.readCond(indicatorRead)
		err := t.db.Raw(`SELECT i.campaign_id FROM indicators i WHERE i.id = ? AND (`+c.sql+`)`, append([]any{id}, c.args...)...).Scan(&campaignID).Error
		if err != nil {
			return nil, fmt.Errorf("indicator %d: %w", id, translate(err))
		}
		if campaignID == 0 {
			return nil, fmt.Errorf("indicator %d: %w", id, ErrNotFound)
		}
		if _, err := t.editableCampaign(campaignID); err != nil {
			return nil, err
		}
		ind, err := lockRow[models.Indicator](t, "indicators", id)
		if err != nil {
			return nil, err
		}
		return &translatable{kind: kind, table: "indicators", nodeType: relay.TypeIndicator, globalID: ind.GlobalID(), id: ind.ID,
			language: ind.OriginalLanguage, texts: map[string]*string{"NAME": &ind.Name, "DESCRIPTION": ind.Description}}, nil
	}
	return nil, problem.Wrap(ErrInvalid, "records of kind %q have no translations", kind)
}

// translationsState reads a record's translations for an audit entry and for the checks.
func (t *Tx) translationsState(r *translatable) ([]models.Translation, error) {
	var rows []models.Translation
	err := t.db.Where("entity_type = ? AND entity_id = ?", r.kind, r.id).Order("field, language").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("translations of %s %d: %w", r.kind, r.id, translate(err))
	}
	return rows, nil
}

// SetTranslations writes, replaces or removes translations of a record, and sets the language
// of its own texts when asked. It returns the record's global ID. A translation records a
// digest of the original it translates, so that it shows as stale once the original changes;
// writing the same text again confirms it against the current original.
func (t *Tx) SetTranslations(in TranslationsInput) (string, error) {
	rec, err := t.editableTranslatable(in.Kind, in.ID)
	if err != nil {
		return "", err
	}
	existing, err := t.translationsState(rec)
	if err != nil {
		return "", err
	}
	var p validate.Problems
	original := rec.language
	if in.OriginalLanguage != nil {
		if original, err = lang.Canonical(*in.OriginalLanguage); err != nil {
			p.Add("originalLanguage", validate.Invalid, "%s", problem.Message(err))
			original = rec.language
		}
	}
	if len(in.Translations) > maxTranslationsPerWrite {
		p.Add("translations", validate.Length, "write at most %d translations at once", maxTranslationsPerWrite)
		return "", p
	}
	// final is what the record's translations will be, by field and language.
	final := map[[2]string]bool{}
	for _, tr := range existing {
		final[[2]string{tr.Field, tr.Language}] = true
	}
	changes := make([]TranslationInput, 0, len(in.Translations))
	seen := map[[2]string]int{}
	for i, tr := range in.Translations {
		path := fmt.Sprintf("translations.%d", i)
		fields := fieldsOf[rec.kind]
		if !slices.Contains(fields, tr.Field) {
			p.Add(path+".field", validate.Invalid, "%s has no %s to translate; its texts are %s",
				auth.WithArticle(words(rec.kind)), words(tr.Field), strings.ToLower(strings.Join(fields, ", ")))
			continue
		}
		code, err := lang.Canonical(tr.Language)
		if err != nil {
			p.Add(path+".language", validate.Invalid, "%s", problem.Message(err))
			continue
		}
		k := [2]string{tr.Field, code}
		if j, dup := seen[k]; dup {
			p.Add(path, validate.Invalid, "translations.%d already sets the %s in %s", j, strings.ToLower(tr.Field), code)
			continue
		}
		seen[k] = i
		if tr.Text == nil {
			delete(final, k)
		} else {
			p.Text(path+".text", *tr.Text, 1, maxTextLength[tr.Field])
			if rec.texts[tr.Field] == nil {
				p.Add(path+".field", validate.Invalid, "the %s has no %s of its own to translate; write one first",
					words(rec.kind), words(tr.Field))
			}
			final[k] = true
		}
		changes = append(changes, TranslationInput{Field: tr.Field, Language: code, Text: tr.Text})
	}
	for k := range final {
		if k[1] == original {
			p.Add("translations", validate.Invalid, "%s is the record's original language: change the record's %s itself, or remove that translation",
				original, strings.ToLower(k[0]))
			break
		}
	}
	if err := p.Err(); err != nil {
		return "", err
	}
	now := time.Now()
	for _, c := range changes {
		if err := t.writeTranslation(rec, c, now); err != nil {
			return "", err
		}
	}
	if original != rec.language {
		set := map[string]any{"original_language": original}
		if rec.version != nil {
			set["version"], set["updated_at"] = *rec.version+1, now
		}
		if err := t.db.Table(rec.table).Where("id = ?", rec.id).Updates(set).Error; err != nil {
			return "", fmt.Errorf("original language of %s %d: %w", rec.kind, rec.id, translate(err))
		}
	}
	after, err := t.translationsState(rec)
	if err != nil {
		return "", err
	}
	sortTranslations(existing)
	return rec.globalID, t.Audit("setTranslations", rec.nodeType, rec.globalID,
		translationState{OriginalLanguage: rec.language, Translations: existing},
		translationState{OriginalLanguage: original, Translations: after})
}

// writeTranslation stores or removes one translation. What an editor writes is the
// partner's (origin PARTNER), even where it confirms a translation made for the seed.
func (t *Tx) writeTranslation(rec *translatable, c TranslationInput, now time.Time) error {
	if c.Text == nil {
		err := t.db.Exec(`DELETE FROM translations WHERE entity_type = ? AND entity_id = ? AND field = ? AND language = ?`,
			rec.kind, rec.id, c.Field, c.Language).Error
		if err != nil {
			return fmt.Errorf("remove %s translation %s of %s %d: %w", c.Language, c.Field, rec.kind, rec.id, translate(err))
		}
		return nil
	}
	err := t.db.Exec(`INSERT INTO translations AS t (entity_type, entity_id, field, language, text, source_md5, source_version, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
		ON CONFLICT (entity_type, entity_id, field, language) DO UPDATE
		SET text = excluded.text, source_md5 = excluded.source_md5, source_version = excluded.source_version,
		    version = t.version + 1, updated_at = excluded.updated_at, origin = excluded.origin`,
		rec.kind, rec.id, c.Field, c.Language, *c.Text, models.TextDigest(*rec.texts[c.Field]), rec.version, now, now).Error
	if err != nil {
		return fmt.Errorf("write %s translation %s of %s %d: %w", c.Language, c.Field, rec.kind, rec.id, translate(err))
	}
	return nil
}

// words writes an enum value as words for a message: YOUTH_NETWORK as "youth network".
func words(enum string) string {
	return strings.ToLower(strings.ReplaceAll(enum, "_", " "))
}
