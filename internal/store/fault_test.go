package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// TestFaultClassifiesEveryShapeOfAnOutage lists the errors a database restart or crash gives,
// as the restart test in internal/faulttest meets them, and the errors that must not be
// mistaken for an outage.
func TestFaultClassifiesEveryShapeOfAnOutage(t *testing.T) {
	pg := func(code string) error { return &pgconn.PgError{Severity: "FATAL", Code: code, Message: "m"} }
	tests := []struct {
		name string
		err  error
		want error // ErrUnavailable, ErrTimeout, or nil for no fault
	}{
		{"refused dial", &pgconn.ConnectError{Config: &pgconn.Config{}}, ErrUnavailable},
		{"connection failure (08006)", pg("08006"), ErrUnavailable},
		{"admin shutdown (57P01)", pg("57P01"), ErrUnavailable},
		{"crash shutdown (57P02)", pg("57P02"), ErrUnavailable},
		{"starting up or shutting down (57P03)", pg("57P03"), ErrUnavailable},
		{"too many connections (53300)", pg("53300"), ErrUnavailable},
		{"conn closed", fmt.Errorf("query: %w", pgconn.ErrConnClosed), ErrUnavailable},
		{"bad connection", driver.ErrBadConn, ErrUnavailable},
		{"connection done", sql.ErrConnDone, ErrUnavailable},
		{"unexpected EOF", fmt.Errorf("receive message: %w", io.ErrUnexpectedEOF), ErrUnavailable},
		{"EOF", io.EOF, ErrUnavailable},
		{"reset", &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}, ErrUnavailable},
		{"already classified", fmt.Errorf("campaigns: %w", fmt.Errorf("%w: x", ErrUnavailable)), ErrUnavailable},
		{"statement timeout (57014)", pg("57014"), ErrTimeout},
		{"client went away", context.Canceled, nil},
		{"dial given up by the client", fmt.Errorf("connect: %w", context.Canceled), nil},
		{"request deadline", context.DeadlineExceeded, nil},
		{"unique violation", pg("23505"), nil},
		{"data exception", pg("22P02"), nil},
		{"not found", gorm.ErrRecordNotFound, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fault(tt.err)
			switch {
			case tt.want == nil && got != nil:
				t.Errorf("fault(%v) = %v, want no fault", tt.err, got)
			case tt.want != nil && !errors.Is(got, tt.want):
				t.Errorf("fault(%v) = %v, want %v", tt.err, got, tt.want)
			case tt.want != nil && !errors.Is(got, tt.err):
				t.Errorf("fault(%v) = %v lost the driver's error", tt.err, got)
			}
			// GORM passes every statement's error through the dialector.
			if tt.want != nil && !errors.Is((dialector{}).Translate(tt.err), tt.want) {
				t.Errorf("the dialector does not translate %v to %v", tt.err, tt.want)
			}
		})
	}
}
