package page

import "testing"

// The cursors of every edge of every page are encoded, and every `after` is decoded: these
// run once per list item, so their cost multiplies with page sizes.

var benchCursor = Cursor{Order: "events.STARTS_AT", Value: "2013-04-02T11:00:00+00:00", Key: "61681"}

func BenchmarkCursorEncode(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = benchCursor.Encode()
	}
}

func BenchmarkCursorDecode(b *testing.B) {
	s := benchCursor.Encode()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeCursor(s, benchCursor.Order); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkArgsValidate(b *testing.B) {
	after, first := benchCursor.Encode(), 20
	args := Args{First: &first, After: &after}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := args.Validate(benchCursor.Order); err != nil {
			b.Fatal(err)
		}
	}
}
