// Issue 13 bench: a listener that floods cannot stop. Bounded, loopback only. Two phases:
//  0. Valid callbacks alone for 5 s: the machine's own latency, to tell the flood's cost from the load's.
//  1. `wxpay webhook serve` (spawned, as in production) takes junk from 64 keep-alive connections at the maximum
//     rate for 30 s (a separate process: bench/flood-client.mjs), while valid signed callbacks are sent one at a
//     time (20/s). Measured: journal growth, the server's RSS (sampled, and its peak VmHWM), the valid callbacks'
//     latency (p50/p99) and whether every one was acknowledged and is in the journal.
//  2. A 1 GiB journal is generated (rejected digests with some accepted callbacks among them) and the server is
//     started on it: time until it listens, and its peak RSS.
// Goals (issue 13): growth < 20 MB, RSS < 200 MB, p99 < 50 ms, none lost; restart < 10 s with RSS < 200 MB.
// Usage: node bench/flood.mjs [seconds=30] [connections=64] [journalMiB=1024]. Needs a build (dist/) and ~2 GiB
// free in the temp folder; everything it writes is removed at the end.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { buildNotification } from '../dist/protocol/notification.js';
import { initSandbox, loadSandboxKeys } from '../dist/sandbox/keyset.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(here, '..', 'bin', 'wxpay');
const seconds = Math.min(60, Number(process.argv[2] ?? 30));
const connections = Math.min(256, Number(process.argv[3] ?? 64));
const journalMiB = Math.min(2048, Number(process.argv[4] ?? 1024));
const validPerSecond = 20;
const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-bench-flood-'));
const journal = path.join(dir, 'journal.ndjson');
const children = new Set();
const cleanup = () => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
};
process.on('exit', cleanup);

const init = await initSandbox({ dir: path.join(dir, 'sb'), mode: 'pubkey' });
const sb = await loadSandboxKeys(init.dir);
const sign = (id, i) =>
  buildNotification({
    eventType: 'TRANSACTION.SUCCESS',
    originalType: 'transaction',
    apiV3Key: sb.apiV3Key,
    signingKey: sb.publicKeyPrivate,
    serial: sb.publicKeyId,
    plaintext: { mchid: sb.mchid, out_trade_no: `F${i}`, trade_state: 'SUCCESS', amount: { total: 1 } },
    timestamp: String(Math.floor(Date.now() / 1000)),
    nonce: randomUUID().replace(/-/g, ''),
    resourceNonce: 'n0nce0123456',
    id,
    createTime: '2026-11-28T10:00:00+08:00',
  });

const mib = (n) => (n / 2 ** 20).toFixed(1);
const pct = (xs, p) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] ?? NaN;
function status(pid) {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** Starts `wxpay webhook serve`; resolves when it listens, with the time that took. */
function serve() {
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [bin, 'webhook', 'serve', '--config', init.rcPath, '--port', '0', '--journal', journal, '--json'],
    { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.add(child);
  const exited = new Promise((r) => child.once('exit', (c) => (children.delete(child), r(c))));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (l) => {
      lines.on('line', () => undefined); // keep draining the live lines
      resolve({ child, exited, url: JSON.parse(l).url, startMs: performance.now() - t0 });
    });
    child.once('exit', (c) => reject(new Error(`webhook serve exited ${c}`)));
  });
}

/** Valid callbacks one at a time at `validPerSecond` for `secs`: their latencies, ids, and how many were not 204. */
async function validLoop(url, secs) {
  const u = new URL(url);
  const client = new Pool(u.origin, { connections: 1 });
  const out = { ms: [], ids: [], notAcked: 0 };
  const t0 = performance.now();
  for (let i = 0; performance.now() - t0 < secs * 1000; i++) {
    const n = sign(randomUUID(), i);
    const t = performance.now();
    const r = await client.request({ path: u.pathname, method: 'POST', headers: n.headers, body: n.body });
    await r.body.dump();
    out.ms.push(performance.now() - t);
    out.ids.push(n.event.id);
    if (r.statusCode !== 204) out.notAcked++;
    const wait = t0 + ((i + 1) * 1000) / validPerSecond - performance.now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
  }
  await client.close();
  return out;
}

// ---- phase 0: the same valid callbacks without a flood, for the machine's own latency -------------------------
const srv = await serve();
const quiet = await validLoop(srv.url, 5);

