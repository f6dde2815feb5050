package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"campaigns/internal/page"
	"campaigns/internal/relay"
)

// eventPublic is the API's condition for an event everyone may see (store.eventPublic).
const eventPublic = `(e.listed)`

// deepPage is the page of the events list that the deep kind reads, 20 events a page.
const deepPage = 10_000

// params are the values the requests draw from, read once from the database, and the
// connections both modes use.
type params struct {
	cfg  config
	pool *pgxpool.Pool
	http *http.Client

	campaignCursors []page.Cursor // positions in the campaign list by name
	eventIDs        []int64       // events everyone may see
	regionalIDs     []int64       // top-level youth networks
	campaignIDs     []int64       // campaigns everyone may see
	organizationIDs []int64
	networkIDs      []int64
	deepCursors     []page.Cursor // the positions just before pages deepPage to deepPage+9
}

// request is one request's parameters, as GraphQL variables and as the floor needs them.
type request struct {
	kind     string
	vars     map[string]any
	cursor   *page.Cursor
	id       int64
	country  string
	from, to time.Time
	nodes    []nodeRef
}

type nodeRef struct {
	typ string
	id  int64
}

var aseanCodes = []string{"BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"}

// mix is the share of each kind in the mixed run: a partner frontend mostly lists campaigns
// and opens events.
var mix = []struct {
	kind   string
	weight int
}{{"campaigns", 25}, {"event", 25}, {"networks", 10}, {"country", 15}, {"nodes", 15}, {"page1", 5}, {"deep", 5}}

// newHTTPClient returns the client of the API's requests: one kept-alive connection per
// client and instance, and gzip as cfg says.
func newHTTPClient(cfg config) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns: cfg.concurrency, MaxIdleConnsPerHost: cfg.concurrency, MaxConnsPerHost: cfg.concurrency,
			DisableCompression: !cfg.gzip, IdleConnTimeout: 90 * time.Second,
		},
	}
}

func prepare(ctx context.Context, cfg config) (*params, error) {
	pc, err := pgxpool.ParseConfig(cfg.db)
	if err != nil {
		return nil, err
	}
	pc.MaxConns = int32(cfg.floorConns)
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, err
	}
	p := &params{cfg: cfg, pool: pool, http: newHTTPClient(cfg)}
	ids := func(sql string, args ...any) ([]int64, error) {
		rows, err := pool.Query(ctx, sql, args...)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, pgx.RowTo[int64])
	}
	cursors := func(order, sql string, args ...any) ([]page.Cursor, error) {
		rows, err := pool.Query(ctx, sql, args...)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, func(row pgx.CollectableRow) (page.Cursor, error) {
			c := page.Cursor{Order: order}
			return c, row.Scan(&c.Value, &c.Key)
		})
	}
	steps := []struct {
		what string
		run  func() error
	}{
		{"campaign cursors", func() (err error) {
			p.campaignCursors, err = cursors("campaigns.NAME", `SELECT to_json(c.name)#>>'{}', c.id::text FROM campaigns c
				WHERE c.status <> 'DRAFT' ORDER BY c.name, c.id LIMIT 1000`)
			return err
		}},
		{"events", func() (err error) {
			p.eventIDs, err = ids(`SELECT e.id FROM events e TABLESAMPLE SYSTEM (2) REPEATABLE ($1) WHERE `+eventPublic+` ORDER BY e.id LIMIT 5000`, int64(cfg.seed))
			return err
		}},
		{"regional networks", func() (err error) {
			p.regionalIDs, err = ids(`SELECT id FROM youth_networks WHERE parent_id IS NULL ORDER BY id`)
			return err
		}},
		{"campaigns", func() (err error) {
			p.campaignIDs, err = ids(`SELECT id FROM campaigns WHERE status <> 'DRAFT' ORDER BY id`)
			return err
		}},
		{"organizations", func() (err error) {
			p.organizationIDs, err = ids(`SELECT id FROM organizations ORDER BY id`)
			return err
		}},
		{"networks", func() (err error) {
			p.networkIDs, err = ids(`SELECT id FROM youth_networks ORDER BY id`)
			return err
		}},
		{"deep cursors", func() (err error) {
			all, err := cursors("events.STARTS_AT", `SELECT to_json(e.start_key)#>>'{}', e.id::text FROM events e WHERE `+eventPublic+`
				ORDER BY e.start_key, e.id OFFSET $1 LIMIT 200`, (deepPage-1)*page.DefaultSize-1)
			for i := 0; i < len(all); i += page.DefaultSize {
				p.deepCursors = append(p.deepCursors, all[i])
			}
			return err
		}},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			pool.Close()
			return nil, fmt.Errorf("%s: %w", s.what, err)
		}
	}
	for _, l := range []struct {
		what string
		n    int
	}{{"campaign cursors", len(p.campaignCursors)}, {"events", len(p.eventIDs)}, {"regional networks", len(p.regionalIDs)},
		{"campaigns", len(p.campaignIDs)}, {"organizations", len(p.organizationIDs)}, {"networks", len(p.networkIDs)},
		{"deep cursors (is the database generated? go run . generate)", len(p.deepCursors)}} {
		if l.n == 0 {
			pool.Close()
			return nil, fmt.Errorf("the database has no %s to draw from", l.what)
		}
	}
	return p, nil
}

