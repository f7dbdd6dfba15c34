// Issues 5 and 18: `wxpay webhook serve` (verify + decrypt + the file journal with group commit: fsync before each
// answer + dedup) against a bare node:http handler that only verifies and decrypts, in the same run, on loopback.
// Two phases per server: closed-loop throughput at a fixed concurrency, then an open-loop fixed rate (default
// 1,000 req/s) for latency. Also measured: each server's CPU per request (user + system, all its threads, from
// /proc), and the disk's own append+fsync latency in the journal's folder (what a callback waits for at least).
// Usage: node bench/webhook-throughput.mjs [seconds=3] [rate=1000] [concurrency=32]. Needs a build (dist/).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { buildNotification } from '../dist/protocol/notification.js';
import { initSandbox, loadSandboxKeys } from '../dist/sandbox/keyset.js';

// WEBHOOK_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/p" profiles both servers (each process writes its own profile).
const nodeArgs = process.env.WEBHOOK_NODE_ARGS ? process.env.WEBHOOK_NODE_ARGS.split(' ') : [];
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
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (l) => {
      // Only the first line (the URL) is read; the live lines after it are drained unparsed, so the load generator
      // spends no CPU on them (it shares the machine with the server being measured).
      lines.close();
      child.stdout.resume();
      resolve({ child, url: JSON.parse(l).url });
    });
    child.once('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
}

/** The CPU time (user + system, ms) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuMs(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function measure(name, { url, child }, part) {
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
  const cpu0 = cpuMs(child.pid);
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
  const cpuUsPerReq = ((cpuMs(child.pid) - cpu0) * 1000) / (done + errors);
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
    cpuUsPerReq: Math.round(cpuUsPerReq),
    errors,
    rate,
    p50: +pct(lat, 50).toFixed(2),
    p99: +pct(lat, 99).toFixed(2),
    max: +lat.at(-1).toFixed(2),
    lateSends: late,
  };
}

/** The disk's latency for what one lone callback costs the journal: append ~2 KB, then fsync (ms, p50 and p99). */
async function fsyncLatency(file, n = 200) {
  const fh = await open(file, 'a', 0o600);
  const line = Buffer.alloc(2048, 0x61);
  const lat = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fh.write(line);
    await fh.sync();
    lat.push(performance.now() - t);
  }
  await fh.close();
  lat.sort((a, b) => a - b);
  return { p50: +pct(lat, 50).toFixed(2), p99: +pct(lat, 99).toFixed(2) };
}

const results = [];
let fsync;
try {
  fsync = await fsyncLatency(path.join(dir, 'fsync-probe'));
  const bare = await startChild([path.join(root, 'bench', 'webhook-bare.mjs'), init.dir]);
  results.push(await measure('bare node:http verify+decrypt', bare, [0, need / 2]));
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
  results.push(await measure('wxpay webhook serve (journal+fsync)', serve, [need / 2, need]));
  serve.child.kill('SIGTERM');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const [b, s] = results;
console.log(
  `| server | max req/s (c=${concurrency}) | server CPU µs/req | p50 ms @${rate}/s | p99 ms @${rate}/s | max ms | errors |`,
);
console.log('|---|---|---|---|---|---|---|');
for (const r of results)
  console.log(`| ${r.name} | ${r.throughput} | ${r.cpuUsPerReq} | ${r.p50} | ${r.p99} | ${r.max} | ${r.errors} |`);
console.log(
  `\nwebhook serve / bare = ${((s.throughput / b.throughput) * 100).toFixed(0)}% (goal >= 90%); p99 at ${rate}/s = ${s.p99} ms (goal < 10 ms); disk append+fsync p50 ${fsync.p50} ms, p99 ${fsync.p99} ms; ${os.cpus().length} CPUs, node ${process.version}, load average ${os.loadavg()[0].toFixed(1)}, ${seconds}s per phase`,
);
console.log(JSON.stringify({ results, fsync }));
