// Issue 18: `wxpay webhook serve --store postgres://…` (verify + decrypt + the event row INSERT … ON CONFLICT DO
// NOTHING, committed before the 2xx) with ONE and with TWO instances (the load round-robin across both), beside
// pgbench's simple-insert rate measured in the same run against the same server. The bench starts its own throwaway
// PostgreSQL (test/helpers/postgres-launch.mjs, as the tests do) with fsync=on and synchronous_commit=on: the
// store's durability is the point. No --forward-to, so no outbox rows and no forwarders: this measures the write
// path a callback waits for. Each phase is a closed loop at a fixed concurrency (max req/s), then 1,000 req/s open
// loop (latency); pgbench runs a custom one-line script `INSERT INTO t (body) VALUES (<1.5 KB>)` with the same
// number of clients (-c) and 2 threads (-j, the cores).
// Usage: node bench/webhook-pg.mjs [seconds=3] [rate=1000] [concurrency=32]. Needs a build (dist/) and PostgreSQL.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { initSandbox, loadSandboxKeys } from '../dist/sandbox/keyset.js';
import { launchPostgres, pgCommand, pgSkipReason, stopPostgres } from '../test/helpers/postgres-launch.mjs';
import { measure, serveArgs, signNotifications, startServer } from './webhook-load.mjs';

const run = promisify(execFile);
// WEBHOOK_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/p" profiles the listeners.
const nodeArgs = process.env.WEBHOOK_NODE_ARGS ? process.env.WEBHOOK_NODE_ARGS.split(' ') : [];
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const seconds = Math.min(30, Number(process.argv[2] ?? 3));
const rate = Number(process.argv[3] ?? 1000);
const concurrency = Number(process.argv[4] ?? 32);
const budget = Number(process.env.BENCH_CLOSED_MAX ?? 8000);
// Callbacks at full concurrency before the measured loop, as in webhook-throughput.mjs (the listeners' JIT warm-up).
const warm = Number(process.env.BENCH_WARM ?? 3000);
const skip = pgSkipReason();
if (skip) {
  console.error(`cannot run: ${skip}`);
  process.exit(2);
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-bench-pg-'));
const wxpay = (args) => run(process.execPath, [path.join(root, 'bin', 'wxpay'), ...args], { cwd: dir, nodeArgs });

/** pgbench's simple-insert rate: `clients` connections inserting one ~1.5 KB row per transaction. */
async function pgbench(server, clients) {
  const script = path.join(server.dir, 'insert.sql'); // the server's folder: readable by `postgres` when root
  writeFileSync(script, "INSERT INTO bench_insert (body) VALUES (repeat('x', 1500));\n");
  chmodSync(script, 0o644);
  const conn = ['-h', '127.0.0.1', '-p', String(server.port), '-U', 'wxpay'];
  const [cmd, args] = pgCommand('pgbench', [...conn, '-n', '-c', String(clients), '-j', '2']);
  const { stdout } = await run(cmd, [...args, '-T', String(seconds), '-f', script, 'bench']);
  const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1]);
  const latency = Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1]);
  return { name: `pgbench simple insert (-c ${clients} -j 2)`, tps: Math.round(tps), latencyAvg: latency };
}

async function createBenchDatabase(server) {
  const admin = new pg.Client({ connectionString: `postgres://wxpay@127.0.0.1:${server.port}/postgres` });
  await admin.connect();
  await admin.query('CREATE DATABASE bench');
  await admin.end();
  const url = `postgres://wxpay@127.0.0.1:${server.port}/bench`;
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  await db.query('CREATE TABLE bench_insert (id bigserial PRIMARY KEY, body text NOT NULL)');
  const settings = await db.query(
    "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit')",
  );
  await db.end();
  return { url, settings: Object.fromEntries(settings.rows.map((r) => [r.name, r.setting])) };
}

let server;
const children = [];
try {
  const init = await initSandbox({ dir: path.join(dir, 'sb'), mode: 'pubkey' });
  const sb = await loadSandboxKeys(init.dir);
  const per = Math.min(budget, 8000) + 200 + warm + rate * seconds;
  const pool = signNotifications(sb, 2 * per); // every callback distinct: each one is an INSERT that stores a row
  server = await launchPostgres(['fsync=on', 'synchronous_commit=on', 'max_connections=100']);
  const { url, settings } = await createBenchDatabase(server);
  await wxpay(['webhook', 'migrate', '--store', url]);
  const base = await pgbench(server, concurrency);
  const load = { seconds, rate, concurrency, budget, warm };
  const one = [
    await startServer(serveArgs(root, init.rcPath, ['--store', url, '--instance', 'a']), { cwd: dir, nodeArgs }),
  ];
  children.push(...one);
  const results = [await measure('webhook serve --store, 1 instance', one, pool.slice(0, per), load)];
  const two = [
    one[0],
    await startServer(serveArgs(root, init.rcPath, ['--store', url, '--instance', 'b']), { cwd: dir, nodeArgs }),
  ];
  children.push(two[1]);
  results.push(await measure('webhook serve --store, 2 instances', two, pool.slice(per), load));
  console.log(
    `| server | max req/s (c=${concurrency}) | server CPU µs/req | p50 ms @${rate}/s | p99 ms @${rate}/s | max ms | errors |`,
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const r of results)
    console.log(`| ${r.name} | ${r.throughput} | ${r.cpuUsPerReq} | ${r.p50} | ${r.p99} | ${r.max} | ${r.errors} |`);
  console.log(`| ${base.name} | ${base.tps} tps | | | | avg ${base.latencyAvg} | |`);
  console.log(
    `\nPostgreSQL fsync=${settings.fsync}, synchronous_commit=${settings.synchronous_commit}; 1 instance = ${((results[0].throughput / base.tps) * 100).toFixed(0)}% and 2 instances = ${((results[1].throughput / base.tps) * 100).toFixed(0)}% of pgbench's insert rate; ${os.cpus().length} CPUs, node ${process.version}, load average ${os.loadavg()[0].toFixed(1)}, ${seconds}s per phase`,
  );
  console.log(JSON.stringify({ results, pgbench: base, settings }));
} finally {
  for (const c of children) c.child.kill('SIGTERM');
  if (server) stopPostgres(server.dir);
  rmSync(dir, { recursive: true, force: true });
  if (server) rmSync(server.dir, { recursive: true, force: true });
}
