// Starts GraphiQL. Kept in its own file rather than inline in page.html so the
// Content-Security-Policy can allow scripts from 'self' only.
(function () {
  'use strict';

  var defaultQuery = [
    '# Run with the play button or Ctrl-Enter.',
    '# Set request headers in the Headers tab below.',
    '{',
    '  campaigns(first: 5) {',
    '    nodes {',
    '      name',
    '      slug',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');

  var root = document.getElementById('graphiql');
  // The endpoint may be relative ("/query"); resolve it against this page so
  // the playground works behind any host name or path prefix.
  var url = new URL(root.dataset.endpoint, window.location.href).href;
  // Subscriptions go over a websocket to the same endpoint (graphql-transport-ws):
  // ws:// beside http://, wss:// beside https://. GraphiQL's bundle carries the
  // graphql-ws client, and opens one socket per subscription with the Headers
  // tab as the connection's init payload, which is where the server reads an
  // API key (browsers cannot set headers on a websocket).
  var subscriptionUrl = new URL(url);
  subscriptionUrl.protocol = subscriptionUrl.protocol === 'https:' ? 'wss:' : 'ws:';

  var plugins = [];
  if (window.GraphiQLPluginExplorer) {
    plugins.push(window.GraphiQLPluginExplorer.explorerPlugin());
  }

  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: GraphiQL.createFetcher({
        url: url,
        subscriptionUrl: subscriptionUrl.href,
      }),
      defaultQuery: defaultQuery,
      plugins: plugins,
      isHeadersEditorEnabled: true,
      // Headers usually carry API keys: keep them out of localStorage.
      shouldPersistHeaders: false,
    })
  );
})();
