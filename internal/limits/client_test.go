package limits

import (
	"net/netip"
	"testing"
)

func TestClientAddress(t *testing.T) {
	t.Parallel()
	proxies, err := ParsePrefixes("10.0.0.0/8, 192.0.2.7, fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		remote string
		xff    []string
		want   string
	}{
		{"no proxy", "203.0.113.9:51000", nil, "203.0.113.9"},
		{"forged header from an untrusted peer is ignored", "203.0.113.9:51000", []string{"198.51.100.1"}, "203.0.113.9"},
		{"one trusted proxy", "10.1.2.3:443", []string{"198.51.100.1"}, "198.51.100.1"},
		{"client's own forged entry left of the real one", "10.1.2.3:443", []string{"1.2.3.4, 198.51.100.1"}, "198.51.100.1"},
		{"a chain of trusted proxies", "10.1.2.3:443", []string{"198.51.100.1, 192.0.2.7", "10.9.9.9"}, "198.51.100.1"},
		{"trusted proxy without a header", "192.0.2.7:443", nil, "192.0.2.7"},
		{"every hop trusted: the leftmost", "10.1.2.3:443", []string{"10.0.0.5, 10.0.0.6"}, "10.0.0.5"},
		{"malformed hop stops the walk", "10.1.2.3:443", []string{"198.51.100.1, garbage"}, "10.1.2.3"},
		{"IPv6 peer", "[2001:db8::1]:443", nil, "2001:db8::1"},
		{"IPv6 through a proxy", "[fd00::1]:443", []string{"2001:db8:1:2::5"}, "2001:db8:1:2::5"},
		{"IPv4 in IPv6 is IPv4", "[::ffff:203.0.113.9]:443", nil, "203.0.113.9"},
		{"hop with a port", "10.1.2.3:443", []string{"198.51.100.1:5555"}, "198.51.100.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ClientAddress(tt.remote, tt.xff, proxies); got.String() != tt.want {
				t.Errorf("ClientAddress = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestClientKey(t *testing.T) {
	t.Parallel()
	tests := []struct{ addr, want string }{
		{"203.0.113.9", "addr:203.0.113.9"},
		{"2001:db8:1:2:aaaa::1", "addr:2001:db8:1:2::/64"},
		{"2001:db8:1:2:bbbb::7", "addr:2001:db8:1:2::/64"}, // the same /64: the same client
		{"2001:db8:1:3::1", "addr:2001:db8:1:3::/64"},
	}
	for _, tt := range tests {
		if got := ClientKey(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("ClientKey(%s) = %s, want %s", tt.addr, got, tt.want)
		}
	}
	if got := ClientKey(netip.Addr{}); got != "addr:unknown" {
		t.Errorf("ClientKey of no address = %s", got)
	}
}

func TestParsePrefixes(t *testing.T) {
	t.Parallel()
	got, err := ParsePrefixes(" 10.0.0.0/8 ,192.0.2.7,, ::1 ")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.0/8", "192.0.2.7/32", "::1/128"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("prefix %d = %s, want %s", i, got[i], want[i])
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.example.org", "10.0.0"} {
		if _, err := ParsePrefixes(bad); err == nil {
			t.Errorf("ParsePrefixes(%q) accepted it", bad)
		}
	}
}
