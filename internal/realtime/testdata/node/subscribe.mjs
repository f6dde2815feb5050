// Subscribes with the graphql-ws client from npm, as a partner app would, and prints each
// result as one JSON line; exits after `count` results. Usage:
//   node subscribe.mjs <ws url> <api key or ""> <query> <variables json> <count>
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, key, query, variables, count] = process.argv.slice(2);
const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: key ? { Authorization: `Bearer ${key}` } : {},
  retryAttempts: 0,
});
let left = Number(count);
const stop = client.subscribe(
  { query, variables: JSON.parse(variables) },
  {
    next: (result) => {
      console.log(JSON.stringify(result));
      if (--left === 0) {
        stop();
        client.dispose().then(() => process.exit(0));
      }
    },
    error: (err) => {
      console.error('error', err instanceof Error ? err.message : JSON.stringify(err));
      process.exit(1);
    },
    complete: () => process.exit(left === 0 ? 0 : 2),
  },
);
