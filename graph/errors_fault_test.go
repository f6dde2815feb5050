package graph_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"campaigns/graph"
	"campaigns/internal/store"
)

// TestFaultCodes holds the presenter to the codes that faults promise clients: an outage is
// SERVICE_UNAVAILABLE, a statement or request that ran too long is QUERY_TIMEOUT, and a
// client that went away is no internal error, whatever the driver said.
func TestFaultCodes(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	present := graph.ErrorPresenter(slog.New(slog.DiscardHandler))
	tests := []struct {
		name string
		ctx  context.Context
		err  error
		code string
	}{
		{"outage", context.Background(), fmt.Errorf("campaigns: %w", fmt.Errorf("%w: %w", store.ErrUnavailable, &pgconn.PgError{Code: "57P01"})), graph.CodeServiceUnavailable},
		{"statement timeout", context.Background(), fmt.Errorf("campaigns: %w", store.ErrTimeout), graph.CodeQueryTimeout},
		{"request deadline", context.Background(), fmt.Errorf("campaigns: %w", context.DeadlineExceeded), graph.CodeQueryTimeout},
		{"client gone, context error", cancelled, fmt.Errorf("campaigns: %w", context.Canceled), graph.CodeRequestCancelled},
		{"client gone, cancel request answered", cancelled, fmt.Errorf("campaigns: %w", store.ErrTimeout), graph.CodeRequestCancelled},
		{"client gone, transaction rolled back", cancelled, fmt.Errorf("createCampaign: %w", sql.ErrTxDone), graph.CodeRequestCancelled},
		{"anything else", context.Background(), errors.New("boom"), graph.CodeInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := present(tt.ctx, tt.err)
			if got.Extensions["code"] != tt.code {
				t.Errorf("code %v, want %s (message %q)", got.Extensions["code"], tt.code, got.Message)
			}
			if tt.code != graph.CodeInternal && strings.Contains(got.Message, "SQLSTATE") {
				t.Errorf("the message shows the driver's error: %q", got.Message)
			}
		})
	}
}
