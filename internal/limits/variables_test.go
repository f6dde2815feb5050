package limits

import "testing"

func TestCheckVariables(t *testing.T) {
	t.Parallel()
	list := func(n int) []any {
		l := make([]any, n)
		for i := range l {
			l[i] = "x"
		}
		return l
	}
	tests := []struct {
		name string
		vars map[string]any
		max  int
		ok   bool
	}{
		{"none", nil, 5, true},
		{"scalars", map[string]any{"a": 1, "b": "x"}, 5, true},
		{"a list at the limit", map[string]any{"ids": list(4)}, 5, true},
		{"a list over it", map[string]any{"ids": list(5)}, 5, false},
		{"a huge list", map[string]any{"ids": list(1_000_000)}, 1000, false},
		{"nested objects count every field", map[string]any{"in": map[string]any{"a": map[string]any{"b": 1, "c": 2}}}, 3, false},
		{"nested within", map[string]any{"in": map[string]any{"a": map[string]any{"b": 1}}}, 3, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckVariables(tt.vars, tt.max)
			if (err == nil) != tt.ok {
				t.Fatalf("CheckVariables = %v, want ok %t", err, tt.ok)
			}
			if err != nil && err.Extensions["code"] != CodeVariablesTooLarge {
				t.Errorf("code %v", err.Extensions["code"])
			}
		})
	}
}

func TestConfig(t *testing.T) {
	t.Parallel()
	c := Config{MaxDepth: 3}.WithDefaults()
	if c.MaxDepth != 3 || c.MaxFields != Defaults().MaxFields || c.KeyPoints != 0 {
		t.Errorf("WithDefaults = %+v: want MaxDepth kept, MaxFields defaulted, rate limits left off", c)
	}
	if err := Defaults().Check(); err != nil {
		t.Errorf("the defaults do not check: %v", err)
	}
	bad := Defaults()
	bad.AnonymousPoints = bad.MaxCost - 1
	if err := bad.Check(); err == nil {
		t.Error("a budget smaller than the largest request passed Check")
	}
}
