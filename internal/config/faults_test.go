package config

import (
	"testing"
	"time"
)

func TestFaultSettings(t *testing.T) {
	tests := []struct {
		name      string
		env       map[string]string
		statement time.Duration
		delay     time.Duration
		bad       bool
	}{
		{name: "defaults", statement: 5 * time.Second},
		{name: "set", env: map[string]string{"STATEMENT_TIMEOUT": "250ms", "SHUTDOWN_DELAY": "10s"}, statement: 250 * time.Millisecond, delay: 10 * time.Second},
		{name: "no statement timeout", env: map[string]string{"STATEMENT_TIMEOUT": "0"}},
		{name: "statement timeout without a unit", env: map[string]string{"STATEMENT_TIMEOUT": "5"}, bad: true},
		{name: "negative delay", env: map[string]string{"SHUTDOWN_DELAY": "-1s"}, bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := loaded(t, tt.env, tt.bad)
			if !ok {
				return
			}
			if c.StatementTimeout != tt.statement || c.ShutdownDelay != tt.delay {
				t.Errorf("got StatementTimeout %s, ShutdownDelay %s; want %s, %s", c.StatementTimeout, c.ShutdownDelay, tt.statement, tt.delay)
			}
		})
	}
}
