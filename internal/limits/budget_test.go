package limits

import (
	"fmt"
	"testing"
	"time"
)

func TestBudgets(t *testing.T) {
	t.Parallel()
	start := time.Date(2012, 11, 20, 9, 0, 0, 0, time.UTC)
	// 600 points a minute: 10 a second.
	type step struct {
		at        time.Duration // after start
		key       string
		charge    int
		allowed   bool
		remaining int
		retry     time.Duration // when refused
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"a new client has the whole budget", []step{
			{0, "a", 100, true, 500, 0},
			{0, "a", 500, true, 0, 0},
		}},
		{"a charge over what remains is refused and spends nothing", []step{
			{0, "a", 550, true, 50, 0},
			{0, "a", 100, false, 50, 5 * time.Second},
			{0, "a", 50, true, 0, 0},
		}},
		{"the budget refills over the window", []step{
			{0, "a", 600, true, 0, 0},
			{0, "a", 1, false, 0, 100 * time.Millisecond},
			{3 * time.Second, "a", 30, true, 0, 0},
			{time.Minute + 3*time.Second, "a", 0, true, 600, 0},
		}},
		{"clients have separate budgets", []step{
			{0, "a", 600, true, 0, 0},
			{0, "b", 1, true, 599, 0},
			{0, "a", 1, false, 0, 100 * time.Millisecond},
		}},
		{"more than the whole budget is never allowed", []step{
			{0, "a", 601, false, 600, time.Minute},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBudgets(600, time.Minute)
			for i, s := range tt.steps {
				now := start.Add(s.at)
				d := b.Charge(s.key, s.charge, now)
				if d.Allowed != s.allowed || d.Remaining != s.remaining || d.Limit != 600 {
					t.Fatalf("step %d: %+v; want allowed %t, remaining %d of 600", i, d, s.allowed, s.remaining)
				}
				if !s.allowed && d.RetryAfter != s.retry {
					t.Errorf("step %d: retry after %s, want %s", i, d.RetryAfter, s.retry)
				}
				wantReset := now.Add(time.Duration(600-d.Remaining) * time.Minute / 600)
				if diff := d.ResetAt.Sub(wantReset); diff < -time.Second || diff > time.Second {
					t.Errorf("step %d: resets at %s, want about %s", i, d.ResetAt, wantReset)
				}
			}
		})
	}
}

// TestBudgetsForgetIdleClients: a budget that has refilled is dropped at the next sweep, so
// the budgets of a million passing addresses do not stay in memory.
func TestBudgetsForgetIdleClients(t *testing.T) {
	t.Parallel()
	start := time.Date(2012, 11, 20, 9, 0, 0, 0, time.UTC)
	b := NewBudgets(100, time.Minute)
	for i := range 50 {
		b.Charge(fmt.Sprint("idle", i), 10, start)
	}
	b.Charge("busy", 100, start.Add(30*time.Second))
	if n := b.Len(); n != 51 {
		t.Fatalf("%d budgets before the sweep, want 51", n)
	}
	// A window on, the idle budgets are full again; the busy one is not.
	b.Charge("busy", 10, start.Add(61*time.Second))
	if n := b.Len(); n != 1 {
		t.Errorf("%d budgets after the sweep, want 1 (the busy client)", n)
	}
}

// TestBudgetsOverflow: past maxBudgets clients (1,000 here), new ones share one budget rather than
// growing the memory without bound.
func TestBudgetsOverflow(t *testing.T) {
	t.Parallel()
	now := time.Date(2012, 11, 20, 9, 0, 0, 0, time.UTC)
	b := NewBudgets(10, time.Minute)
	b.most = 1000
	for i := range b.most {
		b.Charge(fmt.Sprint("client", i), 1, now)
	}
	if d := b.Charge("newcomer-1", 10, now); !d.Allowed {
		t.Fatalf("the first newcomer past the bound was refused: %+v", d)
	}
	if d := b.Charge("newcomer-2", 1, now); d.Allowed {
		t.Errorf("a second newcomer got a budget of its own: %+v", d)
	}
	if n := b.Len(); n != b.most+1 {
		t.Errorf("%d budgets, want %d", n, b.most+1)
	}
	// A known client keeps its own budget.
	if d := b.Charge("client7", 9, now); !d.Allowed {
		t.Errorf("a known client lost its budget: %+v", d)
	}
}
