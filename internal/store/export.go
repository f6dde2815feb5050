package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"gorm.io/gorm"

	"campaigns/models"
)

// ExportTimeout is the longest one export's statement may run. An export streams its rows
// to the client as PostgreSQL produces them, so the statement lasts as long as the slowest
// client takes to read a million rows: far beyond the STATEMENT_TIMEOUT of a GraphQL request.
const ExportTimeout = 10 * time.Minute

// ExportEvent is one row of an events export: the event and the names a spreadsheet wants
// beside it. It holds nothing personal: no street address, no registrations.
type ExportEvent struct {
	models.Event
	CampaignSlug, CampaignName   string
	CountryName                  *string
	VenueName, City              *string
	Latitude, Longitude          *float64
	OrganizerSlug, OrganizerName string
}

const exportEventsSQL = `SELECT e.id, e.campaign_id, e.title, e.summary, e.kind, e.status, e.visibility, e.starts_at, e.ends_at,
	e.start_key, e.start_latest, e.over_at,
	e.date_precision, e.date_qualifier, e.time_zone, e.country_code, e.online_url, e.attendance, e.media_reach,
	e.version, e.updated_at, e.organizer_id, c.slug, c.name, co.name, v.name, v.city, %[2]s, %[3]s, o.slug, o.name
FROM events e
JOIN campaigns c ON c.id = e.campaign_id
JOIN organizations o ON o.id = e.organizer_id
LEFT JOIN venues v ON v.id = e.venue_id
LEFT JOIN countries co ON co.code = e.country_code
WHERE %[1]s ORDER BY e.start_key, e.id`

// ExportEvents calls fn with each event the caller (f.Viewer) can see that matches f, soonest
// first (the lists' STARTS_AT order), each with its status as of the request's time, as
// PostgreSQL sends them: one statement whose rows are scanned one at a time into
// the same ExportEvent, so memory stays flat however many rows there are. fn must not keep
// the pointer. An error from fn stops the export and is returned as it is.
func (s *Store) ExportEvents(ctx context.Context, f EventFilter, fn func(*ExportEvent) error) error {
	f = f.at(ctx)
	w, args := where(f.conds())
	var e ExportEvent
	e.AsOf = f.now
	dest := []any{&e.ID, &e.CampaignID, &e.Title, &e.Summary, &e.Kind, &e.Status, &e.Visibility, &e.StartBound, &e.EndBound,
		&e.StartKey, &e.StartLatest, &e.OverAt, &e.DatePrecision, &e.DateQualifier, &e.TimeZone, &e.CountryCode, &e.OnlineURL, &e.Attendance, &e.Reach,
		&e.Version, &e.UpdatedAt, &e.OrganizerID, &e.CampaignSlug, &e.CampaignName, &e.CountryName, &e.VenueName, &e.City,
		&e.Latitude, &e.Longitude, &e.OrganizerSlug, &e.OrganizerName}
	return s.stream(ctx, "export events", "export_events", fmt.Sprintf(exportEventsSQL, w, publicLatitude("v"), publicLongitude("v")), args, dest, func() error {
		e.VenueID = nil
		return fn(&e)
	})
}

// ExportIndicator is one row of an indicators export: a period's totals (no dimension set),
// or one breakdown of its target or actual (a dimension set, and only that value).
type ExportIndicator struct {
	CampaignSlug, CampaignName   string
	ResultType, ResultTitle      *string
	IndicatorID                  int64
	Code, Name, Unit, Measure    string
	Ascending                    bool
	BaselineYear                 *int32
	BaselineValue                *float64
	PeriodStart, PeriodEnd       time.Time
	StartPrecision, EndPrecision string
	CountryCode, Sex, AgeBand    *string
	Baseline, Target, Actual     *float64
	ActualComparator             string
	Note, Source                 *string
}

const exportIndicatorsSQL = `SELECT c.slug, c.name, r.type, r.title, i.id, i.code, i.name, i.unit, i.measure, i.ascending,
	i.baseline_year, i.baseline_value::float8, p.period_start, p.period_end, p.start_precision, p.end_precision,
	d.country_code, d.sex, d.age_band,
	CASE WHEN d.id IS NULL THEN p.baseline::float8 END,
	CASE WHEN d.id IS NULL THEN p.target::float8 WHEN d.kind = 'TARGET' THEN d.value::float8 END,
	CASE WHEN d.id IS NULL THEN p.actual::float8 WHEN d.kind = 'ACTUAL' THEN d.value::float8 END,
	p.actual_comparator, CASE WHEN d.id IS NULL THEN p.note END, p.source
FROM indicator_periods p
JOIN indicators i ON i.id = p.indicator_id
JOIN campaigns c ON c.id = i.campaign_id
LEFT JOIN results r ON r.id = i.result_id
CROSS JOIN LATERAL (SELECT NULL::bigint AS id, NULL::text AS kind, NULL::char(2) AS country_code, NULL::text AS sex,
		NULL::text AS age_band, NULL::numeric AS value
	UNION ALL
	SELECT b.id, b.kind, b.country_code, b.sex, b.age_band, b.value FROM indicator_breakdowns b WHERE b.period_id = p.id) d
WHERE %s ORDER BY c.id, i.id, p.period_start, p.id, d.id IS NOT NULL, d.kind DESC,
	d.country_code NULLS FIRST, d.sex NULLS FIRST, d.age_band NULLS FIRST, d.id`

