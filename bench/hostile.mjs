// Issue 9's timed limits on hostile input, measured here instead of asserted in the test suite (issue 15): the
// tests (test/integration/hostile-*.test.ts) check what is refused and that valid requests still succeed; this
// script times them. For `sandbox serve` and `webhook serve`, each in this process on a loopback port 0 with the
// tests' short timeouts, it sends valid signed requests one after another on a keep-alive connection: first with
// no attack (the baseline, same run), then during each attack the tests run (slowloris on headers and on the body,
// oversized bodies, 10,000 malformed requests), the attacks running in a worker thread
// (test/helpers/hostile-attacks.mjs) so they load the server as another machine would. Measured: p50/p99/max of
// the valid requests, how many were not answered as expected, and heap+external ("held") and RSS growth after a
// full GC across the two floods. Goals (issue 9): p99 < 100 ms during every attack; held growth < 16 MiB after the
// oversized bodies and < 32 MiB after the malformed flood; RSS growth < 128 MiB (it also counts the worker).
// Usage: node bench/hostile.mjs [sandbox,webhook]. Needs a build (dist/); loopback only, every loop bounded.
import { createSecretKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import {
  buildNotification,
  createKeyStore,
  initSandbox,
  loadPrivateKey,
  signRequest,
  startSandbox,
  startWebhookServer,
  unixSeconds,
} from '../dist/index.js';

const which = (process.argv[2] ?? 'sandbox,webhook').split(',');
const LIMITS = {
  headersTimeoutMs: 500,
  requestTimeoutMs: 2_000,
  keepAliveTimeoutMs: 1_000,
  checkIntervalMs: 100,
  maxBodyBytes: 64 * 1024,
};
const MAX_VALID = 400;
const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-bench-hostile-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const mib = (x) => x / 2 ** 20;
/** Heap + external (Buffers: bodies live there) and RSS in MiB, after a full GC. */
function memory() {
  gc();
  const m = process.memoryUsage();
  return { held: mib(m.heapUsed + m.external), rss: mib(m.rss) };
}
const percentile = (xs, p) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] ?? NaN;

/** Starts one attack in a worker; `result` settles when it is over, `stop` lets the worker exit. */
function attack(a) {
  const w = new Worker(new URL('../test/helpers/hostile-attacks.mjs', import.meta.url), { workerData: a });
  const exited = new Promise((r) => w.once('exit', r));
  const result = new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  return { result, stop: () => (w.postMessage('stop'), exited) };
}

/** Sends `valid` back to back until `until` settles (or MAX_VALID): latencies and how many were not `ok`. */
async function measure(until, valid, ok) {
  let over = false;
  void until.finally(() => (over = true));
  const ms = [];
  let notOk = 0;
  await valid(); // warm the keep-alive connection
  for (let i = 0; i < MAX_VALID && !over; i++) {
    const t = performance.now();
    if ((await valid()) !== ok) notOk++;
    ms.push(performance.now() - t);
  }
  return { ms, notOk };
}

function send(port, agent, method, target, headers, body) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: target, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The sandbox with one paid order, queried with requests signed ahead (each nonce is accepted once). */
async function sandboxTarget() {
  const init = await initSandbox({ dir: path.join(dir, 'sb'), mode: 'pubkey' });
  const sb = await startSandbox({ dir: init.dir, port: 0, limits: LIMITS });
  const merchant = {
    mchid: init.mchid,
    serialNo: init.serialNo,
    privateKey: loadPrivateKey(readFileSync(init.privateKeyPath)),
  };
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const port = sb.port;
  const headers = (method, url, body = '') => ({
    Accept: 'application/json',
    'User-Agent': 'wxpay-bench/1.0',
    'Content-Type': 'application/json',
    Authorization: signRequest(merchant, {
      method,
      url,
      body,
      timestamp: unixSeconds(Date.now()),
      nonce: randomUUID().replace(/-/g, ''),
    }).authorization,
  });
  const no = `H${Date.now()}`;
  const order = JSON.stringify({
    appid: init.appid,
    mchid: init.mchid,
    description: 'hostile bench',
    out_trade_no: no,
    notify_url: 'https://example.com/notify',
    amount: { total: 100, currency: 'CNY' },
    payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
  });
  const made = await send(
    port,
    agent,
    'POST',
    '/v3/pay/transactions/jsapi',
    headers('POST', '/v3/pay/transactions/jsapi', order),
    order,
  );
  if (made.statusCode !== 200) throw new Error(`the sandbox refused the order: ${made.statusCode}`);
  const target = `/v3/pay/transactions/out-trade-no/${no}?mchid=${init.mchid}`;
  const pool = [];
  return {
    name: 'sandbox serve',
    port,
    ok: 200,
    path: '/v3/pay/transactions/jsapi',
    refill: () => {
      while (pool.length < MAX_VALID + 10) pool.push(headers('GET', target));
    },
    valid: async () => {
      const res = await send(port, agent, 'GET', target, pool.pop() ?? headers('GET', target));
      return res.statusCode === 200 && typeof res.headers['wechatpay-signature'] === 'string' ? 200 : res.statusCode;
    },
    close: async () => (agent.destroy(), sb.close()),
  };
}

