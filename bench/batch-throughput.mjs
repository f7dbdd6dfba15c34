#!/usr/bin/env node
// Batch throughput: rows per second of `wxpay query --from <file.csv>` against the sandbox at --concurrency 1, 4
// and 16, next to the sandbox's own ceiling for the same query measured in the same run (pre-signed GETs from
// 16 connections on raw sockets, bench/lean-load.mjs, so the load generator spends little CPU and no RSA time). The sandbox runs as `wxpay sandbox serve --quiet`
// in its own process; each batch is the real CLI in its own process (a query batch keeps no journal).
// Rows/s is taken from the batch's own summary (first request to last result, excluding Node start-up); the
// wall time of the whole command is shown too.
// Usage: npm run build && node bench/batch-throughput.mjs [--rows 10000] [--concurrency 1,4,16] [--ceiling-seconds 5] [--header]
// Prints markdown table rows for BENCHMARKS.md. BATCH_PROF=1 writes a CPU profile of each batch to /tmp/prof3.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { getRequestBytes, leanLoad } from './lean-load.mjs';
import { presignedPool } from './presigned.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/wxpay');
const { initSandbox } = await import(path.join(root, 'dist/sandbox/keyset.js'));
const { loadPrivateKey } = await import(path.join(root, 'dist/protocol/keys.js'));
const { signRequest, unixSeconds } = await import(path.join(root, 'dist/protocol/sign.js'));
const { newNonce } = await import(path.join(root, 'dist/protocol/nonce.js'));

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const rows = Number(arg('rows', '10000'));
const levels = String(arg('concurrency', '1,4,16')).split(',').map(Number);
const ceilingSeconds = Number(arg('ceiling-seconds', '5'));

function startSandbox(dir) {
  const child = spawn(
    process.execPath,
    [bin, 'sandbox', 'serve', '--dir', dir, '--port', '0', '--json', '--quiet', '--auto-refund', 'off'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (l) => resolve({ child, url: JSON.parse(l).url }));
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
}

/** Creates `n` orders with signed prepay calls, 16 at a time (set-up, not measured). */
async function seed(pool, merchant, init, n, prefix) {
  const sign = (method, url, body) =>
    signRequest(merchant, { method, url, body, timestamp: unixSeconds(Date.now()), nonce: newNonce() }).authorization;
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const no = `${prefix}${String(next++).padStart(8, '0')}`;
      const body = JSON.stringify({
        appid: init.appid,
        mchid: init.mchid,
        description: 'bench',
        out_trade_no: no,
        notify_url: 'https://example.com/n',
        amount: { total: 1 },
      });
      const res = await pool.request({
        method: 'POST',
        path: '/v3/pay/transactions/native',
        headers: {
          accept: 'application/json',
          'user-agent': 'wxpay-bench/1',
          'content-type': 'application/json',
          authorization: sign('POST', '/v3/pay/transactions/native', body),
        },
        body,
      });
      await res.body.dump();
      if (res.statusCode !== 200) throw new Error(`prepay answered ${res.statusCode}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, lane));
  return Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(8, '0')}`);
}

/** The sandbox's ceiling for this query: pre-signed GETs as fast as 16 connections go (bench/lean-load.mjs). */
async function ceiling(url, merchant, init, no) {
  const target = `/v3/pay/transactions/out-trade-no/${no}?mchid=${init.mchid}`;
  const { host, origin } = new URL(url);
  const signed = presignedPool(
    () =>
      getRequestBytes(host, target, {
        accept: 'application/json',
        'user-agent': 'wxpay-bench/1',
        authorization: signRequest(merchant, {
          method: 'GET',
          url: target,
          body: '',
          timestamp: unixSeconds(Date.now()),
          nonce: newNonce(),
        }).authorization,
      }),
    0.5 + ceilingSeconds,
  );
  const run = (ms) => leanLoad({ origin, connections: 16, next: signed.take, ms });
  await run(500);
  const { rate, bad } = await run(ceilingSeconds * 1000);
  if (bad) throw new Error(`${bad} ceiling requests were not signed 200 answers`);
  return rate;
}

function batch(cwd, env, file, concurrency) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(
      process.execPath,
      [
        ...(process.env.BATCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof3'] : []),
        bin,
        'query',
        '--from',
        file,
        '--concurrency',
        String(concurrency),
        '--rate',
        '10000',
        '--json',
      ],
      { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let last = '';
    let err = '';
    createInterface({ input: child.stdout }).on('line', (l) => (last = l));
    child.stderr.on('data', (d) => (err += d));
    child.once('error', reject);
    child.once('close', (code) => {
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const summary = JSON.parse(last || '{}');
      if (code !== 0 || summary.type !== 'summary') return reject(new Error(`batch exited ${code}: ${err}`));
      resolve({ wall, summary });
    });
  });
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wxpay-bench-batch-'));
  const init = await initSandbox({ dir, mode: 'pubkey' });
  const { child, url } = await startSandbox(dir);
  try {
    const merchant = {
      mchid: init.mchid,
      serialNo: init.serialNo,
      privateKey: loadPrivateKey(readFileSync(init.privateKeyPath)),
    };
    const pool = new Pool(new URL(url).origin, { connections: 16, pipelining: 1 });
    const nos = await seed(pool, merchant, init, rows, `BB${Date.now().toString(36).toUpperCase()}`);
    const file = path.join(dir, 'orders.csv');
    writeFileSync(file, `out_trade_no\n${nos.join('\n')}\n`);
    const env = { ...process.env, WXPAY_BASE_URL: url, NO_COLOR: '1' };
    const results = [];
    for (const c of levels) results.push({ c, ...(await batch(dir, env, file, c)) });
    const max = await ceiling(url, merchant, init, nos[0]);
    await pool.close();
    const cpu = `${os.cpus()[0]?.model.trim() ?? 'unknown CPU'} (${os.cpus().length} cores)`;
    if (process.argv.includes('--header')) {
      console.log(
        '| date | node | CPU | rows | concurrency | rows/s (batch) | wall s | sandbox ceiling req/s | % of ceiling |',
      );
      console.log('|---|---|---|---|---|---|---|---|---|');
    }
    for (const r of results) {
      const rate = (r.summary.rows * 1000) / r.summary.elapsedMs;
      console.log(
        `| ${new Date().toISOString().slice(0, 10)} | ${process.version} | ${cpu} | ${r.summary.rows} | ${r.c} | ${rate.toFixed(0)} | ${r.wall.toFixed(1)} | ${max.toFixed(0)} | ${((rate / max) * 100).toFixed(0)}% |`,
      );
    }
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
