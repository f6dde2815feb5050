package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"campaigns/internal/contract"
)

// TestSchemaCommand runs `schema` and `schema check` as a developer does, from the
// repository's root, with no settings and no database: the first prints the committed
// schema.graphql (when it is current, which graph's TestSchemaContract checks), the second
// passes on the committed tree and refuses unknown arguments.
func TestSchemaCommand(t *testing.T) {
	none := env(nil)
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"schema"}, none, &stdout, &stderr); code != 0 {
		t.Fatalf("schema: exit code %d: %s", code, stderr.String())
	}
	committed, err := os.ReadFile(contract.SchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stdout.Bytes(), committed) {
		t.Errorf("`go run . schema` does not print %s; run: %s", contract.SchemaFile, contract.UpdateCommand)
	}

	stdout.Reset()
	stderr.Reset()
	if code := run(context.Background(), []string{"schema", "check"}, none, &stdout, &stderr); code != 0 {
		t.Errorf("schema check: exit code %d:\n%s%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "schema contract: ok") {
		t.Errorf("schema check printed:\n%s", stdout.String())
	}

	stderr.Reset()
	if code := run(context.Background(), []string{"schema", "diff"}, none, &stdout, &stderr); code != 2 {
		t.Errorf("schema diff: exit code %d, want 2", code)
	}
}
