package realtime_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"campaigns/internal/realtime"

	"campaigns/internal/testenv"
)

// nodeDir holds the npm client: package.json and package-lock.json pin graphql-ws and ws.
const nodeDir = "testdata/node"

// TestGraphQLWSClientFromNPM runs the real graphql-ws client (Node.js) against a test
// server: it authenticates in the init payload, subscribes, and prints what it receives
// when a mutation changes the event. It installs the pinned packages with `npm ci` when
// node_modules is missing.
func TestGraphQLWSClientFromNPM(t *testing.T) {
	node := testenv.Tool(t, "node", "Node.js: apt-get install nodejs npm")
	if _, err := os.Stat(filepath.Join(nodeDir, "node_modules", "graphql-ws")); err != nil {
		npm := testenv.Tool(t, "npm", "apt-get install npm")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--prefer-offline")
		cmd.Dir = nodeDir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci: %v\n%s", err, out)
		}
	}

	w := newWorld(t)
	in := startInstance(t, w.st, realtime.Options{})
	vars, _ := json.Marshal(map[string]any{"event": w.events[0].GlobalID()})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "subscribe.mjs", "ws"+strings.TrimPrefix(in.srv.URL, "http")+"/query", w.key,
		`subscription($event: ID) { eventChanged(event: $event) { op eventId event { title } } }`, string(vars), "1")
	cmd.Dir = nodeDir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	in.awaitSubscribers(t, 1)
	w.renameEvent(t, in.srv.URL, w.events[0], "Seen from Node")

	var lines []string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("node: %v\nstdout: %s\nstderr: %s", err, lines, stderr.String())
	}
	if len(lines) != 1 {
		t.Fatalf("node printed %q", lines)
	}
	var got struct {
		Data struct {
			EventChanged struct {
				Op      string
				EventID string
				Event   struct{ Title string }
			}
		}
		Errors []any
	}
	if err := json.Unmarshal([]byte(lines[0]), &got); err != nil {
		t.Fatal(err)
	}
	ch := got.Data.EventChanged
	if len(got.Errors) > 0 || ch.Op != "UPDATED" || ch.EventID != w.events[0].GlobalID() || ch.Event.Title != "Seen from Node" {
		t.Errorf("graphql-ws received %s", lines[0])
	}
}
