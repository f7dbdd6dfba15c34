// The junk half of bench/flood.mjs, in its own process so it does not share the bench's event loop: `connections`
// keep-alive connections, each sending the next junk POST as soon as the last was answered, for `seconds`. The junk
// varies: no signature headers, made-up serials and signatures, control bytes, bodies from 0 to 8 KiB. Prints one
// JSON line: requests sent, rate, and how many got each status.
import { randomBytes } from 'node:crypto';
import { Pool } from 'undici';

const [url, connections = '64', seconds = '30'] = process.argv.slice(2);
const u = new URL(url);
const pool = new Pool(u.origin, { connections: Number(connections), pipelining: 1 });
const bodies = Array.from({ length: 64 }, (_, i) => randomBytes((i * 128) % 8193));
const headerSets = [
  {},
  {
    'wechatpay-serial': 'PUB_KEY_ID_0000000000000000000000000000000099',
    'wechatpay-timestamp': String(Math.floor(Date.now() / 1000)),
    'wechatpay-nonce': 'n',
    'wechatpay-signature': 'AAAA',
  },
  { 'content-type': 'application/json', 'wechatpay-signature': 'x'.repeat(344) },
];
const statuses = {};
let requests = 0;
const end = Date.now() + Number(seconds) * 1000;
await Promise.all(
  Array.from({ length: Number(connections) }, async (_, w) => {
    for (let i = w; Date.now() < end; i += Number(connections)) {
      try {
        const r = await pool.request({
          path: u.pathname,
          method: 'POST',
          headers: headerSets[i % headerSets.length],
          body: bodies[i % bodies.length],
        });
        await r.body.dump();
        statuses[r.statusCode] = (statuses[r.statusCode] ?? 0) + 1;
      } catch {
        statuses.error = (statuses.error ?? 0) + 1;
      }
      requests++;
    }
  }),
);
await pool.close().catch(() => undefined);
console.log(JSON.stringify({ requests, perSecond: Math.round(requests / Number(seconds)), statuses }));
