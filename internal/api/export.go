package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"campaigns/internal/auth"
	"campaigns/internal/export"
	"campaigns/internal/problem"
	"campaigns/internal/relay"
	"campaigns/internal/reqid"
	"campaigns/internal/store"
	"campaigns/models"
)

// MaxConcurrentExports is how many exports one instance streams at once. Each holds a
// database connection for as long as its client takes to read it; more at once would take
// the connections that GraphQL requests need.
const MaxConcurrentExports = 4

// files wraps a handler of files (exports, calendars) in what /query has but the GraphQL
// guard: CORS, the key guard, the caller's identity and one point of its budget.
func (p *protection) files(st *store.Store, h http.HandlerFunc) http.Handler {
	var next http.Handler = p.shield.guardKeys(auth.Middleware(st.Caller, p.shield.track(h)))
	if p.cors != nil {
		next = p.cors.Handler(next)
	}
	return next
}

// exporter serves the exports and the calendars.
type exporter struct {
	st    *store.Store
	log   *slog.Logger
	slots chan struct{}
}

func newExporter(st *store.Store, log *slog.Logger) *exporter {
	return &exporter{st: st, log: log, slots: make(chan struct{}, MaxConcurrentExports)}
}

// eventKinds and eventStatuses are the values the events filter takes, as in the schema.
var (
	eventKinds    = []string{"CONCERT", "BROADCAST", "ONLINE_PROGRAMME", "OUTREACH", "TRAINING", "YOUTH_SESSION", "MEETING"}
	eventStatuses = []string{"DRAFT", "SCHEDULED", "POSTPONED", "CANCELLED", "COMPLETED"}
)

// exportFile maps the file names of /export/ to what they hold and how.
var exportFiles = map[string]struct {
	events bool
	format export.Format
}{
	"events.csv": {true, export.CSV}, "events.jsonl": {true, export.JSONL}, "events.hxl.csv": {true, export.HXL},
	"indicators.csv": {false, export.CSV}, "indicators.jsonl": {false, export.JSONL}, "indicators.hxl.csv": {false, export.HXL},
}

// serveExport answers GET /export/{file}: the events or indicators the caller can read
// through the API, with the events list's filter as query parameters.
func (x *exporter) serveExport(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	kind, ok := exportFiles[file]
	if !ok {
		names := make([]string, 0, len(exportFiles))
		for n := range exportFiles {
			names = append(names, n)
		}
		slices.Sort(names)
		refuseCode(w, r, http.StatusNotFound, problem.NotFound, fmt.Sprintf("no export is called %q; there are %s", file, strings.Join(names, ", ")))
		return
	}
	viewer := auth.FromContext(r.Context()).OrgID
	var run func(export.Format, *countingWriter) error
	if kind.events {
		f, err := x.eventFilter(r.Context(), r.URL.Query(), viewer)
		if err != nil {
			x.refuse(w, r, err)
			return
		}
		run = func(format export.Format, out *countingWriter) error {
			ew := export.Events(out, format)
			if err := ew.Header(); err != nil {
				return err
			}
			if err := x.st.ExportEvents(r.Context(), f, ew.Row); err != nil {
				return err
			}
			return ew.Flush()
		}
	} else {
		campaign, err := x.indicatorFilter(r.Context(), r.URL.Query(), viewer)
		if err != nil {
			x.refuse(w, r, err)
			return
		}
		run = func(format export.Format, out *countingWriter) error {
			iw := export.Indicators(out, format)
			if err := iw.Header(); err != nil {
				return err
			}
			if err := x.st.ExportIndicators(r.Context(), viewer, campaign, iw.Row); err != nil {
				return err
			}
			return iw.Flush()
		}
	}
	x.stream(w, r, kind.format.ContentType(), file, func(out *countingWriter) error { return run(kind.format, out) })
}

