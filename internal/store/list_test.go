package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/page"
	"campaigns/internal/store"
	"campaigns/models"
)

// TestKeysetPagesWalkTheWholeList pages through a list forwards and backwards, in both
// directions of an order with ties and missing values, and checks every walk sees each row
// once in the order of one statement over the whole list.
func TestKeysetPagesWalkTheWholeList(t *testing.T) {
	t.Parallel()
	w := newOwnCampaignWorld(t)
	ctx := context.Background()
	starts := []*models.PartialDate{
		{Date: day(2013, 1, 1), Precision: models.PrecisionYear}, nil,
		{Date: day(2012, 11, 19), Precision: models.PrecisionDay}, {Date: day(2013, 1, 1), Precision: models.PrecisionYear},
		nil, {Date: day(2012, 1, 1), Precision: models.PrecisionYear},
	}
	for i, s := range starts {
		slug := string(rune('a' + i))
		must(t, w.st, w.owner, func(tx *store.Tx) (*models.Campaign, error) {
			return tx.CreateCampaign(store.CampaignInput{Slug: &slug, Name: ptr("same name"), StartsOn: store.Opt[models.PartialDate]{Set: true, Value: s}})
		})
	}
	f := store.CampaignFilter{Viewer: w.owner.OrgID}
	all := func(o store.Order) []string {
		t.Helper()
		p, err := w.st.Campaigns(ctx, f, o, pageOf(100))
		if err != nil {
			t.Fatal(err)
		}
		return slugsOf(p.Items)
	}
	walk := func(o store.Order, backward bool) []string {
		t.Helper()
		var out []string
		var from *page.Cursor
		for i := 0; i < 10; i++ {
			p, err := w.st.Campaigns(ctx, f, o, page.Request{Size: 2, Backward: backward, From: from})
			if err != nil {
				t.Fatal(err)
			}
			more := p.HasNextPage
			if backward {
				more = p.HasPreviousPage
				out = append(slugsOf(p.Items), out...)
			} else {
				out = append(out, slugsOf(p.Items)...)
			}
			if !more {
				return out
			}
			edge := p.Cursor(len(p.Positions) - 1)
			if backward {
				edge = p.Cursor(0)
			}
			c, err := page.DecodeCursor(edge, o.Token(store.ListCampaigns))
			if err != nil {
				t.Fatal(err)
			}
			from = &c
		}
		t.Fatalf("%+v: more than ten pages of two", o)
		return nil
	}
	for _, tc := range []struct {
		o    store.Order
		want []string
	}{
		// Undated campaigns come last both ways; ties go by ID in the order's direction.
		{store.Order{Field: "STARTS_ON"}, []string{"f", "c", "a", "d", "b", "e"}},
		{store.Order{Field: "STARTS_ON", Desc: true}, []string{"d", "a", "c", "f", "e", "b"}},
		{store.Order{Field: "NAME"}, []string{"a", "b", "c", "d", "e", "f"}},
		{store.Order{Field: "NAME", Desc: true}, []string{"f", "e", "d", "c", "b", "a"}},
	} {
		if d := cmp.Diff(tc.want, all(tc.o)); d != "" {
			t.Errorf("%+v in one page (-want +got):\n%s", tc.o, d)
		}
		if d := cmp.Diff(tc.want, walk(tc.o, false)); d != "" {
			t.Errorf("%+v forwards by two (-want +got):\n%s", tc.o, d)
		}
		if d := cmp.Diff(tc.want, walk(tc.o, true)); d != "" {
			t.Errorf("%+v backwards by two (-want +got):\n%s", tc.o, d)
		}
	}
	if p, err := w.st.Campaigns(ctx, f, store.Order{Field: "NAME"}, pageOf(0)); err != nil || len(p.Items) != 0 || !p.HasNextPage {
		t.Errorf("a page of none: %d items, next %t, %v", len(p.Items), p.HasNextPage, err)
	}
	for _, tc := range []struct {
		name string
		o    store.Order
		from page.Cursor
		want error
	}{
		{"an order the list has not", store.Order{Field: "SLUG"}, page.Cursor{Key: "1"}, store.ErrInvalid},
		{"a date that is no date", store.Order{Field: "STARTS_ON"}, page.Cursor{Value: "2013-13-45", Key: "1"}, page.ErrInvalid},
		{"a key that is no ID", store.Order{Field: "NAME"}, page.Cursor{Value: "x", Key: "1; DROP TABLE campaigns"}, page.ErrInvalid},
		{"a NUL in the value", store.Order{Field: "NAME"}, page.Cursor{Value: "x\x00", Key: "1"}, page.ErrInvalid},
		{"a time that is no time", store.Order{Field: "CREATED_AT"}, page.Cursor{Value: "yesterday", Key: "1"}, page.ErrInvalid},
	} {
		from := tc.from
		if _, err := w.st.Campaigns(ctx, f, tc.o, page.Request{Size: 2, From: &from}); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

func slugsOf(cs []*models.Campaign) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Slug)
	}
	return out
}