// ---- phase 1: the flood --------------------------------------------------------------------------------------
const before = statSync(journal).size;
const flood = spawn(
  process.execPath,
  [path.join(here, 'flood-client.mjs'), srv.url, String(connections), String(seconds)],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
children.add(flood);
let floodOut = '';
flood.stdout.on('data', (d) => (floodOut += d));
const floodDone = new Promise((r) => flood.once('exit', () => (children.delete(flood), r())));

const rss = [];
const sampler = setInterval(() => rss.push(status(srv.child.pid).rss), 250);
const { ms, ids: sent, notAcked } = await validLoop(srv.url, seconds);
await floodDone;
clearInterval(sampler);
const peak = status(srv.child.pid).hwm;
srv.child.kill('SIGTERM');
await srv.exited;
const growth = statSync(journal).size - before;
const text = readFileSync(journal, 'utf8');
const lost = sent.filter((id) => !text.includes(`"id":"${id}","event_type"`)).length;
const junk = JSON.parse(floodOut || '{}');

// ---- phase 2: restart on a 1 GiB journal ---------------------------------------------------------------------
// Mostly rejected digests (what a flood leaves), with one accepted callback every 1,000 lines.
const accepted = readFileSync(journal, 'utf8')
  .split('\n')
  .find((l) => l.includes('"outcome":"accepted"'));
const digest = `${JSON.stringify({ outcome: 'rejected', status: 401, code: 'VERIFY_BAD_SIGNATURE', receivedAt: new Date().toISOString(), remote: '127.0.0.1', method: 'POST', path: '/', headers: { 'content-type': 'application/json', 'wechatpay-serial': 'X'.repeat(40) }, bodyBytes: 4096, bodySha256: '0'.repeat(64), bodyHead: 'j'.repeat(1024) })}\n`;
const fd = openSync(journal, 'w');
let written = 0;
let ids = 0;
const block = [];
while (written < journalMiB * 2 ** 20) {
  block.length = 0;
  for (let k = 0; k < 999; k++) block.push(digest);
  block.push(`${accepted.replace(/"id":"[^"]+"/, `"id":"GEN-${ids++}"`)}\n`);
  const buf = Buffer.from(block.join(''));
  writeSync(fd, buf);
  written += buf.length;
}
closeSync(fd);
const again = await serve();
const restartPeak = status(again.child.pid).hwm;
again.child.kill('SIGTERM');
await again.exited;

const row = (what, value, goal, ok) => `| ${what} | ${value} | ${goal} | ${ok ? 'yes' : 'NO'} |`;
console.log(
  `flood: ${seconds} s, ${connections} connections of junk (${junk.requests ?? '?'} requests, ${junk.perSecond ?? '?'}/s; statuses ${JSON.stringify(junk.statuses ?? {})}), ${sent.length} valid callbacks at ${validPerSecond}/s alongside; load average ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} on ${os.cpus().length} cores\n`,
);
console.log('| figure | measured | goal | met |\n|---|---|---|---|');
console.log(row('journal growth during the flood', `${mib(growth)} MB`, '< 20 MB', growth < 20e6));
console.log(
  row(
    'server RSS during the flood (max sampled / peak)',
    `${mib(Math.max(...rss))} / ${mib(peak)} MiB`,
    '< 200 MB',
    peak < 200e6,
  ),
);
console.log(
  row(
    'valid callbacks without a flood (same run): p50 / p99',
    `${pct(quiet.ms, 50).toFixed(1)} / ${pct(quiet.ms, 99).toFixed(1)} ms`,
    'baseline',
    true,
  ),
);
console.log(
  row(
    'valid callbacks during the flood: p50 / p99 latency',
    `${pct(ms, 50).toFixed(1)} / ${pct(ms, 99).toFixed(1)} ms`,
    'p99 < 50 ms',
    pct(ms, 99) < 50,
  ),
);
console.log(
  row(
    'valid callbacks lost (not 204, or not in the journal)',
    `${notAcked} / ${lost} of ${sent.length}`,
    '0',
    notAcked === 0 && lost === 0,
  ),
);
console.log(
  row(
    `restart on a ${mib(written)} MiB journal (${ids} accepted ids): time to listen`,
    `${(again.startMs / 1000).toFixed(2)} s`,
    '< 10 s',
    again.startMs < 10_000,
  ),
);
console.log(row('restart peak RSS', `${mib(restartPeak)} MiB`, '< 200 MB', restartPeak < 200e6));
console.log(
  JSON.stringify({
    bench: 'flood',
    quietP50: pct(quiet.ms, 50),
    quietP99: pct(quiet.ms, 99),
    growthBytes: growth,
    peakRss: peak,
    p50: pct(ms, 50),
    p99: pct(ms, 99),
    valid: sent.length,
    notAcked,
    lost,
    journalBytes: written,
    restartMs: again.startMs,
    restartPeakRss: restartPeak,
    junk,
  }),
);
