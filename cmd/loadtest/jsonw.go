package main

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// jw writes JSON by hand into a byte slice, as the floor's answers are written: no
// reflection, no intermediate values. The caller writes the punctuation of objects.
type jw struct{ b []byte }

func (w *jw) raw(s string) *jw { w.b = append(w.b, s...); return w }

// str writes s as a JSON string.
func (w *jw) str(s string) *jw {
	w.b = append(w.b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			w.b = append(w.b, '\\', c)
			i++
		case c < 0x20:
			w.b = append(w.b, `\u00`...)
			w.b = append(w.b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&0xf])
			i++
		case c < utf8.RuneSelf:
			w.b = append(w.b, c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				w.b = append(w.b, `\ufffd`...)
			} else {
				w.b = append(w.b, s[i:i+size]...)
			}
			i += size
		}
	}
	w.b = append(w.b, '"')
	return w
}

func (w *jw) strp(s *string) *jw {
	if s == nil {
		return w.raw("null")
	}
	return w.str(*s)
}

func (w *jw) int(n int64) *jw { w.b = strconv.AppendInt(w.b, n, 10); return w }

func (w *jw) intp(n *int64) *jw {
	if n == nil {
		return w.raw("null")
	}
	return w.int(*n)
}

func (w *jw) float(f float64) *jw { w.b = strconv.AppendFloat(w.b, f, 'g', -1, 64); return w }

func (w *jw) bool(v bool) *jw { w.b = strconv.AppendBool(w.b, v); return w }

// time writes an instant in RFC 3339 at its location's offset, as the DateTime scalar does.
func (w *jw) time(t *time.Time) *jw {
	if t == nil {
		return w.raw("null")
	}
	w.b = append(w.b, '"')
	w.b = t.AppendFormat(w.b, time.RFC3339)
	w.b = append(w.b, '"')
	return w
}
