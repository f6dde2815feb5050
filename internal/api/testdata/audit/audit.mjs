// Runs graphql-http's server audits (the GraphQL-over-HTTP conformance suite) against the
// URL given as the first argument, prints one line per audit, and exits 1 unless every
// audit is ok. internal/api's TestGraphQLHTTPAudit starts the server and runs this.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://HOST:PORT/query');
  process.exit(2);
}
const results = await auditServer({ url });
let ok = 0;
for (const r of results) {
  if (r.status === 'ok') {
    ok++;
    console.log(`ok    ${r.id} ${r.name}`);
    continue;
  }
  let detail = r.reason;
  if (r.response) {
    const body = await r.response.text().catch(() => '');
    detail += ` (status ${r.response.status}, content-type ${r.response.headers.get('content-type')}, body ${body.slice(0, 300)})`;
  }
  console.log(`${r.status.padEnd(5)} ${r.id} ${r.name}: ${detail}`);
}
console.log(`${ok} of ${results.length} audits ok`);
process.exit(ok === results.length ? 0 : 1);