func (p *params) close() { p.pool.Close() }

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// draw returns the parameters of one request of kind; with -repeat, the same every time.
func (p *params) draw(kind string, r *rand.Rand) request {
	if p.cfg.repeat {
		r = rand.New(rand.NewPCG(p.cfg.seed, uint64(len(kind))))
	}
	if kind == "mix" {
		x := r.IntN(100)
		for _, m := range mix {
			if x < m.weight {
				kind = m.kind
				break
			}
			x -= m.weight
		}
	}
	q := request{kind: kind, vars: map[string]any{}}
	switch kind {
	case "campaigns":
		// Half the requests are the first page; the others a later page of the list.
		if r.IntN(2) == 1 {
			c := pick(r, p.campaignCursors)
			q.cursor = &c
			q.vars["after"] = c.Encode()
		}
	case "event":
		q.id = pick(r, p.eventIDs)
		q.vars["id"] = relay.EncodeInt(relay.TypeEvent, q.id)
	case "networks":
		q.id = pick(r, p.regionalIDs)
		q.vars["id"] = relay.EncodeInt(relay.TypeYouthNetwork, q.id)
	case "country":
		q.country = pick(r, aseanCodes)
		q.from = time.Date(2008, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(6200))
		q.to = q.from.AddDate(0, 0, 90)
		q.vars["country"], q.vars["from"], q.vars["to"] = q.country, q.from.Format(time.RFC3339), q.to.Format(time.RFC3339)
	case "nodes":
		for _, n := range []struct {
			typ   string
			from  []int64
			count int
		}{{relay.TypeEvent, p.eventIDs, 4}, {relay.TypeCampaign, p.campaignIDs, 2},
			{relay.TypeOrganization, p.organizationIDs, 2}, {relay.TypeYouthNetwork, p.networkIDs, 2}} {
			for range n.count {
				q.nodes = append(q.nodes, nodeRef{n.typ, pick(r, n.from)})
			}
		}
		r.Shuffle(len(q.nodes), func(i, j int) { q.nodes[i], q.nodes[j] = q.nodes[j], q.nodes[i] })
		ids := make([]string, len(q.nodes))
		for i, n := range q.nodes {
			ids[i] = relay.EncodeInt(n.typ, n.id)
		}
		q.vars["ids"] = ids
	case "deep":
		c := pick(r, p.deepCursors)
		q.cursor = &c
		q.vars["after"] = c.Encode()
	}
	return q
}
