package limits

import (
	"github.com/vektah/gqlparser/v2/gqlerror"

	"campaigns/internal/problem"
)

// CheckVariables refuses variables that hold more than max values, counting every element
// of every list and every field of every object: a list of a million IDs costs the server
// its decoding and coercion whatever the query then does with it. The body limit bounds
// the bytes; this bounds the values.
func CheckVariables(vars map[string]any, max int) *gqlerror.Error {
	if n := countValues(vars, max); n > max {
		return refusal(problem.VariablesTooLarge, "the variables hold more than %d values; the limit is %d", max, max)
	}
	return nil
}

// countValues counts the values in v, stopping once the count passes max.
func countValues(v any, max int) int {
	n := 0
	var walk func(v any)
	walk = func(v any) {
		if n > max {
			return
		}
		switch v := v.(type) {
		case map[string]any:
			for _, e := range v {
				if n++; n > max {
					return
				}
				walk(e)
			}
		case []any:
			for _, e := range v {
				if n++; n > max {
					return
				}
				walk(e)
			}
		}
	}
	walk(v)
	return n
}