/** `webhook serve` with a journal, fed callbacks signed ahead. */
async function webhookTarget() {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pubId = 'PUB_KEY_ID_0000000000000024101100397200000006';
  const apiV3Key = createSecretKey(Buffer.from('Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4'));
  const srv = await startWebhookServer({
    keys: createKeyStore([[pubId, pair.publicKey]]),
    apiV3Key,
    journalPath: path.join(dir, 'journal.ndjson'),
    limits: LIMITS,
  });
  const port = Number(new URL(srv.url).port);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const notify = () => {
    const id = randomUUID();
    return buildNotification({
      eventType: 'TRANSACTION.SUCCESS',
      originalType: 'transaction',
      plaintext: {
        mchid: '1900000001',
        out_trade_no: `T-${id.slice(0, 8)}`,
        trade_state: 'SUCCESS',
        amount: { total: 1 },
      },
      apiV3Key,
      signingKey: pair.privateKey,
      serial: pubId,
      timestamp: String(Math.floor(Date.now() / 1000)),
      nonce: randomUUID().replace(/-/g, ''),
      resourceNonce: 'a1b2c3d4e5f6',
      id,
      createTime: '2026-11-28T10:00:00+08:00',
    });
  };
  const pool = [];
  return {
    name: 'webhook serve',
    port,
    ok: 204,
    path: '/',
    refill: () => {
      while (pool.length < MAX_VALID + 10) pool.push(notify());
    },
    valid: async () => {
      const n = pool.pop() ?? notify();
      const res = await send(
        port,
        agent,
        'POST',
        '/',
        { ...n.headers, 'Content-Length': Buffer.byteLength(n.body) },
        n.body,
      );
      return res.statusCode;
    },
    close: async () => (agent.destroy(), srv.close()),
  };
}

const attacks = (t) => [
  [
    'slowloris on headers (30 connections)',
    { op: 'slowloris', port: t.port, connections: 30, intervalMs: 50, maxMs: 5_000 },
  ],
  [
    'slowloris on the body (10 connections)',
    { op: 'slowloris', port: t.port, connections: 10, intervalMs: 50, maxMs: 5_000, bodyOnly: true },
  ],
  [
    'oversized bodies (20 declared + 20 streamed)',
    { op: 'oversize', port: t.port, rounds: 20, declared: LIMITS.maxBodyBytes + 1, streamed: 20 * LIMITS.maxBodyBytes },
  ],
  [
    '10,000 malformed requests',
    { op: 'malformed', port: t.port, count: 10_000, concurrency: 4, pipelined: 10, path: t.path },
  ],
];

const rows = [];
const row = (server, phase, m, mem = {}) => {
  rows.push(
    `| ${server} | ${phase} | ${m.ms.length} | ${m.notOk} | ${percentile(m.ms, 50).toFixed(1)} | ${percentile(m.ms, 99).toFixed(1)} | ${Math.max(...m.ms).toFixed(1)} | ${mem.held?.toFixed(1) ?? ''} | ${mem.rss?.toFixed(1) ?? ''} |`,
  );
};

for (const make of [which.includes('sandbox') && sandboxTarget, which.includes('webhook') && webhookTarget]) {
  if (!make) continue;
  const t = await make();
  t.refill();
  // Baseline: the same valid requests with nothing else running, for as many as an attack allows.
  row(t.name, 'none (baseline)', await measure(new Promise(() => undefined), t.valid, t.ok));
  for (const [phase, a] of attacks(t)) {
    t.refill();
    const before = a.op === 'oversize' || a.op === 'malformed' ? memory() : undefined;
    const running = attack(a);
    let m;
    try {
      m = await measure(running.result, t.valid, t.ok);
      await running.result;
    } finally {
      await running.stop();
    }
    // After the worker is gone, as the attack's own buffers live in it.
    const after = before && memory();
    row(t.name, phase, m, after ? { held: after.held - before.held, rss: after.rss - before.rss } : {});
  }
  await t.close();
}

console.log(
  '| server | attack | valid requests | not ok | p50 ms | p99 ms | max ms | held growth MiB | RSS growth MiB |',
);
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
