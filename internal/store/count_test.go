package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.opentelemetry.io/otel/attribute"
	otelcodes "go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"campaigns/internal/dbtest"
	"campaigns/internal/metrics"
	"campaigns/internal/store"
	"campaigns/models"
)

// TestStatementsAreCountedTimedAndTraced runs statements through a store with a tracer and
// checks the three things the tracer does: the context's count, the metrics by bounded
// verb, and a span per statement under a sampled span, with the text and never the values.
func TestStatementsAreCountedTimedAndTraced(t *testing.T) {
	t.Parallel()
	_, url := dbtest.NewWithURL(t)
	ctx := context.Background()
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	st, err := store.Open(ctx, url, store.Options{MaxOpenConns: 2, TracerProvider: tp})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })

	if n := store.StatementCount(ctx); n != 0 {
		t.Errorf("StatementCount without a counter = %d", n)
	}
	counted := store.WithStatementCounter(ctx)
	if _, err := st.CampaignsByID(counted, []int64{1, 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SeedOnce(counted, "count", func(w *store.Writer) error {
		return w.Insert(&models.Country{Code: "MM", Name: "Myanmar"})
	}); err != nil {
		t.Fatal(err)
	}
	// One SELECT, then BEGIN, the version's INSERT, the country's INSERT and COMMIT.
	if n := store.StatementCount(counted); n != 5 {
		t.Errorf("StatementCount = %d, want 5", n)
	}

	selects := testutil.CollectAndCount(metrics.Statements)
	failed := testutil.ToFloat64(metrics.StatementErrors.WithLabelValues("OTHER"))
	if err := st.VacuumAnalyze(ctx, "no_such_table"); err == nil {
		t.Fatal("VACUUM of a missing table succeeded")
	}
	if got := testutil.ToFloat64(metrics.StatementErrors.WithLabelValues("OTHER")) - failed; got < 1 {
		t.Errorf("a failed VACUUM counted %v errors under OTHER, want at least 1", got)
	}
	if selects == 0 {
		t.Error("no statement durations were recorded")
	}

	parent, span := tp.Tracer("test").Start(ctx, "operation")
	secret := "personal-data-" + t.Name()
	if _, err := st.CampaignBySlug(parent, secret); err == nil {
		t.Fatal("a campaign with a made-up slug exists")
	}
	span.End()
	var found bool
	for _, s := range spans.Ended() {
		if s.Parent().SpanID() != span.SpanContext().SpanID() {
			continue
		}
		found = true
		attrs := map[attribute.Key]string{}
		for _, a := range s.Attributes() {
			attrs[a.Key] = a.Value.String()
		}
		if s.Name() != "SELECT" || attrs["db.operation.name"] != "SELECT" || attrs["db.system.name"] != "postgresql" ||
			!strings.Contains(attrs["db.query.text"], "campaigns") || s.Status().Code == otelcodes.Error {
			t.Errorf("span %s %+v, status %v", s.Name(), attrs, s.Status())
		}
		for _, v := range attrs {
			if strings.Contains(v, secret) {
				t.Errorf("a span carries the statement's argument: %q", v)
			}
		}
	}
	if !found {
		t.Error("no span under the sampled operation")
	}
	for _, s := range spans.Ended() {
		if s.Parent().SpanID().IsValid() || s.Name() == "operation" {
			continue
		}
		t.Errorf("a statement outside any sampled span made a root span %q", s.Name())
		break
	}
}
