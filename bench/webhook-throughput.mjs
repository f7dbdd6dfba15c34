// Issue 5 benchmark: `wxpay webhook serve` (verify + decrypt + journal with fsync + dedup) against a bare
// node:http handler that only verifies and decrypts, in the same run, on loopback. Two phases per server:
// closed-loop throughput at a fixed concurrency, then an open-loop fixed rate (default 1,000 req/s) for latency.
// Usage: node bench/webhook-throughput.mjs [seconds=3] [rate=1000] [concurrency=32]. Needs a build (dist/).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { buildNotification } from '../dist/protocol/notification.js';
import { initSandbox, loadSandboxKeys } from '../dist/sandbox/keyset.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const seconds = Math.min(30, Number(process.argv[2] ?? 3));
const rate = Number(process.argv[3] ?? 1000);
const concurrency = Number(process.argv[4] ?? 32);
const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-bench-webhook-'));
const init = await initSandbox({ dir: path.join(dir, 'sb'), mode: 'pubkey' });
const sb = await loadSandboxKeys(init.dir);

// Pre-signed notifications, so signing is not measured. Each server gets its own slice of BENCH_POOL unique ones
// and cycles through it; once a slice wraps, webhook serve takes the duplicate path, which still verifies, decrypts
// and appends an fsync'd journal line (only the forward is skipped, and none is configured here).
const closedBudget = Number(process.env.BENCH_CLOSED_MAX ?? 8000); // caps the closed-loop phase
const need = Number(process.env.BENCH_POOL ?? 6000);
const ts = String(Math.floor(Date.now() / 1000));
process.stderr.write(`signing ${need} notifications...\n`);
const pool = Array.from({ length: need }, (_, i) =>
  buildNotification({
    eventType: 'TRANSACTION.SUCCESS',
    originalType: 'transaction',
    apiV3Key: sb.apiV3Key,
    signingKey: sb.publicKeyPrivate,
    serial: sb.publicKeyId,
    plaintext: { mchid: sb.mchid, out_trade_no: `B${i}`, trade_state: 'SUCCESS', amount: { total: 1 } },
    timestamp: ts,
    nonce: randomUUID().replace(/-/g, ''),
    resourceNonce: 'n0nce0123456',
    id: randomUUID(),
    createTime: '2026-11-28T10:00:00+08:00',
  }),
);
let next = 0;
let slice = [0, need];
const take = () => {
  const [from, to] = slice;
  const n = pool[from + (next % (to - from))];
  next++;
  return n;
};

function startChild(args) {
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (l) => resolve({ child, url: JSON.parse(l).url }));
    child.once('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function measure(name, url, part) {
  slice = part;
  next = 0;
  const u = new URL(url);
  const client = new Pool(u.origin, { connections: concurrency, pipelining: 1 });
  const send = async () => {
    const n = take();
    const t = performance.now();
    const r = await client.request({ path: u.pathname, method: 'POST', headers: n.headers, body: n.body });
    await r.body.dump();
    return { ok: r.statusCode >= 200 && r.statusCode < 300, ms: performance.now() - t };
  };
  for (let i = 0; i < 200; i++) await send(); // warm-up
  // Closed loop: `concurrency` workers back to back.
  let done = 0;
  let errors = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end && done + errors < closedBudget) {
        const r = await send();
        if (r.ok) done++;
        else errors++;
      }
    }),
  );
  const throughput = done / ((performance.now() - t0) / 1000);
  // Open loop at a fixed rate: requests are issued on schedule whether or not earlier ones finished.
  const lat = [];
  let late = 0;
  const inflight = [];
  const start = performance.now();
  const total = rate * seconds;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    else if (wait < -50) late++;
    inflight.push(
      send().then(
        (r) => {
          if (r.ok) lat.push(r.ms);
          else errors++;
        },
        () => errors++,
      ),
    );
  }
  await Promise.all(inflight);
  await client.close();
  lat.sort((a, b) => a - b);
  return {
    name,
    throughput: Math.round(throughput),
    errors,
    rate,
    p50: +pct(lat, 50).toFixed(2),
    p99: +pct(lat, 99).toFixed(2),
    max: +lat.at(-1).toFixed(2),
    lateSends: late,
  };
}

const results = [];
try {
  const bare = await startChild([path.join(root, 'bench', 'webhook-bare.mjs'), init.dir]);
  results.push(await measure('bare node:http verify+decrypt', bare.url, [0, need / 2]));
  bare.child.kill('SIGTERM');
  const serve = await startChild([
    path.join(root, 'bin', 'wxpay'),
    'webhook',
    'serve',
    '--config',
    init.rcPath,
    '--port',
    '0',
    '--json',
    '--journal',
    path.join(dir, 'journal.ndjson'),
  ]);
  results.push(await measure('wxpay webhook serve (journal+fsync)', serve.url, [need / 2, need]));
  serve.child.kill('SIGTERM');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const [b, s] = results;
console.log(`| server | max req/s (c=${concurrency}) | p50 ms @${rate}/s | p99 ms @${rate}/s | max ms | errors |`);
console.log('|---|---|---|---|---|---|');
for (const r of results) console.log(`| ${r.name} | ${r.throughput} | ${r.p50} | ${r.p99} | ${r.max} | ${r.errors} |`);
console.log(
  `\nwebhook serve / bare = ${((s.throughput / b.throughput) * 100).toFixed(0)}% (goal >= 70%); p99 at ${rate}/s = ${s.p99} ms (goal < 20 ms); ${os.cpus().length} CPUs, node ${process.version}, ${seconds}s per phase`,
);
console.log(JSON.stringify({ results }));
