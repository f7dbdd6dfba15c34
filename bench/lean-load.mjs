// The load generator of the throughput benches (sandbox ceiling, batch ceiling): keep-alive HTTP/1.1 on raw
// node:net sockets, one request in flight per connection, each request's bytes built while pre-signing (outside the
// measurement). It shares the 2 cores with the server it measures, so its own cost is the point: issue 19 measured
// undici's request() at ~90-160 µs of CPU a request against ~30 µs here, CPU the sandbox under test did not get.
// It reads answers by Content-Length (the sandbox sends one on every non-streamed answer) and counts an answer as
// good only if it is a 200 that carries a Wechatpay-Signature header.
import { connect } from 'node:net';

/** The bytes of a GET with these headers (Host included), sent as they are. */
export function getRequestBytes(host, target, headers) {
  let text = `GET ${target} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const [k, v] of Object.entries(headers)) text += `${k}: ${v}\r\n`;
  return Buffer.from(`${text}\r\n`, 'latin1');
}

const HEAD_END = Buffer.from('\r\n\r\n');

/** One parsed answer off the front of `buf`, or undefined until it has fully arrived. */
function takeAnswer(buf) {
  const h = buf.indexOf(HEAD_END);
  if (h < 0) return undefined;
  const head = buf.toString('latin1', 0, h);
  const len = /\r\ncontent-length: *(\d+)/i.exec(head);
  if (!len) throw new Error(`answer without Content-Length: ${head.slice(0, 200)}`);
  const end = h + 4 + Number(len[1]);
  if (buf.length < end) return undefined;
  const good = head.startsWith('HTTP/1.1 200 ') && /\r\nwechatpay-signature: /i.test(head);
  return { good, rest: buf.subarray(end) };
}

/** One connection sending `next()`'s requests back to back until `end` (ms since the epoch) or the pool runs dry. */
function lane(port, hostname, next, end, counts) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, hostname);
    socket.setNoDelay(true);
    let buf = Buffer.alloc(0);
    const send = () => {
      const bytes = Date.now() < end ? next() : undefined;
      if (!bytes) return void socket.end(resolve);
      socket.write(bytes);
    };
    socket.on('connect', send);
    socket.on('data', (chunk) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      try {
        for (let a = takeAnswer(buf); a; a = takeAnswer(buf)) {
          if (a.good) counts.ok += 1;
          else counts.bad += 1;
          buf = a.rest;
          send();
        }
      } catch (err) {
        socket.destroy();
        reject(err);
      }
    });
    socket.on('error', reject);
  });
}

/** Sends `next()`'s requests over `connections` connections for `ms`; good and bad answers, and answers/s. */
export async function leanLoad({ origin, connections, next, ms }) {
  const u = new URL(origin);
  const counts = { ok: 0, bad: 0 };
  const t0 = process.hrtime.bigint();
  const end = Date.now() + ms;
  await Promise.all(Array.from({ length: connections }, () => lane(Number(u.port), u.hostname, next, end, counts)));
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  return { ...counts, rate: counts.ok / elapsed };
}
