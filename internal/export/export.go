// Package export writes events and indicators as CSV, JSON Lines and HXL-tagged CSV, and a
// campaign's events as an iCalendar feed. It formats rows as the store streams them, one at
// a time, so that an export of a million rows needs no more memory than one of ten.
package export

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"campaigns/internal/relay"
	"campaigns/internal/store"
	"campaigns/models"
)

// Format is a file format of an export.
type Format int

// The formats.
const (
	CSV Format = iota
	JSONL
	HXL
)

// ContentType is the media type of a format.
func (f Format) ContentType() string {
	if f == JSONL {
		return "application/x-ndjson; charset=utf-8"
	}
	return "text/csv; charset=utf-8"
}

// column is one column of an export: its CSV header, its HXL hashtag, and its value, which
// is nil, a string, a bool, or a number.
type column[T any] struct {
	name, hxl string
	value     func(*T) any
}

// EventColumns are the columns of an events export. Nothing personal is among them, and no
// street address: an address may locate people at risk.
var eventColumns = []column[store.ExportEvent]{
	{"id", "#event+id", func(e *store.ExportEvent) any { return e.GlobalID() }},
	{"title", "#event+name", func(e *store.ExportEvent) any { return e.Title }},
	{"kind", "#event+type", func(e *store.ExportEvent) any { return e.Kind }},
	{"status", "#status", func(e *store.ExportEvent) any { return e.DisplayStatus() }},
	{"visibility", "#meta+visibility", func(e *store.ExportEvent) any { return e.Visibility }},
	{"campaign", "#activity+code", func(e *store.ExportEvent) any { return e.CampaignSlug }},
	{"campaign_name", "#activity+name", func(e *store.ExportEvent) any { return e.CampaignName }},
	{"starts_on", "#date+start", func(e *store.ExportEvent) any { return e.StartsOn().String() }},
	{"date_precision", "#date+precision", func(e *store.ExportEvent) any { return e.DatePrecision }},
	{"date_qualifier", "#date+qualifier", func(e *store.ExportEvent) any { return str(e.DateQualifier) }},
	{"starts_at", "#date+start+time", func(e *store.ExportEvent) any { return instant(e.StartsAt()) }},
	{"ends_at", "#date+end+time", func(e *store.ExportEvent) any { return instant(e.EndsAt()) }},
	{"time_zone", "#meta+timezone", func(e *store.ExportEvent) any { return str(e.TimeZone) }},
	{"country", "#country+code", func(e *store.ExportEvent) any { return str(e.CountryCode) }},
	{"country_name", "#country+name", func(e *store.ExportEvent) any { return str(e.CountryName) }},
	{"venue", "#loc+name", func(e *store.ExportEvent) any { return str(e.VenueName) }},
	{"city", "#loc+city", func(e *store.ExportEvent) any { return str(e.City) }},
	{"latitude", "#geo+lat", func(e *store.ExportEvent) any { return num(e.Latitude) }},
	{"longitude", "#geo+lon", func(e *store.ExportEvent) any { return num(e.Longitude) }},
	{"online_url", "#meta+url", func(e *store.ExportEvent) any { return str(e.OnlineURL) }},
	{"organizer", "#org+code", func(e *store.ExportEvent) any { return e.OrganizerSlug }},
	{"organizer_name", "#org+name", func(e *store.ExportEvent) any { return e.OrganizerName }},
	{"attendance", "#reached+attendance", func(e *store.ExportEvent) any { return num(e.Attendance) }},
	{"media_reach", "#reached+media", func(e *store.ExportEvent) any { return num(e.Reach) }},
	{"updated_at", "#date+updated", func(e *store.ExportEvent) any { return e.UpdatedAt.UTC().Format(time.RFC3339) }},
}

