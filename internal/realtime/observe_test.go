package realtime_test

import (
	"fmt"
	"testing"
	"time"

	"campaigns/internal/realtime"
	"campaigns/internal/store"
)

// TestOnChangeSeesEveryChange: an observer is told of every change, whoever may read it (a
// draft's, which no anonymous subscriber may), and of no write that rolled back.
func TestOnChangeSeesEveryChange(t *testing.T) {
	w := newWorld(t)
	in := startInstance(t, w.st, realtime.Options{})
	seen := make(chan store.Notice, 256) // OnChange must not block
	in.broker.OnChange(func(n store.Notice) { seen <- n })
	w.exec(t, false, fmt.Sprintf(`UPDATE organizations SET name = 'Rolled back' WHERE id = %d`, w.org.ID))
	w.exec(t, true, fmt.Sprintf(`UPDATE campaigns SET status = 'DRAFT' WHERE id = %d`, w.campaign.ID))
	// The draft's events leave the public's sight too, and may be told first.
	for {
		select {
		case n := <-seen:
			if n.Type == "Organization" {
				t.Fatalf("told of the organization's rolled-back change: %+v", n)
			}
			if n.Type == "Campaign" && n.ID == w.campaign.ID {
				return
			}
		case <-time.After(wait):
			t.Fatal("the observer was not told of the campaign's change")
		}
	}
}
