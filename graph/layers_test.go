package graph_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestGraphReadsThroughTheLoader holds graph to its layer: it reads through internal/loader
// (the relation table, or Loaders.Direct for the reads nothing batches) and writes through the
// store's one write entry, Store.Write. A call of any other store method from graph is a read
// that the loader's table and its tests do not know of.
func TestGraphReadsThroughTheLoader(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			method, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if recv, ok := method.X.(*ast.SelectorExpr); ok && recv.Sel.Name == "Store" && method.Sel.Name != "Write" {
				t.Errorf("%s: graph calls Store.%s; read through the loader (loader.For(ctx), or its Direct reads)",
					fset.Position(call.Pos()), method.Sel.Name)
			}
			return true
		})
	}
	if checked < 20 {
		t.Fatalf("checked only %d files of graph", checked)
	}
}
