#!/usr/bin/env bash
# Runs the JavaScript examples of docs/quickstart.md (Apollo Client, urql) in Node.js against
# a running server, so that they are known to work as written, not only to hold valid
# GraphQL (which internal/api/docs_test.go checks on every test run). Not part of CI: it
# needs the npm registry and a server.
#
#   go run . &                                        # or any server with the seed data
#   API_KEY=$(go run . apikey create --org mtv-exit --role editor --name docs) \
#     scripts/check-docs-js.sh [http://localhost:8080]
set -euo pipefail
cd "$(dirname "$0")/.."

base=${1:-http://localhost:8080}
: "${API_KEY:?set API_KEY to an editor key (the examples create a member)}"
command -v node >/dev/null || { echo "needs Node.js and npm" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm init -y >/dev/null &&
  npm install --no-audit --no-fund --silent @apollo/client@4.3.8 rxjs@7.8.2 graphql@16.15.0 @urql/core@6.0.3)

# Each ```js block of the quickstart becomes a module, with the server's address put in.
BASE="$base" DOC=docs/quickstart.md OUT="$work" node -e '
  const fs = require("fs");
  const text = fs.readFileSync(process.env.DOC, "utf8");
  const blocks = [...text.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  if (blocks.length === 0) { console.error("no js examples in " + process.env.DOC); process.exit(1); }
  blocks.forEach((b, i) => fs.writeFileSync(`${process.env.OUT}/example${i + 1}.mjs`,
    b.replaceAll("http://localhost:8080", process.env.BASE)));
'
failed=0
for f in "$work"/example*.mjs; do
  echo "== $(basename "$f")"
  if ! (cd "$work" && timeout 60 node "$f"); then
    echo "FAILED: $(basename "$f")"; failed=1
  fi
done
exit $failed
