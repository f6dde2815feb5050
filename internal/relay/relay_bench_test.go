package relay

import "testing"

// Every node in an answer has its global ID encoded, and every ID argument is decoded.

func BenchmarkEncodeInt(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = EncodeInt(TypeEvent, 1_000_123)
	}
}

func BenchmarkDecodeInt(b *testing.B) {
	id := EncodeInt(TypeEvent, 1_000_123)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeInt(TypeEvent, id); err != nil {
			b.Fatal(err)
		}
	}
}
