package api_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/store"
	"campaigns/models"
)

// get sends a GET through the real handler with an optional key and headers.
func (w *reachWorld) get(t *testing.T, path, key string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	w.c.Handler.ServeHTTP(rec, req)
	return rec
}

// readCSV parses an export back, failing the test on anything encoding/csv refuses.
func readCSV(t *testing.T, body []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("parse CSV: %v\n%s", err, body)
	}
	return rows
}

// column returns the values of the named column of a parsed CSV, header excluded.
func column(t *testing.T, rows [][]string, name string, skip int) []string {
	t.Helper()
	i := slices.Index(rows[0], name)
	if i < 0 {
		t.Fatalf("no column %s in %v", name, rows[0])
	}
	var out []string
	for _, r := range rows[1+skip:] {
		out = append(out, r[i])
	}
	return out
}

// addExportEvents adds events that test the formats: a title a spreadsheet would run as a
// formula, a long Burmese title, and one known only to the day.
func (w *reachWorld) addExportEvents(t *testing.T) {
	t.Helper()
	s := func(v string) *string { return &v }
	_, err := w.st.SeedOnce(context.Background(), "export-events", func(wr *store.Writer) error {
		return wr.Insert(
			&models.Event{CampaignID: w.public.ID, Title: "=HYPERLINK(\"http://evil\")", Kind: "OUTREACH", Status: "SCHEDULED", Visibility: "PUBLIC",
				StartBound: time.Date(2013, 5, 1, 3, 0, 0, 0, time.UTC), DatePrecision: "MINUTE", TimeZone: s("Asia/Bangkok"), OrganizerID: w.ownerID},
			&models.Event{CampaignID: w.public.ID, Title: strings.Repeat("လူကုန်ကူးမှု ဆန့်ကျင်ရေး ဂီတပွဲ၊ ", 4), Kind: "CONCERT", Status: "POSTPONED",
				Visibility: "PUBLIC", StartBound: time.Date(2013, 6, 14, 17, 30, 0, 0, time.UTC), DatePrecision: "DAY", TimeZone: s("Asia/Yangon"),
				OrganizerID: w.ownerID, Summary: s("Songs; stories, and a line\nbreak"), CountryCode: s("MM")},
		)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestExportAccessRules checks that each caller exports exactly the events the API lists
// for it: anonymous the published public ones, a key also its organization's drafts and
// partner-only events, another organization's key nothing more than the public.
func TestExportAccessRules(t *testing.T) {
	t.Parallel()
	w := newReachWorld(t)
	for _, tc := range []struct {
		name, key string
		want      int
	}{{"anonymous", "", 7}, {"owner", w.owner, 10}, {"other organization", w.other, 7}} {
		t.Run(tc.name, func(t *testing.T) {
			rec := w.get(t, "/export/events.csv", tc.key)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			titles := column(t, readCSV(t, rec.Body.Bytes()), "title", 0)
			c := w.c
			if tc.key != "" {
				c = c.As(tc.key)
			}
			var api struct {
				Events struct{ Nodes []struct{ Title string } }
			}
			c.Query(t, `{ events(first: 100) { nodes { title } } }`, nil).MustData(t, &api)
			var listed []string
			for _, n := range api.Events.Nodes {
				listed = append(listed, n.Title)
			}
			if diff := cmp.Diff(listed, titles); diff != "" {
				t.Errorf("export differs from the events list (-list +export):\n%s", diff)
			}
			if len(titles) != tc.want {
				t.Errorf("%d events exported, want %d", len(titles), tc.want)
			}
		})
	}

	t.Run("indicators of a draft campaign", func(t *testing.T) {
		for _, c := range []*models.Campaign{w.public, w.draft} {
			mustMutate(t, w.c.As(w.owner), recordIATI, map[string]any{"c": c.GlobalID(), "code": "reach", "name": "Reach of " + c.Slug, "unit": "PEOPLE"}, new(json.RawMessage))
		}
		for key, want := range map[string][]string{"": {"public"}, w.owner: {"public", "draft"}, w.other: {"public"}} {
			rows := readCSV(t, w.get(t, "/export/indicators.csv", key).Body.Bytes())
			if diff := cmp.Diff(want, column(t, rows, "campaign", 0)); diff != "" {
				t.Errorf("campaigns of indicators exported (-want +got):\n%s", diff)
			}
		}
	})

	t.Run("refused keys", func(t *testing.T) {
		rec := w.get(t, "/export/events.csv", "cpk_"+strings.Repeat("A", 43))
		if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "UNAUTHENTICATED") {
			t.Errorf("unknown key: %d %s", rec.Code, rec.Body)
		}
	})
}

// TestExportFormats parses each format back and checks its shape: CSV with its header, HXL
// with its hashtag row, JSON Lines with typed values, gzip when asked, and the filters.
func TestExportFormats(t *testing.T) {
	t.Parallel()
	w := newReachWorld(t)
	w.addExportEvents(t)

	rec := w.get(t, "/export/events.csv?country=Burma", "")
	if ct := rec.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	rows := readCSV(t, rec.Body.Bytes())
	if diff := cmp.Diff([]string{"yangon-new-year", strings.Repeat("လူကုန်ကူးမှု ဆန့်ကျင်ရေး ဂီတပွဲ၊ ", 4)}, column(t, rows, "title", 0)); diff != "" {
		t.Errorf("titles in Burma (-want +got):\n%s", diff)
	}
	if got := column(t, rows, "starts_at", 0); got[0] != "2013-01-01T00:30:00+06:30" || got[1] != "" {
		t.Errorf("starts_at = %q, want the local time in Yangon, and none for a day", got)
	}
	if got := column(t, rows, "starts_on", 0); got[1] != "2013-06-15" {
		t.Errorf("starts_on of the day-precision event = %q, want its local day", got[1])
	}

	all := readCSV(t, w.get(t, "/export/events.csv?kind=outreach", "").Body.Bytes())
	if !slices.Contains(column(t, all, "title", 0), `'=HYPERLINK("http://evil")`) {
		t.Errorf("a formula title is not defused: %q", column(t, all, "title", 0))
	}

	hxl := readCSV(t, w.get(t, "/export/events.hxl.csv?kind=CONCERT,TRAINING&startsAfter=2013-01-01T00:00:00Z", "").Body.Bytes())
	for _, tag := range []string{"#event+id", "#event+name", "#country+code", "#date+start", "#reached+attendance", "#org+name", "#geo+lat"} {
		if !slices.Contains(hxl[1], tag) {
			t.Errorf("HXL hashtag row lacks %s: %v", tag, hxl[1])
		}
	}
	if len(hxl[0]) != len(hxl[1]) || len(hxl) != 2+3 {
		t.Errorf("HXL: %d headers, %d tags, %d rows; want equal counts and 3 rows (centre-late, north30, the Burmese concert)", len(hxl[0]), len(hxl[1]), len(hxl)-2)
	}

	rec = w.get(t, "/export/events.jsonl?country=MM", "", "Accept-Encoding", "gzip")
	if rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("not gzipped: %v", rec.Header())
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(body), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d JSON lines, want 2:\n%s", len(lines), body)
	}
	var first map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatalf("line 1: %v", err)
	}
	if first["attendance"] != float64(50000) || first["media_reach"] != float64(2000000) || first["country"] != "MM" ||
		first["latitude"] != 16.7765 || first["date_qualifier"] != nil {
		t.Errorf("first line = %v", first)
	}

	for _, path := range []string{
		"/export/events.csv?kind=PARTY", "/export/events.csv?coutry=MM", "/export/events.csv?country=Atlantis",
		"/export/events.csv?startsAfter=yesterday", "/export/events.csv?startsAfter=2013-01-01T00:00:00Z&startsBefore=2012-01-01T00:00:00Z",
		"/export/events.csv?campaign=draft", "/export/events.csv?organizer=nonsense", "/export/indicators.csv?kind=CONCERT",
	} {
		rec := w.get(t, path, "")
		var res struct {
			Errors []struct {
				Message    string
				Extensions struct{ Code, RequestID string }
			}
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || rec.Code != http.StatusBadRequest || len(res.Errors) != 1 ||
			res.Errors[0].Extensions.Code != "BAD_USER_INPUT" || res.Errors[0].Message == "" || res.Errors[0].Extensions.RequestID == "" {
			t.Errorf("%s: %d %s", path, rec.Code, rec.Body)
		}
	}
	if rec := w.get(t, "/export/events.csv?campaign=draft", w.owner); rec.Code != http.StatusOK || len(readCSV(t, rec.Body.Bytes())) != 1+1 {
		t.Errorf("the owner's draft campaign: %d %s", rec.Code, rec.Body)
	}
	if rec := w.get(t, "/export/events.xlsx", ""); rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "NOT_FOUND") {
		t.Errorf("unknown export: %d %s", rec.Code, rec.Body)
	}
}

