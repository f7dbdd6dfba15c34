// The attacks of the hostile-input tests (issue 9), run in a worker thread by test/helpers/hostile.ts: raw
// loopback sockets that trickle headers or a body (slowloris), send oversized bodies, or send malformed requests
// of many kinds (broken framing, invalid UTF-8, requests that are valid HTTP but not a valid call). Plain JS, so
// the worker needs no TypeScript loader. Every loop is bounded; each result is posted back as one message.
import { connect } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

// Progress shared with the test's thread (test/helpers/hostile.ts): one count per step of the attack (a header line
// or body byte trickled, an exchange finished), so the valid requests can be spread over the whole attack.
const progress = workerData?.progress ? new Int32Array(workerData.progress) : undefined;
function step() {
  if (!progress) return;
  Atomics.add(progress, 0, 1);
  Atomics.notify(progress, 0);
}

/** The Host a loopback client sends (the sandbox refuses other names: DNS rebinding, issue 12). */
const hostOf = (port) => `127.0.0.1:${port}`;

/** Sends `bytes` on a fresh connection and reads until the server closes it, or `timeoutMs`. */
export function exchange(port, bytes, timeoutMs = 5_000) {
  return new Promise((resolve) => {
    const started = performance.now();
    const chunks = [];
    const s = connect(port, '127.0.0.1');
    let done = false;
    const finish = (byServer) => {
      if (done) return;
      done = true;
      step();
      clearTimeout(timer);
      s.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const statuses = [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
      resolve({ status: statuses[0] ?? 0, statuses, closedByServer: byServer, ms: performance.now() - started });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    s.on('data', (c) => chunks.push(c));
    s.on('end', () => finish(true));
    s.on('close', () => finish(true));
    s.on('error', () => finish(true));
    s.write(bytes);
  });
}

/** Sockets that send a request line, then one header line (or, bodyOnly, one body byte) every intervalMs. */
function slowloris({ port, connections, intervalMs, maxMs, bodyOnly }) {
  const one = () =>
    new Promise((resolve) => {
      const started = performance.now();
      const s = connect(port, '127.0.0.1');
      let first = '';
      let n = 0;
      const end = (byServer) => {
        clearInterval(tick);
        clearTimeout(stop);
        s.destroy();
        const m = /^HTTP\/1\.[01] (\d{3})/.exec(first);
        resolve({ status: m ? Number(m[1]) : 0, closedByServer: byServer, ms: performance.now() - started });
      };
      const head = `POST / HTTP/1.1\r\nHost: ${hostOf(port)}\r\n`;
      s.write(bodyOnly ? `${head}Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n` : head);
      const tick = setInterval(() => {
        if (s.destroyed) return;
        s.write(bodyOnly ? 'x' : `X-Slow-${n++}: aaaaaaaaaa\r\n`);
        step();
      }, intervalMs);
      const stop = setTimeout(() => end(false), maxMs);
      s.on('data', (c) => {
        first ||= c.toString('latin1');
      });
      s.on('close', () => end(true));
      s.on('error', () => undefined);
    });
  return Promise.all(Array.from({ length: connections }, one));
}

/** Alternates a body just over the cap with Content-Length, and a much larger one streamed chunked. */
async function oversize({ port, rounds, declared, streamed }) {
  const big = Buffer.alloc(declared, 0x61);
  const huge = Buffer.alloc(streamed, 0x61);
  const out = [];
  for (let i = 0; i < rounds; i++) {
    out.push(
      await exchange(
        port,
        Buffer.concat([
          Buffer.from(
            `POST / HTTP/1.1\r\nHost: ${hostOf(port)}\r\nContent-Type: application/json\r\nContent-Length: ${big.length}\r\n\r\n`,
          ),
          big,
        ]),
      ),
    );
    out.push(
      await exchange(
        port,
        Buffer.concat([
          Buffer.from(
            `POST / HTTP/1.1\r\nHost: ${hostOf(port)}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${huge.length.toString(16)}\r\n`,
          ),
          huge,
          Buffer.from('\r\n0\r\n\r\n'),
        ]),
      ),
    );
  }
  return out;
}

/** Requests that break HTTP framing: the server must answer 400/431 and close. One per connection. */
const BROKEN = [
  (i) => `GARBAGE ${i}\r\n\r\n`,
  () => '\x00\xff\xfe\r\n\r\n',
  (i, p, h) => `POST ${p} HTTP/1.1\r\nHost: ${h}\r\nContent-Length: abc\r\n\r\n`,
  (i, p, h) => `POST ${p} HTTP/1.1\r\nHost: ${h}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n`,
  (i, p, h) => `POST ${p} HTTP/1.1\r\nHost: ${h}\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello`,
  (i, p, h) => `POST ${p} HTTP/1.1\r\nHost: ${h}\r\nBad Header Name: v\r\n\r\n`,
  (i, p, h) => `POST ${p} HTTP/1.1\r\nHost: ${h}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
  (i, p, h) => `POST ${p}\xff\xfe HTTP/1.1\r\nHost: ${h}\r\n\r\n`,
  (i, p) => `POST ${p} HTTP/9.9\r\n\r\n`,
  () => '\r\n\r\nGARBAGE\r\n\r\n',
];

/** Valid HTTP that is not a valid callback / API call (invalid UTF-8, bad signatures, wrong paths), sent
 *  pipelined on a keep-alive connection: the server answers each with a 4xx and keeps going. */
const BAD_CALLS = [
  (i, p, h) =>
    `POST ${p} HTTP/1.1\r\nHost: ${h}\r\nContent-Type: application/json\r\nContent-Length: 6\r\n\r\n{\xc3\x28\xff\xfe}`,
  (i, p, h) =>
    `POST ${p} HTTP/1.1\r\nHost: ${h}\r\nWechatpay-Timestamp: 1\r\nWechatpay-Nonce: n\r\nWechatpay-Serial: S\r\nWechatpay-Signature: \xff\xfe\r\nContent-Length: 2\r\n\r\n{}`,
  (i, p, h) =>
    `POST ${p} HTTP/1.1\r\nHost: ${h}\r\nAuthorization: WECHATPAY2-SHA256-RSA2048 mchid="\xc3\x28",serial_no="1"\r\nAccept: application/json\r\nUser-Agent: x\r\nContent-Length: 4\r\n\r\nnull`,
  (i, p, h) => `GET /${'../'.repeat(50)}etc/passwd HTTP/1.1\r\nHost: ${h}\r\n\r\n`,
  (i, p, h) => `PUT ${p} HTTP/1.1\r\nHost: ${h}\r\nContent-Length: 0\r\n\r\n`,
  (i, p, h) => `POST ${p}?${'q='.repeat(200)} HTTP/1.1\r\nHost: ${h}\r\nContent-Length: 1\r\n\r\n\xff`,
];

/** `count` malformed requests: a fifth break the framing (a connection each), the rest are bad calls pipelined
 *  `pipelined` to a connection. Returns how many got each status (0 = no answer before the close). */
async function malformed({ port, count, concurrency, path = '/', pipelined = 50 }) {
  const statuses = {};
  const note = (s) => (statuses[s] = (statuses[s] ?? 0) + 1);
  let sent = 0;
  let i = 0;
  const worker = async () => {
    while (sent < count) {
      const k = i++;
      if (k % 5 === 0) {
        sent += 1;
        const r = await exchange(
          port,
          Buffer.from(BROKEN[(k / 5) % BROKEN.length](k, path, hostOf(port)), 'latin1'),
          3_000,
        );
        note(r.status);
      } else {
        const n = Math.min(pipelined, count - sent);
        sent += n;
        const reqs = Array.from({ length: n }, (_, j) => BAD_CALLS[(k + j) % BAD_CALLS.length](k, path, hostOf(port)));
        reqs[n - 1] = reqs[n - 1].replace('\r\n', '\r\nConnection: close\r\n');
        const r = await exchange(port, Buffer.from(reqs.join(''), 'latin1'), 5_000);
        for (const s of r.statuses) note(s);
        for (let m = r.statuses.length; m < n; m++) note(0);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return statuses;
}

const ops = {
  slowloris,
  oversize,
  malformed,
  exchange: ({ port, bytes, timeoutMs }) => exchange(port, Buffer.from(bytes), timeoutMs),
};
// Report, then stay alive until told to go: a worker's exit joins its thread on the main event loop, which would
// stall the valid requests being timed there.
if (parentPort && workerData) {
  parentPort.once('message', () => parentPort.close());
  parentPort.postMessage(await ops[workerData.op](workerData));
}
