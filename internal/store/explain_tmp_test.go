package store

import (
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
)

func TestTmpPrintQuery(t *testing.T) {
	q := SyncQuery{Snapshot: math.MaxUint64, Limit: 500, Scope: SyncScope{Country: os.Getenv("C")}}
	if k := os.Getenv("K"); k != "" {
		fmt.Sscan(k, &q.Scope.CampaignID)
	}
	if os.Getenv("AFTER") != "" {
		fmt.Sscanf(os.Getenv("AFTER"), "%d/%d", &q.After.XID, &q.After.Seq)
		q.Snapshot = 0
	}
	c := changesQuery(q, DefaultSyncBudget)
	s := numbered(c.sql)
	for i := len(c.args) - 1; i >= 0; i-- {
		v := fmt.Sprint(c.args[i])
		switch a := c.args[i].(type) {
		case string:
			v = "'" + a + "'"
		}
		s = strings.ReplaceAll(s, fmt.Sprintf("$%d", i+1), v)
	}
	os.WriteFile("/tmp/i14sync-q.sql", []byte(s), 0o644)
}