// TestExportIndicators checks the IATI-shaped rows: one per period, then one per breakdown
// carrying only its own value.
func TestExportIndicators(t *testing.T) {
	t.Parallel()
	w := newReachWorld(t)
	var result struct{ ID string }
	mustMutate(t, w.c.As(w.owner), createResult, map[string]any{"c": w.public.GlobalID(), "title": "Aware", "type": "OUTCOME"}, &result)
	mustMutate(t, w.c.As(w.owner), recordIATI, map[string]any{"c": w.public.GlobalID(), "code": "aware", "name": "Aware", "unit": "PEOPLE",
		"result": result.ID, "baselineYear": 2012, "baselineValue": 10,
		"breakdowns": []map[string]any{{"kind": "ACTUAL", "sex": "FEMALE", "value": 700}, {"kind": "TARGET", "country": "MM", "value": 400}}}, new(json.RawMessage))
	rows := readCSV(t, w.get(t, "/export/indicators.hxl.csv", "").Body.Bytes())
	pick := func(names ...string) [][]string {
		var out [][]string
		for _, r := range rows[2:] {
			var row []string
			for _, n := range names {
				row = append(row, r[slices.Index(rows[0], n)])
			}
			out = append(out, row)
		}
		return out
	}
	want := [][]string{
		{"OUTCOME", "aware", "2012", "10", "2013", "", "", "1000", "1200"},
		{"OUTCOME", "aware", "2012", "10", "2013", "MM", "", "400", ""},
		{"OUTCOME", "aware", "2012", "10", "2013", "", "FEMALE", "", "700"},
	}
	if diff := cmp.Diff(want, pick("result_type", "indicator_code", "baseline_year", "baseline_value", "period_start", "country", "sex", "target", "actual")); diff != "" {
		t.Errorf("indicator rows (-want +got):\n%s", diff)
	}
	if rows[1][0] != "#activity+code" || !slices.Contains(rows[1], "#indicator+num+actual") {
		t.Errorf("hashtags: %v", rows[1])
	}
}

