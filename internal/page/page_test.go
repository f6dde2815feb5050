package page

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func intp(n int) *int          { return &n }
func strp(s string) *string    { return &s }
func raw(json string) string   { return base64.RawURLEncoding.EncodeToString([]byte(json)) }
func std(json string) string   { return base64.StdEncoding.EncodeToString([]byte(json)) }
func cursorp(c Cursor) *Cursor { return &c }

func TestValidate(t *testing.T) {
	good := Cursor{Order: "NAME", Value: "Tie", Key: "7"}
	tests := []struct {
		name string
		args Args
		want Request
		bad  bool
	}{
		{name: "no arguments read forward 20", args: Args{}, want: Request{Size: DefaultSize}},
		{name: "first", args: Args{First: intp(5)}, want: Request{Size: 5}},
		{name: "first 0", args: Args{First: intp(0)}, want: Request{Size: 0}},
		{name: "first 100", args: Args{First: intp(100)}, want: Request{Size: 100}},
		{name: "first 101", args: Args{First: intp(101)}, bad: true},
		{name: "first -1", args: Args{First: intp(-1)}, bad: true},
		{name: "last", args: Args{Last: intp(3)}, want: Request{Backward: true, Size: 3}},
		{name: "last 0", args: Args{Last: intp(0)}, want: Request{Backward: true, Size: 0}},
		{name: "last 100", args: Args{Last: intp(100)}, want: Request{Backward: true, Size: 100}},
		{name: "last 101", args: Args{Last: intp(101)}, bad: true},
		{name: "last -1", args: Args{Last: intp(-1)}, bad: true},
		{name: "first and last", args: Args{First: intp(1), Last: intp(1)}, bad: true},
		{name: "after and before", args: Args{After: strp(good.Encode()), Before: strp(good.Encode())}, bad: true},
		{name: "first with before", args: Args{First: intp(2), Before: strp(good.Encode())}, bad: true},
		{name: "last with after", args: Args{Last: intp(2), After: strp(good.Encode())}, bad: true},
		{name: "first with after", args: Args{First: intp(2), After: strp(good.Encode())}, want: Request{Size: 2, From: cursorp(good)}},
		{name: "after alone reads forward 20", args: Args{After: strp(good.Encode())}, want: Request{Size: DefaultSize, From: cursorp(good)}},
		{name: "last with before", args: Args{Last: intp(4), Before: strp(good.Encode())}, want: Request{Backward: true, Size: 4, From: cursorp(good)}},
		{name: "before alone reads backward 20", args: Args{Before: strp(good.Encode())}, want: Request{Backward: true, Size: DefaultSize, From: cursorp(good)}},
		{name: "garbage after", args: Args{First: intp(1), After: strp("not a cursor!")}, bad: true},
		{name: "garbage before", args: Args{Last: intp(1), Before: strp("%%%")}, bad: true},
		{name: "after of another ordering", args: Args{After: strp(Cursor{Order: "CREATED_AT", Value: "x", Key: "1"}.Encode())}, bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.args.Validate("NAME")
			if tt.bad {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("Validate = %+v, %v; want an error wrapping ErrInvalid", got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCursorRoundTrip(t *testing.T) {
	tests := []Cursor{
		{Order: "NAME", Value: "Tie", Key: "1"},
		{Order: "STARTS_AT", Value: "2012-12-08T12:30:00+00:00", Key: "9223372036854775807"},
		{Order: "STARTS_ON", Value: "infinity", Key: "3"},
		{Order: "NAME", Value: "", Key: "MM"},
		{Order: "NAME", Value: `quotes " and \ and ünïcødé and , : {}`, Key: "42"},
	}
	for _, c := range tests {
		t.Run(c.Order+"/"+c.Value, func(t *testing.T) {
			s := c.Encode()
			if strings.ContainsAny(s, "+/= ") {
				t.Errorf("Encode = %q; want URL-safe text without padding", s)
			}
			got, err := DecodeCursor(s, c.Order)
			if err != nil {
				t.Fatalf("DecodeCursor(%q): %v", s, err)
			}
			if diff := cmp.Diff(c, got); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeCursorRefuses(t *testing.T) {
	good := Cursor{Order: "NAME", Value: "Tie", Key: "7"}.Encode()
	tampered := []byte(good)
	tampered[len(tampered)/2] ^= 0x01
	tests := []struct {
		name, cursor string
	}{
		{"empty", ""},
		{"garbage", "not a cursor!"},
		{"tampered", string(tampered)},
		{"truncated", good[:len(good)-3]},
		{"standard base64 with padding", std(`{"o":"NAME","v":"Tie","k":"7"}x`)},
		{"base64 of garbage JSON", raw(`{"o":"NAME","v":`)},
		{"base64 of non-JSON", raw("hello world")},
		{"JSON of the wrong shape", raw(`["NAME","Tie","7"]`)},
		{"JSON with a number for a string", raw(`{"o":"NAME","v":1,"k":"7"}`)},
		{"no key", raw(`{"o":"NAME","v":"Tie"}`)},
		{"empty key", raw(`{"o":"NAME","v":"Tie","k":""}`)},
		{"no ordering", raw(`{"v":"Tie","k":"7"}`)},
		{"another ordering", Cursor{Order: "CREATED_AT", Value: "2012-12-08T12:30:00Z", Key: "7"}.Encode()},
		{"ordering differing in case", Cursor{Order: "name", Value: "Tie", Key: "7"}.Encode()},
		{"very long", Cursor{Order: "NAME", Value: strings.Repeat("x", 2000), Key: "7"}.Encode()},
		{"very long garbage", strings.Repeat("A", 100000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeCursor(tt.cursor, "NAME")
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("DecodeCursor = %+v, %v; want an error wrapping ErrInvalid", got, err)
			}
			if len(err.Error()) > 200 {
				t.Errorf("error is %d bytes long; a client's input must be cut short in it: %.300s", len(err.Error()), err)
			}
			if _, err := (Args{After: &tt.cursor}).Validate("NAME"); !errors.Is(err, ErrInvalid) {
				t.Errorf("Validate with after = %q: %v; want ErrInvalid", tt.cursor, err)
			}
			if _, err := (Args{Before: &tt.cursor}).Validate("NAME"); !errors.Is(err, ErrInvalid) {
				t.Errorf("Validate with before = %q: %v; want ErrInvalid", tt.cursor, err)
			}
		})
	}
}
