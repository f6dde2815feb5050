package main

import (
	"strings"
	"testing"
)

// TestSummarize feeds the events of a run with a passing, a failing and a skipped test, a
// subtest, and a package that failed without a failed test, and checks the counts, that the
// failure's output and the skip's reason are shown, and that passing output is not.
func TestSummarize(t *testing.T) {
	in := `{"Action":"start","Package":"p/a"}
{"Action":"run","Package":"p/a","Test":"TestOK"}
{"Action":"output","Package":"p/a","Test":"TestOK","Output":"=== RUN   TestOK\n"}
{"Action":"output","Package":"p/a","Test":"TestOK","Output":"    a_test.go:9: chatter of a passing test\n"}
{"Action":"pass","Package":"p/a","Test":"TestOK"}
{"Action":"run","Package":"p/a","Test":"TestBad/case"}
{"Action":"output","Package":"p/a","Test":"TestBad/case","Output":"    a_test.go:20: got 1, want 2\n"}
{"Action":"fail","Package":"p/a","Test":"TestBad/case"}
{"Action":"fail","Package":"p/a","Test":"TestBad"}
{"Action":"output","Package":"p/a","Test":"TestNode","Output":"=== RUN   TestNode\n"}
{"Action":"output","Package":"p/a","Test":"TestNode","Output":"    n_test.go:5: missing: node on PATH\n"}
{"Action":"output","Package":"p/a","Test":"TestNode","Output":"--- SKIP: TestNode (0.00s)\n"}
{"Action":"skip","Package":"p/a","Test":"TestNode"}
{"Action":"output","Package":"p/a","Output":"FAIL\tp/a\t0.1s\n"}
{"Action":"fail","Package":"p/a"}
{"Action":"output","Package":"p/b","Output":"panic: in TestMain\n"}
{"Action":"output","Package":"p/b","Output":"FAIL\tp/b\t0.1s\n"}
{"Action":"fail","Package":"p/b"}
{"Action":"output","Package":"p/c","Output":"ok  \tp/c\t0.1s\n"}
{"Action":"pass","Package":"p/c"}
`
	var out strings.Builder
	s, err := summarize(strings.NewReader(in), &out)
	if err != nil {
		t.Fatal(err)
	}
	if want := (counts{passed: 1, failed: 1, skipped: 1}); s.tests != want {
		t.Errorf("tests %v, want %v", s.tests, want)
	}
	if want := (counts{failed: 1}); s.subtests != want {
		t.Errorf("subtests %v, want %v", s.subtests, want)
	}
	if strings.Join(s.failedPackages, " ") != "p/a p/b" {
		t.Errorf("failed packages %q, want p/a and p/b", s.failedPackages)
	}
	text := out.String()
	for _, want := range []string{
		"--- FAIL: p/a TestBad/case\n    a_test.go:20: got 1, want 2",
		"p/a TestNode: n_test.go:5: missing: node on PATH",
		"output of p/b, which failed outside its tests:\npanic: in TestMain",
		"ok  \tp/c\t0.1s\n",
		"tests: 1 passed, 1 failed, 1 skipped; subtests: 0 passed, 1 failed, 0 skipped\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the report does not say %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "chatter of a passing test") || strings.Contains(text, "output of p/a") {
		t.Errorf("the report shows what passed, or a package whose failed test is shown:\n%s", text)
	}
	if !strings.HasSuffix(text, "skipped\n") {
		t.Errorf("the counts are not the last line:\n%s", text)
	}
}