// icsLines checks RFC 5545's form of a calendar (CRLF endings, lines of at most 75 octets,
// no character split across a fold) and returns its unfolded content lines.
func icsLines(t *testing.T, body string) []string {
	t.Helper()
	if !strings.HasSuffix(body, "\r\n") || strings.Contains(strings.ReplaceAll(body, "\r\n", ""), "\n") {
		t.Fatalf("not CRLF line endings:\n%q", body)
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Errorf("line of %d octets: %q", len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("a fold splits a character: %q", l)
		}
		if strings.HasPrefix(l, " ") {
			out[len(out)-1] += l[1:]
			continue
		}
		out = append(out, l)
	}
	return out
}

// icsEvents returns each VEVENT's properties by name with parameters, e.g. "DTSTART;TZID=Asia/Yangon".
func icsEvents(lines []string) []map[string]string {
	var out []map[string]string
	var cur map[string]string
	for _, l := range lines {
		switch l {
		case "BEGIN:VEVENT":
			cur = map[string]string{}
		case "END:VEVENT":
			out = append(out, cur)
			cur = nil
		default:
			if cur != nil {
				k, v, _ := strings.Cut(l, ":")
				cur[k] = v
			}
		}
	}
	return out
}

// TestCalendar checks the iCalendar feed: its form, the public events only, local times
// with TZID and a VTIMEZONE for Asia/Bangkok (+07:00) and Asia/Yangon (+06:30), UTC where
// the zone is UTC, all-day dates for a day-precision event, and escaped, folded texts.
func TestCalendar(t *testing.T) {
	t.Parallel()
	w := newReachWorld(t)
	w.addExportEvents(t)
	rec := w.get(t, "/calendar/campaigns/public.ics", w.owner)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/calendar; charset=utf-8" {
		t.Fatalf("%d %v", rec.Code, rec.Header())
	}
	lines := icsLines(t, rec.Body.String())
	if lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-1] != "END:VCALENDAR" || !slices.Contains(lines, "VERSION:2.0") {
		t.Errorf("calendar envelope: %q … %q", lines[0], lines[len(lines)-1])
	}
	if !slices.Contains(lines, "X-WR-CALNAME:"+w.public.Name) {
		t.Errorf("the calendar is not named after its campaign %q: %q", w.public.Name, lines[:8])
	}
	tz := strings.Join(lines, "\n")
	for _, want := range []string{
		"BEGIN:VTIMEZONE\nTZID:Asia/Bangkok\nBEGIN:STANDARD\nDTSTART:20110101T000000\nTZOFFSETFROM:+0700\nTZOFFSETTO:+0700\n",
		"BEGIN:VTIMEZONE\nTZID:Asia/Yangon\nBEGIN:STANDARD\nDTSTART:20120101T000000\nTZOFFSETFROM:+0630\nTZOFFSETTO:+0630\n",
	} {
		if !strings.Contains(tz, want) {
			t.Errorf("no VTIMEZONE like\n%s\nin\n%s", want, tz)
		}
	}
	if strings.Count(tz, "BEGIN:VTIMEZONE") != 2 {
		t.Errorf("want two VTIMEZONEs (UTC needs none):\n%s", tz)
	}
	byTitle := map[string]map[string]string{}
	for _, e := range icsEvents(lines) {
		byTitle[e["SUMMARY"]] = e
	}
	// The owner's key changes nothing: a feed holds the public events only.
	if len(byTitle) != 9 {
		t.Errorf("%d events, want the 9 public ones: %v", len(byTitle), slices.Sorted(func(yield func(string) bool) {
			for k := range byTitle {
				if !yield(k) {
					return
				}
			}
		}))
	}
	for title, want := range map[string]map[string]string{
		"yangon-new-year": {"DTSTART;TZID=Asia/Yangon": "20130101T003000", "GEO": "16.776500;96.158800",
			"LOCATION": `People's Square\, Yangon\, Myanmar`, "STATUS": "CONFIRMED"},
		"centre-early": {"DTSTART;TZID=Asia/Bangkok": "20121119T190000", "CATEGORIES": "CONCERT"},
		"online":       {"DTSTART": "20130401T120000Z"},
		strings.Repeat("လူကုန်ကူးမှု ဆန့်ကျင်ရေး ဂီတပွဲ၊ ", 4): {"DTSTART;VALUE=DATE": "20130615", "DTEND;VALUE=DATE": "20130616",
			"DESCRIPTION": `Songs\; stories\, and a line\nbreak`, "STATUS": "TENTATIVE"},
	} {
		got, ok := byTitle[title]
		if !ok {
			t.Errorf("no event %q", title)
			continue
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s = %q, want %q", title, k, got[k], v)
			}
		}
		if got["UID"] == "" || got["DTSTAMP"] == "" {
			t.Errorf("%s: no UID or DTSTAMP: %v", title, got)
		}
	}
	if _, ok := byTitle["centre-partners"]; ok {
		t.Error("a partner-only event is in the public feed")
	}

	byID := w.get(t, "/calendar/campaigns/"+w.public.GlobalID()+".ics", "")
	if byID.Code != http.StatusOK || len(icsEvents(icsLines(t, byID.Body.String()))) != 9 {
		t.Errorf("by global ID: %d", byID.Code)
	}
	for _, path := range []string{"/calendar/campaigns/draft.ics", "/calendar/campaigns/nothing.ics", "/calendar/campaigns/public"} {
		if rec := w.get(t, path, w.owner); rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), `"NOT_FOUND"`) {
			t.Errorf("%s: %d %s", path, rec.Code, rec.Body)
		}
	}
}