// indicatorColumns are the columns of an indicators export, in the shape of IATI's results:
// result, indicator, baseline, then one row per period with its target and actual, and one
// more per breakdown with its dimension and the one value it breaks down.
var indicatorColumns = []column[store.ExportIndicator]{
	{"campaign", "#activity+code", func(r *store.ExportIndicator) any { return r.CampaignSlug }},
	{"campaign_name", "#activity+name", func(r *store.ExportIndicator) any { return r.CampaignName }},
	{"result_type", "#output+type", func(r *store.ExportIndicator) any { return str(r.ResultType) }},
	{"result_title", "#output+name", func(r *store.ExportIndicator) any { return str(r.ResultTitle) }},
	{"indicator_id", "#indicator+id", func(r *store.ExportIndicator) any { return relay.EncodeInt(relay.TypeIndicator, r.IndicatorID) }},
	{"indicator_code", "#indicator+code", func(r *store.ExportIndicator) any { return r.Code }},
	{"indicator_name", "#indicator+name", func(r *store.ExportIndicator) any { return r.Name }},
	{"unit", "#indicator+unit", func(r *store.ExportIndicator) any { return r.Unit }},
	{"measure", "#indicator+measure", func(r *store.ExportIndicator) any { return r.Measure }},
	{"ascending", "#indicator+ascending", func(r *store.ExportIndicator) any { return r.Ascending }},
	{"baseline_year", "#date+year+baseline", func(r *store.ExportIndicator) any { return num(r.BaselineYear) }},
	{"baseline_value", "#indicator+num+baseline", func(r *store.ExportIndicator) any { return num(r.BaselineValue) }},
	{"period_start", "#date+start", func(r *store.ExportIndicator) any {
		return models.PartialDate{Date: r.PeriodStart, Precision: r.StartPrecision}.String()
	}},
	{"period_end", "#date+end", func(r *store.ExportIndicator) any {
		return models.PartialDate{Date: r.PeriodEnd, Precision: r.EndPrecision}.String()
	}},
	{"country", "#country+code", func(r *store.ExportIndicator) any { return str(r.CountryCode) }},
	{"sex", "#meta+sex", func(r *store.ExportIndicator) any { return str(r.Sex) }},
	{"age_band", "#meta+age", func(r *store.ExportIndicator) any { return str(r.AgeBand) }},
	{"period_baseline", "#indicator+num+period_baseline", func(r *store.ExportIndicator) any { return num(r.Baseline) }},
	{"target", "#indicator+num+target", func(r *store.ExportIndicator) any { return num(r.Target) }},
	{"actual", "#indicator+num+actual", func(r *store.ExportIndicator) any { return num(r.Actual) }},
	{"actual_comparator", "#meta+comparator", func(r *store.ExportIndicator) any { return r.ActualComparator }},
	{"note", "#description", func(r *store.ExportIndicator) any { return str(r.Note) }},
	{"source", "#meta+source", func(r *store.ExportIndicator) any { return str(r.Source) }},
}

func str(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func num[T int32 | int64 | float64](n *T) any {
	if n == nil {
		return nil
	}
	return *n
}

func instant(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.Format(time.RFC3339)
}

// Writer writes the rows of one export in one format.
type Writer[T any] struct {
	cols   []column[T]
	format Format
	buf    *bufio.Writer
	csv    *csv.Writer
	fields []string
	line   []byte
}

// Events returns a writer of events to w.
func Events(w io.Writer, f Format) *Writer[store.ExportEvent] { return newWriter(w, f, eventColumns) }

// Indicators returns a writer of indicator rows to w.
func Indicators(w io.Writer, f Format) *Writer[store.ExportIndicator] {
	return newWriter(w, f, indicatorColumns)
}

// bufferSize is how much a writer gathers before it writes to the response: large enough
// that a write is not a syscall per row, small enough that rows start flowing at once.
const bufferSize = 32 << 10

func newWriter[T any](w io.Writer, f Format, cols []column[T]) *Writer[T] {
	x := &Writer[T]{cols: cols, format: f, buf: bufio.NewWriterSize(w, bufferSize), fields: make([]string, len(cols))}
	if f != JSONL {
		x.csv = csv.NewWriter(x.buf)
	}
	return x
}

// Header writes what comes before the rows: the CSV header, and HXL's hashtag row after it.
func (x *Writer[T]) Header() error {
	if x.format == JSONL {
		return nil
	}
	for i, c := range x.cols {
		x.fields[i] = c.name
	}
	if err := x.csv.Write(x.fields); err != nil {
		return err
	}
	if x.format == HXL {
		for i, c := range x.cols {
			x.fields[i] = c.hxl
		}
		return x.csv.Write(x.fields)
	}
	return nil
}

// Row writes one row.
func (x *Writer[T]) Row(v *T) error {
	if x.format == JSONL {
		return x.jsonLine(v)
	}
	for i, c := range x.cols {
		x.fields[i] = cell(c.value(v))
	}
	return x.csv.Write(x.fields)
}

// Flush writes out what is buffered.
func (x *Writer[T]) Flush() error {
	if x.csv != nil {
		x.csv.Flush()
		if err := x.csv.Error(); err != nil {
			return err
		}
	}
	return x.buf.Flush()
}

// jsonLine writes a row as one JSON object on one line, its keys in column order.
func (x *Writer[T]) jsonLine(v *T) error {
	b := append(x.line[:0], '{')
	for i, c := range x.cols {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, c.name)
		b = append(b, ':')
		val, err := json.Marshal(c.value(v))
		if err != nil {
			return fmt.Errorf("column %s: %w", c.name, err)
		}
		b = append(b, val...)
	}
	b = append(b, '}', '\n')
	x.line = b
	_, err := x.buf.Write(b)
	return err
}

// cell writes a value for CSV. A text that a spreadsheet would run as a formula (it starts
// with =, +, -, @, a tab or a carriage return) gets a leading apostrophe, which spreadsheets
// hide: an event title must never become a formula on a partner's computer.
func cell(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
			return "'" + v
		}
		return v
	case bool:
		return strconv.FormatBool(v)
	case int32:
		return strconv.FormatInt(int64(v), 10)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}