// serveCalendar answers GET /calendar/campaigns/{file}, file being a campaign's global ID or
// slug with .ics: the campaign's public events, whoever asks, since a calendar application
// sends no key and a feed URL is passed around.
func (x *exporter) serveCalendar(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok || name == "" {
		refuseCode(w, r, http.StatusNotFound, problem.NotFound, "a calendar is /calendar/campaigns/<campaign ID or slug>.ics")
		return
	}
	var id int64
	slug := name
	if k, err := relay.DecodeInt(relay.TypeCampaign, name); err == nil {
		id, slug = k, ""
	}
	campaign, title, err := x.st.VisibleCampaign(r.Context(), 0, id, slug)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			err = problem.Wrap(store.ErrNotFound, "no published campaign is %q", name)
		}
		x.refuse(w, r, err)
		return
	}
	f := store.EventFilter{CampaignID: campaign}
	zones, err := x.st.EventZones(r.Context(), f)
	if err != nil {
		x.refuse(w, r, err)
		return
	}
	host := r.Host
	if host == "" {
		host = "campaigns"
	}
	x.stream(w, r, "text/calendar; charset=utf-8", name+".ics", func(out *countingWriter) error {
		cal := export.NewCalendar(out, title)
		for _, z := range zones {
			cal.TimeZone(z.Zone, z.From, z.To)
		}
		err := x.st.ExportEvents(r.Context(), f, func(e *store.ExportEvent) error {
			cal.Event(e, host)
			return nil
		})
		if err != nil {
			return err
		}
		return cal.Close()
	})
}

