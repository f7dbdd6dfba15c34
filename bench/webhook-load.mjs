// The callback load of the webhook benchmarks (webhook-throughput.mjs: file journal vs bare; webhook-pg.mjs: the
// PostgreSQL store): pre-signed notifications (signing is not measured), servers started as children that print
// their URL as the first stdout line, and one measurement = a closed loop at a fixed concurrency (max req/s), then
// an open loop at a fixed rate (latency). With several servers the requests go round-robin across them.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Pool } from 'undici';
import { buildNotification } from '../dist/protocol/notification.js';

/** `n` distinct signed TRANSACTION.SUCCESS notifications for the sandbox keys `sb`. */
export function signNotifications(sb, n) {
  const ts = String(Math.floor(Date.now() / 1000));
  process.stderr.write(`signing ${n} notifications...\n`);
  return Array.from({ length: n }, (_, i) =>
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
}

/** The argv (after node) of `wxpay webhook serve` on a free port with --json, for the profile in `rcPath`. */
export const serveArgs = (root, rcPath, more) => [
  path.join(root, 'bin', 'wxpay'),
  ...['webhook', 'serve', '--config', rcPath, '--port', '0', '--json', ...more],
];

/** Starts `node ...args` in `cwd`; resolves with the child and the `url` of the JSON object on its first line. */
export function startServer(args, { cwd, nodeArgs = [] }) {
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd,
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
const cpuOf = (servers) => servers.reduce((sum, s) => sum + cpuMs(s.child.pid), 0);

export const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** A sender over `servers` (round-robin) and `notes` (each sent once, in order, wrapping if they run out). */
function sender(servers, notes, concurrency) {
  const targets = servers.map((s) => {
    const u = new URL(s.url);
    return { path: u.pathname, client: new Pool(u.origin, { connections: concurrency, pipelining: 1 }) };
  });
  let next = 0;
  const send = async () => {
    const n = notes[next % notes.length];
    const { client, path } = targets[next % targets.length];
    next++;
    const t = performance.now();
    const r = await client.request({ path, method: 'POST', headers: n.headers, body: n.body });
    await r.body.dump();
    return { ok: r.statusCode >= 200 && r.statusCode < 300, ms: performance.now() - t };
  };
  return { send, close: () => Promise.all(targets.map((t) => t.client.close())) };
}

/** Closed loop: `concurrency` workers back to back for `seconds` (or `budget` requests); req/s and CPU µs/req. */
async function closedLoop(send, servers, { seconds, concurrency, budget }) {
  let done = 0;
  let errors = 0;
  const cpu0 = cpuOf(servers);
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end && done + errors < budget) {
        const r = await send().catch(() => ({ ok: false }));
        if (r.ok) done++;
        else errors++;
      }
    }),
  );
  const throughput = done / ((performance.now() - t0) / 1000);
  return { throughput, errors, cpuUsPerReq: ((cpuOf(servers) - cpu0) * 1000) / (done + errors) };
}

/** Open loop: requests issued on schedule at `rate`/s whether or not earlier ones finished; sorted latencies. */
async function openLoop(send, { seconds, rate }) {
  const lat = [];
  let errors = 0;
  let late = 0;
  const inflight = [];
  const start = performance.now();
  for (let i = 0; i < rate * seconds; i++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    else if (wait < -50) late++;
    inflight.push(
      send().then(
        (r) => (r.ok ? lat.push(r.ms) : errors++),
        () => errors++,
      ),
    );
  }
  await Promise.all(inflight);
  return { lat: lat.sort((a, b) => a - b), errors, late };
}

/** Warm-up, closed loop, open loop against `servers` with `notes`; one result row. `warm` more requests at the
 *  full concurrency before the measured loop bring a server to its steady state: V8 is still compiling its hot code
 *  with TurboFan, on its helper threads, for the first few thousand callbacks, and a short loop straight after start
 *  measures that compile as much as the server (BENCHMARKS.md, "the ratio at steady state"). */
export async function measure(name, servers, notes, { seconds, rate, concurrency, budget = Infinity, warm = 0 }) {
  const { send, close } = sender(servers, notes, concurrency);
  for (let i = 0; i < 200; i++) await send(); // the first requests one at a time: start-up and lazy compiles
  // The warm-up is measured too: the first callbacks after start, as a listener just (re)started meets them.
  const first = warm > 0 ? await closedLoop(send, servers, { seconds: 30, concurrency, budget: warm }) : undefined;
  const closed = await closedLoop(send, servers, { seconds, concurrency, budget });
  const open = await openLoop(send, { seconds, rate });
  await close();
  return {
    name,
    throughput: Math.round(closed.throughput),
    ...(first
      ? { firstThroughput: Math.round(first.throughput), firstCpuUsPerReq: Math.round(first.cpuUsPerReq) }
      : {}),
    cpuUsPerReq: Math.round(closed.cpuUsPerReq),
    errors: (first?.errors ?? 0) + closed.errors + open.errors,
    rate,
    p50: +pct(open.lat, 50).toFixed(2),
    p99: +pct(open.lat, 99).toFixed(2),
    max: +(open.lat.at(-1) ?? NaN).toFixed(2),
    lateSends: open.late,
  };
}
