#!/usr/bin/env bash
# Refreshes the vendored GraphiQL playground assets in this directory from npm.
# Only the browser builds and LICENSE files are kept; nothing else from the
# packages (and no node_modules) ends up in the repository.
#
# Usage: internal/playground/assets/update.sh
# Change the versions below to upgrade; keep @graphiql/plugin-explorer on a
# release whose peer range for @graphiql/react matches the one graphiql uses
# (npm view graphiql@VERSION dependencies;
#  npm view @graphiql/plugin-explorer@VERSION peerDependencies).
set -euo pipefail

GRAPHIQL=3.8.3
EXPLORER=3.2.5          # peer @graphiql/react ^0.28.0, as graphiql 3.8.3 uses
GRAPHIQL_EXPLORER=0.9.0 # bundled into the explorer plugin; only its LICENSE is kept
REACT=18.3.1

dest=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

npm pack --silent \
  "graphiql@$GRAPHIQL" \
  "@graphiql/plugin-explorer@$EXPLORER" \
  "graphiql-explorer@$GRAPHIQL_EXPLORER" \
  "react@$REACT" \
  "react-dom@$REACT" >/dev/null

# extract TARBALL DIR: unpacks an npm tarball (its files sit under package/).
extract() { mkdir -p "$2" && tar -xzf "$1" -C "$2" --strip-components=1; }
extract "graphiql-$GRAPHIQL.tgz" graphiql
extract "graphiql-plugin-explorer-$EXPLORER.tgz" plugin-explorer
extract "graphiql-explorer-$GRAPHIQL_EXPLORER.tgz" graphiql-explorer
extract "react-$REACT.tgz" react
extract "react-dom-$REACT.tgz" react-dom

cp graphiql/graphiql.min.js graphiql/graphiql.min.css "$dest/"
cp graphiql/LICENSE "$dest/LICENSE-graphiql"
cp plugin-explorer/dist/index.umd.js "$dest/graphiql-plugin-explorer.umd.js"
cp plugin-explorer/dist/style.css "$dest/graphiql-plugin-explorer.css"
cp graphiql-explorer/LICENSE "$dest/LICENSE-graphiql-explorer"
cp react/umd/react.production.min.js "$dest/"
cp react/LICENSE "$dest/LICENSE-react"
cp react-dom/umd/react-dom.production.min.js "$dest/"
cp react-dom/LICENSE "$dest/LICENSE-react-dom"

echo "updated $dest:"
ls -l "$dest"
