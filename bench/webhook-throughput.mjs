// Issues 5 and 18: `wxpay webhook serve` (verify + decrypt + the file journal with group commit: fsync before each
// answer + dedup) against a bare node:http handler that only verifies and decrypts, in the same run, on loopback.
// Per server: a warm-up at full concurrency (its figures are reported as the first callbacks after start), then, at
// the steady state, closed-loop throughput at a fixed concurrency and an open-loop fixed rate (default 1,000 req/s)
// for latency. Also measured: each server's CPU per request (user + system, all its threads, from /proc), and the
// disk's own append+fsync latency in the journal's folder (what a callback waits for at least).
// Usage: node bench/webhook-throughput.mjs [seconds=3] [rate=1000] [concurrency=32]. Needs a build (dist/).
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initSandbox, loadSandboxKeys } from '../dist/sandbox/keyset.js';
import { measure, pct, serveArgs, signNotifications, startServer } from './webhook-load.mjs';

// WEBHOOK_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/p" profiles both servers (each process writes its own profile).
const nodeArgs = process.env.WEBHOOK_NODE_ARGS ? process.env.WEBHOOK_NODE_ARGS.split(' ') : [];
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const seconds = Math.min(30, Number(process.argv[2] ?? 3));
const rate = Number(process.argv[3] ?? 1000);
const concurrency = Number(process.argv[4] ?? 32);
const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-bench-webhook-'));
const init = await initSandbox({ dir: path.join(dir, 'sb'), mode: 'pubkey' });
const sb = await loadSandboxKeys(init.dir);

const budget = Number(process.env.BENCH_CLOSED_MAX ?? 15000); // caps the closed-loop phase
// Both servers are long-lived: the measured loop comes after this many callbacks at full concurrency, when V8 has
// compiled their hot code (BENCH_WARM=0 measures straight after start, as this script did before session 13).
const warm = Number(process.env.BENCH_WARM ?? 10000);
// Pre-signed notifications, so signing is not measured: one distinct notification for every callback a server can
// be sent, so each one is a new event to webhook serve (a repeat takes the cheaper duplicate path: its journal line
// carries no decrypted resource). Both servers get the same ones; each is a process of its own that saw none.
const pool = signNotifications(sb, 200 + warm + budget + rate * seconds);
const load = { seconds, rate, concurrency, budget, warm };

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
  const bare = await startServer([path.join(root, 'bench', 'webhook-bare.mjs'), init.dir], { cwd: dir, nodeArgs });
  results.push(await measure('bare node:http verify+decrypt', [bare], pool, load));
  bare.child.kill('SIGTERM');
  const serve = await startServer(serveArgs(root, init.rcPath, ['--journal', path.join(dir, 'journal.ndjson')]), {
    cwd: dir,
    nodeArgs,
  });
  results.push(await measure('wxpay webhook serve (journal+fsync)', [serve], pool, load));
  serve.child.kill('SIGTERM');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const [b, s] = results;
console.log(
  `| server | max req/s (c=${concurrency}) | server CPU µs/req | first ${warm} after start: req/s, CPU µs/req | p50 ms @${rate}/s | p99 ms @${rate}/s | max ms | errors |`,
);
console.log('|---|---|---|---|---|---|---|---|');
for (const r of results)
  console.log(
    `| ${r.name} | ${r.throughput} | ${r.cpuUsPerReq} | ${r.firstThroughput ?? '-'}, ${r.firstCpuUsPerReq ?? '-'} | ${r.p50} | ${r.p99} | ${r.max} | ${r.errors} |`,
  );
const pctOf = (x, y) => (x > 0 && y > 0 ? `${((x / y) * 100).toFixed(0)}%` : 'not measured');
console.log(
  `\nwebhook serve / bare = ${pctOf(s.throughput, b.throughput)} (goal >= 90%; first ${warm} after start: ${pctOf(s.firstThroughput, b.firstThroughput)}); p99 at ${rate}/s = ${s.p99} ms (goal < 10 ms); disk append+fsync p50 ${fsync.p50} ms, p99 ${fsync.p99} ms; ${os.cpus().length} CPUs, node ${process.version}, load average ${os.loadavg()[0].toFixed(1)}, ${seconds}s per phase after ${warm} warm-up callbacks`,
);
console.log(JSON.stringify({ results, fsync }));