// ExportIndicators calls fn with each indicator period, and each of its breakdowns, of the
// campaigns the caller (viewer, 0 for anonymous) can see, or of one campaign when campaignID
// is set; streamed as ExportEvents is.
func (s *Store) ExportIndicators(ctx context.Context, viewer, campaignID int64, fn func(*ExportIndicator) error) error {
	conds := []cond{visibleTo(campaignPublic, campaignVisible, viewer)}
	if campaignID != 0 {
		conds = append(conds, cond{"c.id = ?", []any{campaignID}})
	}
	w, args := where(conds)
	var r ExportIndicator
	dest := []any{&r.CampaignSlug, &r.CampaignName, &r.ResultType, &r.ResultTitle, &r.IndicatorID, &r.Code, &r.Name, &r.Unit,
		&r.Measure, &r.Ascending, &r.BaselineYear, &r.BaselineValue, &r.PeriodStart, &r.PeriodEnd, &r.StartPrecision, &r.EndPrecision,
		&r.CountryCode, &r.Sex, &r.AgeBand, &r.Baseline, &r.Target, &r.Actual, &r.ActualComparator, &r.Note, &r.Source}
	return s.stream(ctx, "export indicators", "export_indicators", fmt.Sprintf(exportIndicatorsSQL, w), args, dest, func() error { return fn(&r) })
}

// fetchSize is how many rows an export fetches from its cursor at a time.
const fetchSize = 2000

// stream runs one read-only query through a server-side cursor and calls each for every
// row after scanning it into dest. A cursor is planned for its first rows (PostgreSQL's
// cursor_tuple_fraction), so an export walks the index in order and its first rows leave at
// once, where a plain statement of a million rows would be sorted whole, spilling to disk,
// before the first row came. The read-only, repeatable-read transaction keeps one snapshot
// across the fetches, so a long export is consistent; each fetch may take ExportTimeout.
//
// The cursor is named by cursor, one name per shape of row: pgx caches what a statement
// returns by its text, so two FETCHes of the same text must return the same columns.
func (s *Store) stream(ctx context.Context, op, cursor, query string, args, dest []any, each func() error) error {
	var stop error // an error of each, returned unwrapped
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(fmt.Sprintf("SET LOCAL statement_timeout = %d", ExportTimeout.Milliseconds())).Error; err != nil {
			return translate(err)
		}
		if err := tx.Exec("DECLARE "+cursor+" NO SCROLL CURSOR FOR "+query, args...).Error; err != nil {
			return translate(err)
		}
		for {
			rows, err := tx.Raw(fmt.Sprintf("FETCH FORWARD %d FROM %s", fetchSize, cursor)).Rows()
			if err != nil {
				return translate(err)
			}
			n := 0
			for rows.Next() {
				n++
				if err := rows.Scan(dest...); err != nil {
					_ = rows.Close()
					return translate(err)
				}
				if err := each(); err != nil {
					_ = rows.Close()
					stop = err
					return err
				}
			}
			if err := rows.Close(); err != nil {
				return translate(err)
			}
			if err := rows.Err(); err != nil {
				return translate(err)
			}
			if n < fetchSize {
				return nil
			}
		}
	}, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if stop != nil {
		return stop
	}
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// VisibleCampaign returns the ID and name of the campaign with the given ID, or slug when id is 0,
// if viewer (an organization, 0 for anonymous) may see it; ErrNotFound otherwise, so that
// a draft is told apart from nothing by no one who may not see it.
func (s *Store) VisibleCampaign(ctx context.Context, viewer, id int64, slug string) (int64, string, error) {
	conds := []cond{visibleTo(campaignPublic, campaignVisible, viewer)}
	if id != 0 {
		conds = append(conds, cond{"c.id = ?", []any{id}})
	} else {
		conds = append(conds, cond{"c.slug = ?", []any{slug}})
	}
	w, args := where(conds)
	var found []struct {
		ID   int64
		Name string
	}
	if err := s.db.WithContext(ctx).Raw("SELECT c.id, c.name FROM campaigns c WHERE "+w, args...).Scan(&found).Error; err != nil {
		return 0, "", fmt.Errorf("visible campaign %d %q: %w", id, slug, translate(err))
	}
	if len(found) == 0 {
		return 0, "", ErrNotFound
	}
	return found[0].ID, found[0].Name, nil
}

// ZoneSpan is a time zone that events of a calendar use and the years they span in it.
type ZoneSpan struct {
	Zone     string
	From, To int
}

// EventZones returns the time zones of the events that match f with the years each spans,
// so that a calendar can describe every zone before it streams the events that use it.
func (s *Store) EventZones(ctx context.Context, f EventFilter) ([]ZoneSpan, error) {
	w, args := where(append(f.at(ctx).conds(), cond{sql: "e.time_zone IS NOT NULL"}))
	var out []ZoneSpan
	err := s.db.WithContext(ctx).Raw(`SELECT e.time_zone AS zone,
		min(extract(year FROM e.starts_at AT TIME ZONE e.time_zone))::int AS "from",
		max(extract(year FROM e.over_at AT TIME ZONE e.time_zone))::int AS "to"
		FROM events e WHERE `+w+` GROUP BY e.time_zone ORDER BY e.time_zone`, args...).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("event zones: %w", translate(err))
	}
	return out, nil
}