// stream runs one export in a slot: it sends the headers, lets the export write, and
// handles what can go wrong. An error before any byte left can still be answered with a
// status and a JSON error; after that the status is sent, so the connection is cut
// instead, and the client sees a broken transfer, never a short file that looks whole.
func (x *exporter) stream(w http.ResponseWriter, r *http.Request, contentType, filename string, write func(*countingWriter) error) {
	select {
	case x.slots <- struct{}{}:
		defer func() { <-x.slots }()
	default:
		w.Header().Set("Retry-After", "10")
		refuseCode(w, r, http.StatusTooManyRequests, problem.TooManyExports,
			fmt.Sprintf("%d exports are already running on this server; retry in a few seconds", MaxConcurrentExports))
		return
	}
	// A million rows take longer to send than the server's write timeout allows a request.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(store.ExportTimeout))
	w.Header().Set("Content-Type", contentType)
	if !strings.HasSuffix(filename, ".ics") {
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename=%q`, filename))
	}
	w.Header().Set("Cache-Control", "no-store")
	out := &countingWriter{w: w}
	err := write(out)
	if err == nil {
		return
	}
	if r.Context().Err() != nil {
		x.log.InfoContext(r.Context(), "export cancelled by the client", "request_id", reqid.From(r.Context()), "path", r.URL.Path, "bytes", out.n)
		return
	}
	if out.n == 0 {
		w.Header().Del("Content-Disposition")
		x.refuse(w, r, err)
		return
	}
	x.log.ErrorContext(r.Context(), "export failed after it started", "request_id", reqid.From(r.Context()), "path", r.URL.Path, "bytes", out.n, "err", err)
	panic(http.ErrAbortHandler)
}

// countingWriter counts the bytes that reached the response.
type countingWriter struct {
	w http.ResponseWriter
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// refuse answers an export's error with its status, code and a message fit for a client,
// the message the error carries (problem.Message).
func (x *exporter) refuse(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, store.ErrInvalid), errors.Is(err, relay.ErrInvalidID):
		refuseCode(w, r, http.StatusBadRequest, problem.BadUserInput, problem.Message(err))
	case errors.Is(err, store.ErrNotFound):
		msg := "not found"
		if p, _ := problem.As(err); p.Err != nil {
			msg = p.Message
		}
		refuseCode(w, r, http.StatusNotFound, problem.NotFound, msg)
	case errors.Is(err, store.ErrUnavailable):
		refuseCode(w, r, http.StatusServiceUnavailable, problem.ServiceUnavailable, "the database is unavailable; try again shortly")
	default:
		id := reqid.From(r.Context())
		x.log.ErrorContext(r.Context(), "export failed", "request_id", id, "path", r.URL.Path, "err", err)
		refuseCode(w, r, http.StatusInternalServerError, problem.Internal, fmt.Sprintf("internal error (request id %s)", id))
	}
}

// eventParams are the query parameters of an events export: the events list's filter.
var eventParams = []string{"campaign", "kind", "status", "country", "organizer", "startsAfter", "startsBefore",
	"startsOnOrAfter", "startsOnOrBefore", "startsDuring", "upcoming"}

// eventFilter reads the events list's filter from query parameters: campaign (global ID or
// slug), kind and status (comma-separated or repeated), country (code, name or alias),
// organizer (global ID), startsAfter and startsBefore (RFC 3339), startsOnOrAfter,
// startsOnOrBefore and startsDuring (local dates: 2012, 2012-12, 2012-12-08) and upcoming
// (true or false). An unknown parameter is refused, so that a misspelt filter does not
// export everything.
func (x *exporter) eventFilter(ctx context.Context, q url.Values, viewer int64) (store.EventFilter, error) {
	f := store.EventFilter{Viewer: viewer}
	if err := onlyParams(q, eventParams); err != nil {
		return f, err
	}
	var err error
	if f.CampaignID, err = x.campaignParam(ctx, q, viewer); err != nil {
		return f, err
	}
	if f.Kinds, err = enumParam(q, "kind", eventKinds); err != nil {
		return f, err
	}
	if f.Statuses, err = enumParam(q, "status", eventStatuses); err != nil {
		return f, err
	}
	if v := q.Get("country"); v != "" {
		c, err := x.st.FindCountry(ctx, v)
		if err != nil {
			return f, err
		}
		f.CountryCode = c.Code
	}
	if v := q.Get("organizer"); v != "" {
		if f.OrganizerID, err = relay.DecodeInt(relay.TypeOrganization, v); err != nil {
			return f, err
		}
	}
	for _, p := range []struct {
		name string
		dst  **time.Time
	}{{"startsAfter", &f.StartsAfter}, {"startsBefore", &f.StartsBefore}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return f, problem.Wrap(store.ErrInvalid, "%s must be an RFC 3339 instant such as 2012-11-01T00:00:00Z", p.name)
			}
			*p.dst = &t
		}
	}
	if f.StartsAfter != nil && f.StartsBefore != nil && !f.StartsBefore.After(*f.StartsAfter) {
		return f, problem.Wrap(store.ErrInvalid, "startsBefore must be later than startsAfter")
	}
	var dates [3]*models.PartialDate
	for i, name := range []string{"startsOnOrAfter", "startsOnOrBefore", "startsDuring"} {
		if v := q.Get(name); v != "" {
			d, err := models.ParsePartialDate(v)
			if err != nil {
				return f, problem.Wrap(store.ErrInvalid, "%s must be a local date such as 2012-12-08, 2012-12 or 2012", name)
			}
			dates[i] = &d
		}
	}
	if err := f.LocalDates(dates[0], dates[1], dates[2]); err != nil {
		return f, err
	}
	if v := q.Get("upcoming"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil || (v != "true" && v != "false") {
			return f, problem.Wrap(store.ErrInvalid, "upcoming must be true or false")
		}
		f.Upcoming = &b
	}
	return f, nil
}

// indicatorFilter reads an indicators export's one parameter, campaign.
func (x *exporter) indicatorFilter(ctx context.Context, q url.Values, viewer int64) (int64, error) {
	if err := onlyParams(q, []string{"campaign"}); err != nil {
		return 0, err
	}
	return x.campaignParam(ctx, q, viewer)
}

// campaignParam reads the campaign parameter, a global ID or a slug, as one the caller may
// see: a campaign the caller may not see is refused as one that does not exist.
func (x *exporter) campaignParam(ctx context.Context, q url.Values, viewer int64) (int64, error) {
	v := q.Get("campaign")
	if v == "" {
		return 0, nil
	}
	var id int64
	slug := v
	if k, err := relay.DecodeInt(relay.TypeCampaign, v); err == nil {
		id, slug = k, ""
	}
	c, _, err := x.st.VisibleCampaign(ctx, viewer, id, slug)
	if errors.Is(err, store.ErrNotFound) {
		return 0, problem.Wrap(store.ErrInvalid, "no campaign you can read is %q", v)
	}
	return c, err
}

func onlyParams(q url.Values, allowed []string) error {
	for name := range q {
		if !slices.Contains(allowed, name) {
			return problem.Wrap(store.ErrInvalid, "unknown parameter %q; the parameters are %s", name, strings.Join(allowed, ", "))
		}
	}
	return nil
}

// enumParam reads a list parameter, comma-separated or repeated, of the allowed values.
func enumParam(q url.Values, name string, allowed []string) ([]string, error) {
	var out []string
	for _, v := range q[name] {
		for _, s := range strings.Split(v, ",") {
			s = strings.ToUpper(strings.TrimSpace(s))
			if !slices.Contains(allowed, s) {
				return nil, problem.Wrap(store.ErrInvalid, "%s must be among %s, not %q", name, strings.Join(allowed, ", "), s)
			}
			out = append(out, s)
		}
	}
	return out, nil
}
