package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"

	"github.com/google/go-cmp/cmp"
)

// checkFloor sends requests of every kind to the API (the first instance of -url) and runs them on the floor with the
// same parameters, and fails unless both give the same data: the floor must do the API's
// work, no less, for the ratio between them to mean anything.
func checkFloor(ctx context.Context, cfg config, p *params, out io.Writer) error {
	bad := 0
	for _, kind := range cfg.kinds {
		if kind == "mix" {
			continue
		}
		r := rand.New(rand.NewPCG(cfg.seed, 7))
		for i := range 5 {
			q := p.draw(kind, r)
			a, err := p.send(ctx, cfg.urls[0], q)
			if err != nil {
				return err
			}
			f, err := p.runFloor(ctx, q)
			if err != nil {
				return err
			}
			var api, floor any
			if err := json.Unmarshal(a.Data, &api); err != nil {
				return fmt.Errorf("%s: API data: %w", kind, err)
			}
			if err := json.Unmarshal(f.w.b, &floor); err != nil {
				return fmt.Errorf("%s: floor data is not JSON: %w\n%.500s", kind, err, f.w.b)
			}
			stmts := "?"
			if a.Extensions.SQLStatements != nil {
				stmts = fmt.Sprint(*a.Extensions.SQLStatements)
			}
			if diff := cmp.Diff(api, floor); diff != "" {
				bad++
				fmt.Fprintf(out, "%s #%d: the floor differs from the API (-API +floor):\n%.3000s\n", kind, i+1, diff)
				continue
			}
			fmt.Fprintf(out, "%s #%d: same data (%d bytes); statements: API %s, floor %d\n", kind, i+1, len(a.Data), stmts, f.stmts)
		}
	}
	if bad > 0 {
		return fmt.Errorf("%d requests differ", bad)
	}
	return nil
}
